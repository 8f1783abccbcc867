"""Scheduling is for today on; a meeting that already took place is recorded as its own step;
the minutes are approved by the chair or a vice-chair named on the meeting, never their writer."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from govflow import workdays
from govflow.clock import utcnow
from govflow.extensions import db
from govflow.forums.models import Forum, Meeting
from tests.items.blocker_pages import csrf_from, text_of

NEW = "/forums/central-forum/meetings/new"
PAST = "/forums/central-forum/meetings/record-past"


def _post(client, path, data):
    token = csrf_from(client.get(path).get_data(as_text=True))
    return client.post(path, data={"csrf_token": token, **data})


def _form(day, people, **extra):
    return {"day": [str(day.day), str(day.month), str(day.year)], "start_time": "10am",
            "place": "Civic Office", "chair": str(people["katherine.ward@dcst.example"].id),
            **extra}


def _count():
    central = db.session.scalar(select(Forum).where(Forum.slug == "central-forum"))
    return len(db.session.scalars(select(Meeting.id).where(Meeting.forum_id == central.id)).all())


def test_scheduling_a_meeting_in_the_past_is_refused_and_points_to_recording_it(
        client, auth, people):
    auth.login(people["secretary"].email)
    before = _count()
    yesterday = workdays.london_date(utcnow()) - timedelta(days=1)
    refused = _post(client, NEW, _form(yesterday, people))
    assert refused.status_code in (400, 422)
    assert "Record a meeting that has already taken place" in text_of(refused)
    assert _count() == before


def test_recording_a_meeting_that_took_place_is_its_own_step(client, auth, people):
    auth.login(people["secretary"].email)
    page = text_of(client.get(PAST))
    assert "Record a meeting that has already taken place" in page
    before = _count()
    tomorrow = workdays.london_date(utcnow()) + timedelta(days=1)
    assert _post(client, PAST, _form(tomorrow, people)).status_code in (400, 422)
    assert _count() == before
    last_week = workdays.london_date(utcnow()) - timedelta(days=7)
    done = _post(client, PAST, _form(last_week, people,
                                     vice_chair=str(people["simon.adeyemi@dmbc.example"].id)))
    assert done.status_code == 302, text_of(done)
    meeting = db.session.get(Meeting, int(done.headers["Location"].rsplit("/", 1)[1]))
    assert workdays.london_date(meeting.starts_at) == last_week
    assert meeting.vice_chair_id == people["simon.adeyemi@dmbc.example"].id
    assert meeting.created_by_id == people["secretary"].id


def test_a_non_chair_approving_is_refused_however_the_meeting_was_created(client, auth, people):
    """The secretary records a past meeting, closes it and tries to approve its minutes:
    refused (403), nothing changes; the chair approves them."""
    secretary, chair = people["secretary"], people["katherine.ward@dcst.example"]
    auth.login(secretary.email)
    last_week = workdays.london_date(utcnow()) - timedelta(days=7)
    done = _post(client, PAST, _form(last_week, people))
    path = done.headers["Location"]
    meeting_id = int(path.rsplit("/", 1)[1])
    closed = _post(client, f"{path}/close", {"summary": "Held; decisions as recorded."})
    assert closed.status_code in (200, 302), text_of(closed)
    refused = _post(client, f"{path}/approve", {})
    assert refused.status_code == 403
    assert "You wrote these minutes, so you cannot approve them" in text_of(refused)
    db.session.expire_all()
    assert db.session.get(Meeting, meeting_id).status == "held"
    auth.logout()
    auth.login(chair.email)
    approved = _post(client, f"{path}/approve", {})
    assert approved.status_code in (200, 302), text_of(approved)
    db.session.expire_all()
    assert db.session.get(Meeting, meeting_id).status == "approved"
