"""The secretary sets a forum's rhythm on its page, sees the meetings it plans, and cancels
one; a wrong rhythm is shown again with the error beside the field and changes nothing."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from govflow import workdays
from govflow.clock import utcnow
from govflow.extensions import db
from govflow.forums import recurrence
from govflow.forums.models import Forum, Meeting
from tests.items.blocker_pages import csrf_from, refused, text_of

RHYTHM = "/forums/denaby-conversation-club/rhythm"
SECRETARY = "jo.mitchell@denaby-cafe.example"


def _post(client, path, data):
    token = csrf_from(client.get(path).get_data(as_text=True))
    return client.post(path, data={"csrf_token": token, **data})


def _club() -> Forum:
    return db.session.scalar(select(Forum).where(Forum.slug == "denaby-conversation-club"))


def _weekly(people, **changes):
    return {"frequency": "weekly", "weekday": "1", "week_of_month": "", "start_time": "9:30am",
            "end_time": "10:30am", "place": "Denaby Community Café",
            "chair": str(people["lorraine.hebden@denaby-cafe.example"].id), **changes}


def test_the_secretary_sets_every_tuesday_and_the_meetings_appear_on_the_forum_page(
        client, auth, people):
    auth.login(SECRETARY)
    saved = _post(client, RHYTHM, _weekly(people))
    assert saved.status_code == 302, text_of(saved)
    page = client.get("/forums/denaby-conversation-club")
    html = page.get_data(as_text=True)
    assert "Every Tuesday, 9:30am to 10:30am" in text_of(page)
    rhythm = recurrence.current_rhythm(_club())
    now = utcnow()
    meetings = db.session.scalars(select(Meeting).where(Meeting.rhythm_id == rhythm.id)
                                  .order_by(Meeting.starts_at)).all()
    # A demo meeting in the same slot whose draft agenda is already built (the working day
    # before it: at a bank holiday, tomorrow's) stays as it is in the old series, and the new
    # series makes no second meeting beside it.
    kept = {m.starts_at for m in db.session.scalars(select(Meeting).where(
        Meeting.forum_id == rhythm.forum_id, Meeting.rhythm_id != rhythm.id,
        Meeting.cancelled_at.is_(None), Meeting.starts_at > now))}
    expected = [d for d in recurrence.occurrences(
        rhythm, workdays.london_date(now), workdays.london_date(now) + timedelta(weeks=8))
        if workdays._london_to_naive_utc(d, rhythm.starts) > now
        and workdays._london_to_naive_utc(d, rhythm.starts) not in kept]
    assert [workdays.london_date(m.starts_at) for m in meetings] == expected
    for m in meetings:
        assert f'href="/meetings/{m.id}"' in html
        assert workdays.format_time(m.starts_at) == "9:30am"


def test_a_rhythm_with_mistakes_is_shown_again_with_the_errors_and_nothing_is_planned(
        client, auth, people):
    auth.login(SECRETARY)
    demo = recurrence.current_rhythm(_club())  # the demo's Tuesday mornings
    before = db.session.scalar(select(Meeting.id).order_by(Meeting.id.desc()).limit(1))
    again = _post(client, RHYTHM, _weekly(people, frequency="monthly", end_time="9am",
                                          place="The café's back room"))
    html = refused(again, 400, "Choose which week of the month it meets",
                   "Enter an end time after the start time")
    assert 'value="The café&#39;s back room"' in html
    assert recurrence.current_rhythm(_club()) == demo
    assert db.session.scalar(select(Meeting.id).order_by(Meeting.id.desc()).limit(1)) == before


def test_cancelling_one_meeting_marks_it_cancelled_and_leaves_the_rest(client, auth, people):
    auth.login(SECRETARY)
    _post(client, RHYTHM, _weekly(people))
    rhythm = recurrence.current_rhythm(_club())
    first, second = db.session.scalars(select(Meeting).where(Meeting.rhythm_id == rhythm.id)
                                       .order_by(Meeting.starts_at)).all()[:2]
    path = f"/meetings/{first.id}/cancel"
    assert "Cancel the meeting on" in text_of(client.get(path))
    missing = _post(client, path, {"reason": ""})
    assert missing.status_code == 400
    assert "Enter why the meeting is cancelled" in text_of(missing)
    done = _post(client, path, {"reason": "The café is closed for a private event"})
    assert done.status_code == 302
    page = text_of(client.get(f"/meetings/{first.id}"))
    assert "Cancelled" in page
    assert "This meeting was cancelled on" in page
    assert "The café is closed for a private event" in page
    assert "Run this meeting" not in page
    forum_page = text_of(client.get("/forums/denaby-conversation-club"))
    assert "Cancelled The café is closed for a private event" in forum_page
    index = client.get("/forums").get_data(as_text=True)
    # The next meeting is the first one still on: the series' second, or a demo meeting
    # kept in the old series because its agenda was already built (on a bank holiday).
    still_on = db.session.scalars(select(Meeting).where(
        Meeting.forum_id == rhythm.forum_id, Meeting.cancelled_at.is_(None),
        Meeting.starts_at > utcnow()).order_by(Meeting.starts_at)).first()
    assert still_on.id != first.id and still_on.starts_at <= second.starts_at
    assert f'href="/meetings/{still_on.id}"' in index
    again = _post(client, path, {"reason": "twice"})
    assert again.status_code == 409
    assert "This meeting was cancelled on" in text_of(again)
    assert not second.cancelled


def test_only_the_forums_secretary_sets_its_rhythm(client, auth, people):
    demo = recurrence.current_rhythm(_club())
    auth.login(people["practitioner"].email)
    assert client.get(RHYTHM).status_code == 403
    refused = client.post(RHYTHM, data={"csrf_token": csrf_from(
        client.get("/account").get_data(as_text=True)), **_weekly(people)})
    assert refused.status_code == 403
    assert recurrence.current_rhythm(_club()) == demo
