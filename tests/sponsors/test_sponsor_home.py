"""The sponsor's home page: what needs them now, in order — late items, ideas to decide,
their own actions falling due — across all their areas and only their areas."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sponsor_support import (
    FACILITATOR,
    PRACTITIONER,
    SPONSOR,
    working_days_ago,
    working_days_ahead,
)

from govflow.clock import utcnow
from govflow.extensions import db
from govflow.workflow import engine


@pytest.mark.parametrize("email", [PRACTITIONER, FACILITATOR, "helen.ackroyd@dcst.example",
                                   "joanne.kilner@dcst.example", "chris.moorhouse@dcst.example"])
def test_only_sponsors_have_a_sponsor_home(auth, client, email):
    auth.login(email)
    assert client.get("/sponsor").status_code == 403
    assert 'href="/sponsor"' not in client.get("/").get_data(as_text=True)


def test_home_page_links_sponsors_to_their_page(auth, client):
    auth.login(SPONSOR)
    html = client.get("/").get_data(as_text=True)
    assert 'href="/sponsor"' in html and "See what needs you now" in html


def test_sponsor_home_orders_what_needs_them(auth, client, people, make_blocker, make_action):
    from govflow.items import ideas

    now = utcnow()
    # Raised so many working days ago, so they are as late over Christmas as in term time
    # (twelve days before 4 January 2027 is only five working days).
    oldest = make_blocker(title="Home: overdue for weeks", now=working_days_ago(12))
    newer = make_blocker(title="Home: overdue for days", tier="gold", now=working_days_ago(8))
    paused = make_blocker(title="Home: paused past the cap", now=now - timedelta(days=40))
    engine.fire(paused, "pause", people["admin"], fields={"reason": "Waiting on legal"},
                now=now - timedelta(days=35))
    on_time = make_blocker(title="Home: raised today, not due yet")
    elsewhere = make_blocker(area="balby", title="Home: overdue in Balby",
                             raiser="ryan.cooper@syp.example", now=now - timedelta(days=20))
    idea = ideas.propose_idea(
        people[PRACTITIONER], title="Home: idea awaiting a decision",
        description="A weekly stay-and-play in the café.", why="Parents meet practitioners.",
        area="denaby", outcomes=["reach-full-potential"], now=now)
    late_action = make_action(what="Home: my overdue action")
    late_action.due_on = late_action.due_on - timedelta(days=30)
    db.session.commit()
    soon_action = make_action(what="Home: my action due tomorrow",
                              due_on=working_days_ahead(1))
    make_action(what="Home: my action due much later", due_on=working_days_ahead(15))
    make_action(what="Home: someone else's action", owner=people[FACILITATOR],
                due_on=working_days_ahead(1))

    auth.login(SPONSOR)
    response = client.get("/sponsor")
    html = response.get_data(as_text=True)
    assert response.status_code == 200

    late_at = html.index('id="late"')
    ideas_at = html.index('id="ideas"')
    actions_at = html.index('id="actions"')
    assert late_at < ideas_at < actions_at

    def where(text):
        return html.index(text)

    # 1. Late items, earliest deadline first (a long pause counts from when the pause ran out).
    for title in (paused.title, oldest.title, newer.title):
        assert late_at < where(title) < ideas_at
    assert where(oldest.title) < where(newer.title)
    assert on_time.title not in html
    assert elsewhere.title not in html  # not one of their areas
    # 2. Ideas awaiting a decision.
    assert ideas_at < where(idea.title) < actions_at
    # 3. Their own actions falling due: overdue first, then due soon; not later ones or others'.
    assert actions_at < where(late_action.what) < where(soon_action.what)
    assert "Home: my action due much later" not in html
    assert "Home: someone else's action" not in html


def test_sponsor_home_spans_every_area_they_sponsor(auth, client, people, make_blocker):
    from govflow.sponsors.services import assign_area_role, get_area

    sponsor = people[SPONSOR]
    assign_area_role(sponsor, "sponsor", get_area("balby"))
    balby = make_blocker(area="balby", title="Home: overdue in Balby, now theirs too",
                         raiser="ryan.cooper@syp.example", now=utcnow() - timedelta(days=20))
    auth.login(SPONSOR)
    html = client.get("/sponsor").get_data(as_text=True)
    assert balby.title in html and "Balby" in html
