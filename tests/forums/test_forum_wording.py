"""Words on the forum pages (issue 16): an optional box's error names it without
"(optional)", and the meeting and agenda pages, which show each item's tier, explain the tiers."""

from __future__ import annotations

from datetime import timedelta

from govflow import workdays
from govflow.clock import utcnow
from govflow.extensions import db
from govflow.forums import services as forums
from govflow.items import services
from tests.forums.test_forum_pages import NEW_MEETING, central, date_parts, schedule

HINT = ('<span class="govuk-details__summary-text">What Bronze, Silver and Gold mean</span>')


def test_a_bad_end_time_is_named_without_optional(client, auth, people):
    auth.login(people["secretary"].email)
    day = workdays.london_date(utcnow()) + timedelta(days=14)
    response = auth.post(NEW_MEETING, {"day": date_parts(day), "start_time": "10am",
                                       "end_time": "after lunch",
                                       "chair": str(people["katherine.ward@dcst.example"].id)},
                         form_page=NEW_MEETING)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "End time must be a time, like 10am or 14:30" in html
    assert "(optional) must" not in html


def test_the_meeting_and_agenda_pages_explain_the_tiers(client, auth, people):
    meeting = schedule(central(), people["secretary"], people["katherine.ward@dcst.example"],
                       day=workdays.london_date(utcnow()) + timedelta(days=7))
    item = services.raise_blocker(people["practitioner"], title="Rooms close at 4pm",
                                  description="No late caretaker.", area="denaby",
                                  organisation="dcst")
    forums.add_item(meeting, people["admin"], str(item.id))
    db.session.flush()
    auth.login(people["secretary"].email)
    for path in (f"/meetings/{meeting.id}", f"/meetings/{meeting.id}/agenda"):
        html = client.get(path).get_data(as_text=True)
        assert HINT in html, path
        assert ("<strong>Silver</strong>: Heads of Service unblock it within their service, and "
                "pass up what needs more than one organisation.") in html, path
