"""Blocker deadlines in working days: across Christmas 2026 and across a pause."""

from __future__ import annotations

from datetime import datetime, timedelta

from blocker_pages import text_of

from govflow.clock import utcnow
from govflow.items import services
from govflow.workflow import engine
from govflow.workflow.definition import load

# London is on GMT in November and December, so these naive UTC times are London times.
THU_CHRISTMAS_EVE = datetime(2026, 12, 24, 10, 0)
MON_2_NOV = datetime(2026, 11, 2, 10, 0)


def _raise(person, now, **kw):
    values = {"title": "Rooms cannot be booked after 4pm",
              "description": "The hub has no late caretaker.", "area": "denaby",
              "organisation": "dcst"} | kw
    return services.raise_blocker(person, now=now, **values)


def test_raised_on_christmas_eve_bronze_has_until_5pm_on_30_december(app, people):
    # Fri 25 Christmas, Sat 26 / Sun 27 weekend, Mon 28 Boxing Day (substitute day):
    # Tue 29 is the first working day, Wed 30 the second.
    item = _raise(people["practitioner"], THU_CHRISTMAS_EVE)
    assert item.due_at == datetime(2026, 12, 30, 17, 0)


def test_escalated_on_christmas_eve_silver_has_until_31_december(app, people):
    item = _raise(people["practitioner"], THU_CHRISTMAS_EVE - timedelta(days=1))
    engine.fire(item, "escalate", people["facilitator"], fields={"reason": "Needs the trust."},
                now=THU_CHRISTMAS_EVE)
    # Three working days: Tue 29, Wed 30, Thu 31 December.
    assert item.due_at == datetime(2026, 12, 31, 17, 0)


def test_escalated_on_new_years_eve_gold_skips_new_years_day(app, people):
    item = _raise(people["practitioner"], datetime(2026, 12, 30, 9, 0))
    engine.fire(item, "escalate", people["facilitator"], fields={"reason": "a"},
                now=datetime(2026, 12, 30, 10, 0))
    engine.fire(item, "escalate", people["head_of_service"], fields={"reason": "b"},
                now=datetime(2026, 12, 31, 10, 0))
    # Five working days from Thu 31 Dec: Fri 1 Jan is a bank holiday, so Mon 4 to Fri 8.
    assert item.due_at == datetime(2027, 1, 8, 17, 0)


def test_a_three_working_day_pause_moves_the_deadline_three_working_days(app, people):
    item = _raise(people["practitioner"], MON_2_NOV)
    assert item.due_at == datetime(2026, 11, 4, 17, 0)  # Wednesday
    engine.fire(item, "pause", people["facilitator"],
                fields={"reason": "Waiting on the trust's legal team."},
                now=datetime(2026, 11, 3, 10, 0))  # Tuesday
    assert item.state == "paused" and item.paused_at == datetime(2026, 11, 3, 10, 0)
    engine.fire(item, "resume", people["facilitator"], now=datetime(2026, 11, 6, 10, 0))
    # Paused Wed, Thu, Fri: three working days, so Wednesday's deadline moves to Monday.
    assert (item.state, item.due_at) == ("bronze", datetime(2026, 11, 9, 17, 0))


def test_a_pause_longer_than_the_cap_counts_only_the_cap(app, people):
    cap = load("blocker").settings["pause_cap_working_days"]
    assert cap == 10
    item = _raise(people["practitioner"], MON_2_NOV)
    engine.fire(item, "pause", people["facilitator"], fields={"reason": "Waiting."},
                now=datetime(2026, 11, 3, 10, 0))
    assert item.pause_ends_at == datetime(2026, 11, 17, 17, 0)  # ten working days on
    engine.fire(item, "resume", people["practitioner"], now=datetime(2026, 12, 1, 10, 0))
    # Twenty working days paused, but only ten count: Wed 4 Nov + 10 = Wed 18 Nov, so it
    # comes back already overdue.
    assert item.due_at == datetime(2026, 11, 18, 17, 0)


def test_a_pause_across_christmas_counts_working_days_only(app, people):
    item = _raise(people["practitioner"], datetime(2026, 12, 22, 10, 0))  # Tue
    assert item.due_at == datetime(2026, 12, 24, 17, 0)  # Thu
    engine.fire(item, "pause", people["facilitator"], fields={"reason": "Waiting."},
                now=datetime(2026, 12, 23, 10, 0))
    engine.fire(item, "resume", people["facilitator"], now=datetime(2026, 12, 30, 10, 0))
    # Paused Thu 24, Tue 29, Wed 30 (25-28 are not working days): three working days.
    assert item.due_at == datetime(2026, 12, 31, 17, 0)


def test_the_item_page_says_how_long_is_left_or_how_late_it_is(app, people, browser):
    now = utcnow()
    fresh = _raise(people["practitioner"], now)
    late = _raise(people["practitioner"], now - timedelta(days=21), title="An older blocker")
    browser.sign_in(people["facilitator"])
    assert "Due in 2 working days" in text_of(browser.get(f"/items/{fresh.id}"))
    late_page = text_of(browser.get(f"/items/{late.id}"))
    assert "Overdue by" in late_page and "Overdue" in late_page


def test_a_paused_item_page_says_the_clock_is_stopped(app, people, browser):
    item = _raise(people["practitioner"], utcnow())
    engine.fire(item, "pause", people["facilitator"], fields={"reason": "Waiting."})
    browser.sign_in(people["facilitator"])
    assert "Paused: the clock is stopped" in text_of(browser.get(f"/items/{item.id}"))


def test_taking_ownership_keeps_the_deadline_it_had(app, people):
    # Taking ownership is not a new tier: the clock runs on as it was.
    item = _raise(people["practitioner"], MON_2_NOV)
    assert item.due_at == datetime(2026, 11, 4, 17, 0)
    engine.fire(item, "take", people["facilitator"], now=datetime(2026, 11, 4, 9, 0))
    assert item.owner_id == people["facilitator"].id
    assert item.due_at == datetime(2026, 11, 4, 17, 0)
