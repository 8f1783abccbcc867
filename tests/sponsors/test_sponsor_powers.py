"""Sponsor powers: unblock or refer down any blocker in their areas at any tier, and decide
ideas in their areas up to the sponsor limit — recorded as decisions naming the sponsor."""

from __future__ import annotations

import re

import pytest
from sponsor_support import PRACTITIONER, SPONSOR, csrf_from
from sqlalchemy import select

from govflow.decisions.models import Decision
from govflow.domain_errors import Forbidden
from govflow.extensions import db
from govflow.items.models import Event
from govflow.workflow import engine


def _snapshot(item):
    db.session.refresh(item)
    events = db.session.scalars(select(Event.id).where(Event.item_id == item.id)).all()
    decisions = db.session.scalars(select(Decision.id).where(Decision.item_id == item.id)).all()
    return item.state, item.tier, item.version, list(events), list(decisions)


@pytest.mark.parametrize("tier", ["bronze", "silver", "gold"])
def test_the_workflow_offers_sponsors_unblock_and_refer_down_at_every_tier(people, make_blocker,
                                                                          tier):
    item = make_blocker(tier=tier)
    offered = {a.trigger.name for a in engine.available(item, people[SPONSOR])}
    assert "unblock" in offered
    assert ("refer_down" in offered) == (tier != "bronze")  # Bronze is the lowest tier


@pytest.mark.parametrize("tier", ["bronze", "silver", "gold"])
def test_a_sponsor_unblocks_at_any_tier_in_their_area_and_is_named(people, make_blocker, tier):
    sponsor = people[SPONSOR]
    item = make_blocker(tier=tier)
    engine.fire(item, "unblock", sponsor, fields={"resolution": "Agreed with the service lead"},
                version=item.version)
    assert item.state == "unblocked"
    decision = db.session.scalar(select(Decision).where(Decision.item_id == item.id))
    assert decision.outcome == "unblocked" and decision.tier == tier
    assert decision.decided_by_id == sponsor.id and not decision.by_default


def test_a_sponsor_refers_a_gold_blocker_down_with_support_given(people, make_blocker):
    sponsor = people[SPONSOR]
    item = make_blocker(tier="gold")
    engine.fire(item, "refer_down", sponsor,
                fields={"support_given": "Permission to use the hub's community room"})
    assert (item.state, item.tier) == ("silver", "silver")
    decision = db.session.scalar(select(Decision).where(Decision.item_id == item.id))
    assert (decision.outcome, decision.tier, decision.decided_by_id) == (
        "referred_down", "gold", sponsor.id)


@pytest.mark.parametrize("trigger", ["unblock", "refer_down"])
def test_a_sponsor_cannot_act_on_a_gold_blocker_in_another_area(people, make_blocker, trigger):
    item = make_blocker(area="balby", tier="gold", raiser="ryan.cooper@syp.example")
    before = _snapshot(item)
    offered = {a.trigger.name for a in engine.available(item, people[SPONSOR])}
    assert trigger not in offered
    with pytest.raises(Forbidden):
        engine.fire(item, trigger, people[SPONSOR], version=item.version,
                    fields={"resolution": "Not mine", "support_given": "Not mine"})
    db.session.rollback()
    assert _snapshot(item) == before


def test_a_sponsor_decides_an_idea_in_their_area_up_to_the_sponsor_limit(people):
    from govflow.items import ideas
    from govflow.workflow.definition import load

    limit = int(load("idea").settings["sponsor_limit_pounds"])
    # Simon sponsors Denaby and is an executive, who decides at Gold only: at Silver he
    # decides as the sponsor or not at all. (Gareth is also a Head of Service, who may.)
    sponsor = people["simon.adeyemi@dmbc.example"]

    def propose(pounds, area="denaby", who=PRACTITIONER):
        idea = ideas.propose_idea(
            people[who], title=f"Idea asking £{pounds}", description="A community event.",
            why="Families meet practitioners.", area=area, outcomes=["reach-full-potential"],
            funding_asked=str(pounds))
        db.session.commit()  # as the request that proposed it did
        return idea

    within = propose(limit)
    assert within.tier == "silver"
    engine.fire(within, "approve", sponsor)
    decision = db.session.scalar(select(Decision).where(Decision.item_id == within.id))
    assert (decision.outcome, decision.decided_by_id) == ("approved", sponsor.id)

    above = propose(limit + 1)
    before = _snapshot(above)
    with pytest.raises(Forbidden):
        engine.fire(above, "approve", sponsor)
    db.session.rollback()
    assert _snapshot(above) == before

    elsewhere = propose(100, area="balby", who="ryan.cooper@syp.example")
    with pytest.raises(Forbidden):
        engine.fire(elsewhere, "approve", sponsor)


# --------------------------------------------------------------------------- through the web form

VERSION_RE = re.compile(r'name="version"[^>]*value="(\d+)"')


def test_a_sponsor_unblocks_a_gold_blocker_in_their_area_through_the_item_page(
        auth, client, people, make_blocker, make_action):
    item = make_blocker(tier="gold", title="Gold blocker the sponsor can clear")
    make_action(what="Web: talk to the hub manager", item=item)
    auth.login(SPONSOR)
    page = client.get(f"/items/{item.id}").get_data(as_text=True)
    assert f"/items/{item.id}/actions/unblock" in page
    assert "Web: talk to the hub manager" in page  # the sponsor actions linked to it

    form = client.get(f"/items/{item.id}/actions/unblock").get_data(as_text=True)
    response = client.post(f"/items/{item.id}/actions/unblock", data={
        "csrf_token": csrf_from(form), "version": VERSION_RE.search(form).group(1),
        "resolution": "The hub manager will take community bookings from Monday."})
    assert response.status_code == 302
    db.session.refresh(item)
    assert item.state == "unblocked"
    decision = db.session.scalar(select(Decision).where(Decision.item_id == item.id))
    assert (decision.outcome, decision.tier) == ("unblocked", "gold")
    assert decision.decided_by_id == people[SPONSOR].id
    shown = client.get(f"/items/{item.id}").get_data(as_text=True)
    assert "Gareth Holmes" in shown
    assert "Sponsor action" in shown and "recorded" in shown


def test_a_sponsor_cannot_unblock_a_gold_blocker_in_another_area(auth, client, people,
                                                                  make_blocker):
    # A Balby blocker from the sponsor's own organisation: they may see it (as a Head of
    # Service in that organisation), but at Gold only executives and Balby's sponsors act.
    item = make_blocker(area="balby", tier="gold", raiser="ryan.cooper@syp.example",
                        organisation="syp", title="Gold blocker in someone else's area")
    before = _snapshot(item)
    auth.login(SPONSOR)
    page = client.get(f"/items/{item.id}")
    assert page.status_code == 200
    assert f"/items/{item.id}/actions/unblock" not in page.get_data(as_text=True)
    assert client.get(f"/items/{item.id}/actions/unblock").status_code == 403
    response = auth.post(f"/items/{item.id}/actions/unblock", {
        "version": str(item.version), "resolution": "Trying anyway"},
        form_page=f"/items/{item.id}")
    assert response.status_code == 403
    db.session.expire_all()
    assert _snapshot(item) == before


def test_the_decision_log_calls_a_referral_down_what_the_minutes_and_workflow_call_it(
        people, make_blocker, client, auth):
    """One name for the outcome everywhere it is shown: the log's tag and title say
    "Referred down with support or permission", as the minutes and the action do."""
    sponsor = people[SPONSOR]
    item = make_blocker(tier="gold")
    engine.fire(item, "refer_down", sponsor,
                fields={"support_given": "Permission to use the hub's community room"})
    db.session.commit()
    decision = db.session.scalar(select(Decision).where(Decision.item_id == item.id))
    auth.login(sponsor.email)
    page = client.get(f"/decisions/{decision.id}").get_data(as_text=True)
    assert f"Decision {decision.id}: Referred down with support or permission" in page
    assert re.search(r'<strong class="govuk-tag[^"]*">\s*Referred down with support or '
                     r"permission\s*</strong>", page)
    assert "Referred down with permission" not in page
