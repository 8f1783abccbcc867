"""Calendar subscriptions: a private address per person for their own meetings or a forum's,
parsed back with the icalendar library as a calendar program would read it — a moved
meeting keeps its UID with a higher SEQUENCE, a cancelled one stays with STATUS:CANCELLED —
showing only what the owner may see; revoked or re-issued addresses stop working."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

from icalendar import Calendar
from sqlalchemy import select

from govflow import workdays
from govflow.accounts.services import deactivate
from govflow.clock import utcnow
from govflow.extensions import db
from govflow.forums import recurrence, services
from govflow.forums.models import Forum, Meeting
from govflow.items.services import raise_blocker
from govflow.workflow import engine
from tests.items.blocker_pages import csrf_from, text_of

LORRAINE = "lorraine.hebden@denaby-cafe.example"


def _club() -> Forum:
    return db.session.scalar(select(Forum).where(Forum.slug == "denaby-conversation-club"))


def _central() -> Forum:
    return db.session.scalar(select(Forum).where(Forum.slug == "central-forum"))


def _issue(client, path) -> str:
    """Press the button on the page; the new address is shown once, in the answer."""
    page = "/calendar" if path == "/calendar/mine" else path.rsplit("/", 1)[0]
    response = client.post(path, data={"csrf_token": csrf_from(
        client.get(page).get_data(as_text=True))})
    assert response.status_code == 200, text_of(response)
    assert "Copy it now: it will not be shown again." in text_of(response)
    found = re.search(r'id="calendar-address">http://[^/]+(/calendar/[^<]+\.ics)<',
                      response.get_data(as_text=True))
    assert found, text_of(response)
    return found.group(1)


def _fetch(path):
    """Fetch an address signed out, as a calendar program does."""
    from flask import current_app

    return current_app.test_client().get(path)


def _read(client, path) -> dict:
    """Fetch the feed signed out and parse it back."""
    response = _fetch(path)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Cache-Control"] == "private, no-store"
    calendar = Calendar.from_ical(response.data)
    assert str(calendar["VERSION"]) == "2.0" and str(calendar["PRODID"])
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")} | {
        "_name": str(calendar["X-WR-CALNAME"])}


def _uid(meeting) -> str:
    return f"govflow-meeting-{meeting.id}@localhost"


def _planned(forum) -> list[Meeting]:
    return list(db.session.scalars(select(Meeting).where(
        Meeting.forum_id == forum.id, Meeting.starts_at > utcnow(),
        Meeting.cancelled_at.is_(None)).order_by(Meeting.starts_at)))


def test_my_meetings_feed_holds_my_forums_meetings_and_follows_a_move_and_a_cancellation(
        client, auth, people):
    auth.login(LORRAINE)
    address = _issue(client, "/calendar/mine")
    events = _read(client, address)
    assert events.pop("_name") == "My govflow meetings"
    club = _club()
    coming = _planned(club)
    assert len(coming) >= 8  # the demo's Tuesday mornings, eight weeks ahead
    first, second = coming[0], coming[1]
    event = events[_uid(first)]
    assert event.decoded("DTSTART") == first.starts_at.replace(tzinfo=UTC)
    assert event.decoded("DTEND") == first.ends_at.replace(tzinfo=UTC)
    assert str(event["SUMMARY"]) == "Denaby Conversation Club"
    assert str(event["LOCATION"]) == "Denaby Community Café"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["URL"]).endswith(f"/meetings/{first.id}")
    assert "Chair: Lorraine Hebden" in str(event["DESCRIPTION"])
    assert {f.slug for f in db.session.scalars(select(Forum)) if _uid_in(events, f)} == {
        "denaby-conversation-club"}  # not the central forum: she is not one of its members
    sequence = int(event["SEQUENCE"])

    secretary = people["jo.mitchell@denaby-cafe.example"]
    day = workdays.london_date(first.starts_at) + timedelta(days=1)
    services.update_meeting(first, secretary, services.MeetingDetails(
        day=day, start=time(13), end=time(14), place="Denaby Library",
        chair_id=first.chair_id))
    recurrence.cancel_meeting(second, secretary, "The café is closed for repairs")
    db.session.commit()
    events = _read(client, address)
    moved = events[_uid(first)]
    assert int(moved["SEQUENCE"]) > sequence
    assert moved.decoded("DTSTART") == workdays._london_to_naive_utc(
        day, time(13)).replace(tzinfo=UTC)
    assert str(moved["LOCATION"]) == "Denaby Library"
    assert str(moved["STATUS"]) == "CONFIRMED"
    cancelled = events[_uid(second)]
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert str(cancelled["SUMMARY"]) == "Cancelled: Denaby Conversation Club"
    assert int(cancelled["SEQUENCE"]) > 0
    assert str(cancelled["DESCRIPTION"]).startswith(
        "Cancelled: The café is closed for repairs")


def _uid_in(events, forum) -> bool:
    ids = set(db.session.scalars(select(Meeting.id).where(Meeting.forum_id == forum.id)))
    return any(uid.startswith("govflow-meeting-") and int(uid.split("-")[2].split("@")[0]) in ids
               for uid in events if uid != "_name")


def test_a_forum_feed_leaves_out_restricted_items_its_owner_may_not_see(client, auth, people):
    central = _central()
    meeting = _planned(central)[0]
    ryan, megan = people["ryan.cooper@syp.example"], people["megan.lloyd@dmbc.example"]
    secret = raise_blocker(ryan, title="Quillfeather staff rota blocker", area="balby",
                           organisation="syp", description="The rota cannot be shared.")
    engine.fire(secret, "escalate", megan, fields={"reason": "Needs Silver"})
    engine.set_restricted(secret, ryan, restricted=True, reason="A staff matter")
    services.add_topic(meeting, people["secretary"], "Open forum on the Denaby café")
    services.add_item(meeting, people["admin"], str(secret.id))
    db.session.commit()

    auth.login(people["practitioner"].email)
    practitioner = _read(client, _issue(client, "/forums/central-forum/calendar"))
    auth.logout()
    auth.login(people["admin"].email)
    admin = _read(client, _issue(client, "/forums/central-forum/calendar"))
    assert practitioner["_name"] == f"{central.name} meetings"
    seen_by_practitioner = str(practitioner[_uid(meeting)]["DESCRIPTION"])
    seen_by_admin = str(admin[_uid(meeting)]["DESCRIPTION"])
    assert "Open forum on the Denaby café" in seen_by_practitioner
    assert "Quillfeather" not in seen_by_practitioner
    assert "Quillfeather" in seen_by_admin
    assert not _uid_in(practitioner, _club())


def test_a_revoked_or_reissued_address_stops_working(client, auth, people):
    auth.login(LORRAINE)
    first = _issue(client, "/calendar/mine")
    second = _issue(client, "/calendar/mine")  # a new address for the same calendar
    assert _fetch(first).status_code == 404
    assert _fetch(second).status_code == 200
    page = client.get("/calendar")
    assert "Your meetings" in text_of(page)
    feed_id = re.search(r'/calendar/(\d+)/revoke', page.get_data(as_text=True)).group(1)
    stopped = client.post(f"/calendar/{feed_id}/revoke",
                          data={"csrf_token": csrf_from(page.get_data(as_text=True))})
    assert stopped.status_code == 302
    assert _fetch(second).status_code == 404
    assert _fetch("/calendar/gfcal_made-up.ics").status_code == 404


def test_someone_elses_address_cannot_be_revoked_and_a_deactivated_persons_stops(
        client, auth, people):
    auth.login(LORRAINE)
    address = _issue(client, "/calendar/mine")
    feed_id = re.search(r'/calendar/(\d+)/revoke',
                        client.get("/calendar").get_data(as_text=True)).group(1)
    auth.logout()
    auth.login(people["practitioner"].email)
    refused = client.post(f"/calendar/{feed_id}/revoke", data={"csrf_token": csrf_from(
        client.get("/calendar").get_data(as_text=True))})
    assert refused.status_code == 404
    assert _fetch(address).status_code == 200
    deactivate(people[LORRAINE])
    db.session.commit()
    assert _fetch(address).status_code == 404


def test_the_feed_is_valid_icalendar_at_a_fixed_moment(app, people):
    """Built directly at a chosen moment: DTSTAMP is that moment; every event has the
    properties RFC 5545 requires, and it parses back unchanged."""
    from govflow.forums import feeds

    now = datetime(2027, 3, 10, 10, 0)
    token = feeds.issue_feed(people[LORRAINE], _club(), now=now)
    feed = feeds.feed_by_token(token)
    data = feeds.calendar_for(feed, uid_host="govflow.test", meeting_url=lambda m: "", now=now)
    calendar = Calendar.from_ical(data)
    assert calendar.to_ical() == data
    for event in calendar.walk("VEVENT"):
        for name in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SEQUENCE", "SUMMARY", "STATUS"):
            assert name in event
        assert event.decoded("DTSTAMP") == now.replace(tzinfo=UTC)
        assert event.decoded("DTSTART").date() >= date(2026, 1, 1)
