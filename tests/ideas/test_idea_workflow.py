"""The idea workflow's rules, fired through the engine: who decides, declines, challenges."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from govflow.decisions.models import Decision
from govflow.domain_errors import Forbidden, Invalid, Refused
from govflow.extensions import db
from govflow.items import ideas
from govflow.workflow import engine

# Wednesday 4 November 2026, 10am London (GMT) — no bank holidays in the next three weeks.
WEDNESDAY = datetime(2026, 11, 4, 10, 0)

DECLINE = {
    "reason_category": "cost",
    "why_not": "There is no budget left this year for new printing.",
    "what_would_make_yes": "A partner who can print it, or a cheaper online version.",
}


def propose(person, funding=None, area="denaby", now=WEDNESDAY, **kw):
    values = {
        "title": "Homework club at the library",
        "description": "A weekly homework club run by volunteers at the library.",
        "why": "Children get help and a quiet place to work.",
        "outcomes": ["reach-full-potential"],
        "area": area,
        "funding_asked": funding,
    } | kw
    return ideas.propose_idea(person, now=now, **values)


@pytest.mark.parametrize(
    ("pence", "tier"),
    [(None, "bronze"), (0, "bronze"), (100_000, "bronze"), (100_001, "silver"),
     (1_000_000, "silver"), (1_000_001, "gold")],
)
def test_the_funding_ask_sets_the_deciding_tier(app, pence, tier):
    assert ideas.deciding_tier(pence) == tier


@pytest.mark.parametrize(
    ("typed", "pence"),
    [("450", 45_000), ("£1,200", 120_000), ("75.50", 7_550), (" 300 ", 30_000), ("", None),
     (None, None), (300, 30_000), ("0", 0)],
)
def test_funding_is_read_as_whole_pounds_or_pounds_and_pence(app, typed, pence):
    assert ideas.parse_funding(typed) == pence


@pytest.mark.parametrize(
    ("typed", "message"),
    [("-5", "less than £0"), ("12.345", "pounds and pence"), ("lots", "pounds and pence"),
     ("1,20", "pounds and pence"), ("2000000", "£1,000,000 or less")],
)
def test_funding_that_is_not_money_is_a_field_error(app, typed, message):
    with pytest.raises(Invalid) as err:
        ideas.parse_funding(typed)
    assert message in err.value.field_errors["funding_asked"]


def test_a_proposed_idea_waits_on_its_tier_for_five_working_days(app, people):
    item = propose(people["practitioner"], funding="5000")
    assert (item.state, item.tier) == ("proposed", "silver")
    # Wednesday 4 November + 5 working days = Wednesday 11 November, 5pm London (GMT).
    assert item.due_at == datetime(2026, 11, 11, 17, 0)
    assert item.organisation_id == people["practitioner"].organisation_id


def test_a_decline_needs_a_category_a_why_not_and_what_would_make_a_yes(app, people):
    item = propose(people["practitioner"], funding="300")
    version = item.version
    with pytest.raises(Invalid) as err:
        engine.fire(item, "decline", people["facilitator"], fields={"why_not": "No."},
                    now=WEDNESDAY)
    assert set(err.value.field_errors) == {"reason_category", "what_would_make_yes"}
    db.session.refresh(item)
    assert (item.state, item.version) == ("proposed", version)


def test_a_reason_category_must_be_one_of_the_list(app, people):
    item = propose(people["practitioner"], funding="300")
    with pytest.raises(Invalid) as err:
        engine.fire(item, "decline", people["facilitator"],
                    fields=DECLINE | {"reason_category": "dislike"}, now=WEDNESDAY)
    assert "reason_category" in err.value.field_errors
    assert item.state == "proposed"


def test_a_practitioner_cannot_decide_an_idea(app, people):
    item = propose(people["practitioner"], funding="300")
    with pytest.raises(Forbidden):
        engine.fire(item, "approve", people["kelly.bramley@dbth.example"], now=WEDNESDAY)


def test_a_challenge_goes_to_the_next_tier_which_has_its_own_deadline(app, people):
    item = propose(people["practitioner"], funding="300")
    engine.fire(item, "decline", people["facilitator"], fields=DECLINE, now=WEDNESDAY)
    assert ideas.challenge_deadline(item) == datetime(2026, 11, 18, 17, 0)
    later = datetime(2026, 11, 9, 9, 0)
    with pytest.raises(Forbidden):  # only the proposer may challenge
        engine.fire(item, "challenge", people["facilitator"], fields={"reason": "x"}, now=later)
    engine.fire(item, "challenge", people["practitioner"],
                fields={"reason": "A partner has offered to print it."}, now=later)
    assert (item.state, item.tier) == ("challenged", "silver")
    assert item.due_at == datetime(2026, 11, 16, 17, 0)


def test_the_challenge_window_closes(app, people):
    item = propose(people["practitioner"], funding="300")
    engine.fire(item, "decline", people["facilitator"], fields=DECLINE, now=WEDNESDAY)
    too_late = datetime(2026, 11, 18, 17, 1)
    assert "challenge" not in {a.trigger.name for a in
                               engine.available(item, people["practitioner"], now=too_late)}
    with pytest.raises(Refused):
        engine.fire(item, "challenge", people["practitioner"], fields={"reason": "Please"},
                    now=too_late)
    assert item.state == "declined"


def test_a_gold_decision_is_final(app, people):
    item = propose(people["practitioner"], funding="20000")
    assert item.tier == "gold"
    engine.fire(item, "decline", people["executive"], fields=DECLINE, now=WEDNESDAY)
    with pytest.raises(Refused):
        engine.fire(item, "challenge", people["practitioner"], fields={"reason": "Please"},
                    now=WEDNESDAY)


def test_an_area_sponsor_decides_at_silver_only_up_to_the_sponsor_limit(app, people):
    sponsor = people["executive"]  # also sponsor of Denaby; executives decide at Gold only
    small = propose(people["practitioner"], funding="4000", title="Small silver idea")
    large = propose(people["practitioner"], funding="8000", title="Large silver idea")
    assert small.tier == large.tier == "silver"
    assert "approve" in {a.trigger.name for a in engine.available(small, sponsor, now=WEDNESDAY)}
    with pytest.raises(Forbidden):
        engine.fire(large, "approve", sponsor, now=WEDNESDAY)
    engine.fire(small, "approve", sponsor, now=WEDNESDAY)
    assert small.state == "approved"


def test_a_decision_recorded_late_needs_an_explanation(app, people):
    item = propose(people["practitioner"], funding="300")
    recorded = datetime(2026, 11, 10, 9, 0)
    with pytest.raises(Invalid) as err:
        engine.fire(item, "approve", people["facilitator"],
                    fields={"decided_at": "2026-11-05"}, now=recorded)
    assert "delay_explanation" in err.value.field_errors
    assert item.state == "proposed"
    engine.fire(item, "approve", people["facilitator"],
                fields={"decided_at": "2026-11-05",
                        "delay_explanation": "Agreed at the Thursday meeting; notes typed up today."},
                now=recorded)
    decision = db.session.scalar(select(Decision).where(Decision.item_id == item.id))
    assert decision.decided_at == datetime(2026, 11, 5, 12, 0)
    assert decision.recorded_at == recorded
    assert decision.delay_explanation.startswith("Agreed at the Thursday")


def test_a_decision_one_working_day_late_needs_no_explanation(app, people):
    item = propose(people["practitioner"], funding="300")
    engine.fire(item, "approve", people["facilitator"], fields={"decided_at": "2026-11-04"},
                now=datetime(2026, 11, 5, 16, 0))
    assert item.state == "approved"


def test_a_decision_cannot_be_dated_in_the_future(app, people):
    item = propose(people["practitioner"], funding="300")
    with pytest.raises(Invalid) as err:
        engine.fire(item, "approve", people["facilitator"], fields={"decided_at": "2026-11-20"},
                    now=WEDNESDAY)
    assert "decided_at" in err.value.field_errors


def test_an_approval_sets_the_review_date_and_records_conditions(app, people):
    item = propose(people["practitioner"], funding="300")
    engine.fire(item, "approve", people["facilitator"],
                fields={"conditions": "Run it in pairs.", "review_on_date": "2027-02-01"},
                now=WEDNESDAY)
    decision = db.session.scalar(select(Decision).where(Decision.item_id == item.id))
    assert item.review_on == date(2027, 2, 1) == decision.review_on
    assert (decision.outcome, decision.tier, decision.conditions) == ("approved", "bronze",
                                                                      "Run it in pairs.")
    assert decision.decided_by_id == people["facilitator"].id and not decision.by_default


def test_the_decline_reasons_in_the_workflow_file_are_the_decision_logs(app):
    from govflow.decisions.models import REASON_CATEGORIES

    choices = engine.definition("idea").field_spec("decline", "reason_category").choices
    assert dict(choices) == REASON_CATEGORIES
