"""Forum pages: setting up forums, scheduling (with a date input that survives tampering),
the .ics invitation, editing the agenda, attendance, and who may do what."""

from __future__ import annotations

import re
from datetime import time, timedelta

import pytest
from sqlalchemy import select

from govflow import workdays
from govflow.accounts.models import RoleAssignment
from govflow.clock import utcnow
from govflow.extensions import db
from govflow.forums import services
from govflow.forums.models import Forum, Meeting
from tests.support.dates import tampered_dates

NEW_MEETING = "/forums/central-forum/meetings/new"


def central():
    return db.session.scalar(select(Forum).where(Forum.slug == "central-forum"))


def club():
    return db.session.scalar(select(Forum).where(Forum.slug == "denaby-conversation-club"))


def schedule(forum, secretary, chair, day=None, hour=14):
    day = day or workdays.london_date(utcnow())
    return services.schedule_meeting(forum, secretary, services.MeetingDetails(
        day=day, start=time(hour, 0), end=None, place="", chair_id=chair.id))


def _send_new_meeting(auth, day, chair, **answers):
    """The central forum's 'schedule a meeting' form, sent for `day` chaired by `chair`."""
    return auth.post(NEW_MEETING, {"day": date_parts(day), "chair": str(chair.id), **answers},
                     form_page=NEW_MEETING)


def date_parts(d):
    return [str(d.day), str(d.month), str(d.year)]


# ---------------------------------------------------------------- the forum pages


def test_forums_list_and_the_demo_meetings(client, auth, people):
    auth.login(people["practitioner"].email)
    html = client.get("/forums").get_data(as_text=True)
    assert "Central Governance Forum" in html and "Denaby Conversation Club" in html
    approved = db.session.scalar(select(Meeting).where(Meeting.forum_id == central().id,
                                                       Meeting.status == "approved"))
    page = client.get(f"/meetings/{approved.id}").get_data(as_text=True)
    assert approved.minutes_sha256 in page and "Minutes approved" in page
    assert "Change the agenda" not in page  # a practitioner only reads
    held = db.session.scalar(select(Meeting).where(Meeting.forum_id == club().id))
    page = client.get(f"/meetings/{held.id}").get_data(as_text=True)
    assert held.status == "held" and "Download the draft minutes" in page


def test_an_admin_sets_up_a_local_group_with_members_and_a_secretary(client, auth, people):
    auth.login(people["admin"].email)
    response = auth.post("/forums/new", {"name": "Balby Café Club", "slug": "balby-cafe-club",
                                         "kind": "local", "area": "", "place": "Balby hub"},
                         form_page="/forums/new")
    assert response.status_code == 400
    assert "Choose the area this local group is for" in response.get_data(as_text=True)
    response = auth.post("/forums/new", {"name": "Balby Café Club", "slug": "balby-cafe-club",
                                         "kind": "local", "area": "balby", "place": "Balby hub",
                                         "active": "y"}, form_page="/forums/new")
    assert response.status_code == 302 and response.headers["Location"].endswith("/members")
    secretary = people["megan.lloyd@dmbc.example"]
    member = people["ryan.cooper@syp.example"]
    response = auth.post("/forums/balby-cafe-club/members", {
        "members": [str(member.id)], "secretaries": [str(secretary.id)]},
        form_page="/forums/balby-cafe-club/members")
    assert response.status_code == 302
    forum = db.session.scalar(select(Forum).where(Forum.slug == "balby-cafe-club"))
    assert {u.email for u in forum.members} == {secretary.email, member.email}
    assert db.session.scalar(select(RoleAssignment).where(
        RoleAssignment.user_id == secretary.id, RoleAssignment.role == "secretary",
        RoleAssignment.forum_id == forum.id)) is not None
    assert "Megan Lloyd" in client.get("/forums/balby-cafe-club").get_data(as_text=True)


@pytest.mark.parametrize("role", ["practitioner", "secretary", "executive"])
def test_only_admins_set_up_forums(client, auth, people, role):
    auth.login(people[role].email)
    assert client.get("/forums/new").status_code == 403
    assert client.get("/forums/central-forum/members").status_code == 403


@pytest.mark.parametrize("email", ["priya.shah@dcst.example", "jo.mitchell@denaby-cafe.example",
                                   "katherine.ward@dcst.example"])
def test_only_the_forums_secretary_or_an_admin_schedules_its_meetings(client, auth, email):
    auth.login(email)  # a practitioner, another forum's secretary, the chair
    assert client.get(NEW_MEETING).status_code == 403


def test_signed_out_people_are_sent_to_sign_in(client):
    for path in ("/forums", "/forums/central-forum", NEW_MEETING, "/forums/decision-log.pdf"):
        response = client.get(path)
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


# ---------------------------------------------------------------- scheduling


@pytest.mark.parametrize(("day", "message"), tampered_dates({
    "no date": "Enter the date of the meeting",
    "blank": "Enter the date of the meeting",
    "one box": "Date of the meeting must be a day, a month and a year",
    "two boxes": "Date of the meeting must be a day, a month and a year",
    "four boxes": "Date of the meeting must be a day, a month and a year",
    "no month": "Date of the meeting must include a month",
    "no day or month": "Date of the meeting must include a day and a month",
    "not a real date": "Date of the meeting must be a real date",
    "a two-digit year": "Year must include 4 numbers",
    "a letter for the day": "Date of the meeting must be a real date",
    "year 1066": "Date of the meeting must be between 1900 and 2100",
    "year 2999": "Date of the meeting must be between 1900 and 2100",
}))
def test_a_tampered_or_incomplete_date_gets_a_clear_error_not_a_crash(client, auth, people, day, message):
    auth.login(people["secretary"].email)
    data = {"start_time": "10am", "chair": str(people["katherine.ward@dcst.example"].id)}
    if day is not None:
        data["day"] = day
    response = auth.post(NEW_MEETING, data, form_page=NEW_MEETING)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in html
    assert 'href="#day-day"' in html  # the error summary links to the first date box
    assert 'value="10am"' in html  # what was typed is kept


def test_times_are_read_the_way_people_write_them(client, auth, people):
    auth.login(people["secretary"].email)
    day = workdays.london_date(utcnow()) + timedelta(days=14)
    response = _send_new_meeting(auth, day, people["katherine.ward@dcst.example"],
                                 start_time="25 past")
    assert response.status_code == 400
    assert "Start time must be a time, like 10am or 14:30" in response.get_data(as_text=True)
    response = _send_new_meeting(auth, day, people["katherine.ward@dcst.example"],
                                 start_time="2:30pm", end_time="14:00")
    assert response.status_code == 400
    assert "Enter an end time after the start time" in response.get_data(as_text=True)
    response = _send_new_meeting(auth, day, people["katherine.ward@dcst.example"],
                                 start_time="2:30pm", end_time="4pm", place="Mansion House")
    assert response.status_code == 302
    meeting = db.session.get(Meeting, int(response.headers["Location"].rsplit("/", 1)[1]))
    local = workdays.to_london(meeting.starts_at)
    assert (local.date(), local.hour, local.minute) == (day, 14, 30)
    assert workdays.to_london(meeting.ends_at).hour == 16
    assert meeting.place == "Mansion House" and meeting.status == "planned"


def test_the_chair_must_be_a_member_of_the_forum(client, auth, people):
    auth.login(people["secretary"].email)
    day = workdays.london_date(utcnow()) + timedelta(days=7)
    response = _send_new_meeting(auth, day, people["priya.shah@dcst.example"], start_time="10am")
    assert response.status_code == 400
    assert "Not a valid choice" in response.get_data(as_text=True) or "Choose a member" in response.get_data(as_text=True)


def test_a_meeting_downloads_as_a_calendar_invitation(client, auth, people):
    forum = central()
    forum_place = "Civic Office; Waterdale, Doncaster — committee room"
    meeting = schedule(forum, people["secretary"], people["katherine.ward@dcst.example"],
                       day=workdays.london_date(utcnow()) + timedelta(days=10), hour=10)
    meeting.place = forum_place
    db.session.commit()
    auth.login(people["practitioner"].email)
    response = client.get(f"/meetings/{meeting.id}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    raw = response.data
    assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    physical = raw.split(b"\r\n")[:-1]
    assert all(len(line) <= 75 for line in physical)
    unfolded = raw.decode().replace("\r\n ", "").split("\r\n")
    props = dict(line.split(":", 1) for line in unfolded if ":" in line)
    assert unfolded[0] == "BEGIN:VCALENDAR" and "END:VEVENT" in unfolded
    assert props["VERSION"] == "2.0" and props["PRODID"]
    assert re.fullmatch(rf"govflow-meeting-{meeting.id}@[a-z0-9.-]+", props["UID"])
    assert props["DTSTART"] == meeting.starts_at.strftime("%Y%m%dT%H%M%SZ")
    assert props["DTEND"] == meeting.ends_at.strftime("%Y%m%dT%H%M%SZ")
    assert re.fullmatch(r"\d{8}T\d{6}Z", props["DTSTAMP"])
    assert props["SUMMARY"] == "Central Governance Forum"
    assert props["LOCATION"] == "Civic Office\\; Waterdale\\, Doncaster — committee room"
    assert "Chair: Katherine Ward\\n\\nDraft agenda:\\n1. " in props["DESCRIPTION"]


def test_ics_escaping_and_folding():
    from govflow.forums.ics import escape_text, fold

    assert escape_text("a\\b;c,d\r\ne") == "a\\\\b\\;c\\,d\\ne"
    line = "DESCRIPTION:" + "é" * 100
    folded = fold(line)
    parts = folded.split("\r\n ")
    assert all(len(p.encode()) <= 75 for p in parts[:1]) and all(len(p.encode()) <= 74 for p in parts[1:])
    assert "".join(parts) == line


# ---------------------------------------------------------------- the agenda


def test_the_secretary_reorders_removes_and_adds_to_the_agenda(client, auth, people):
    meeting = schedule(central(), people["secretary"], people["katherine.ward@dcst.example"])
    services.add_topic(meeting, people["secretary"], "First topic")
    services.add_topic(meeting, people["secretary"], "Second topic")
    auth.login(people["secretary"].email)
    agenda = f"/meetings/{meeting.id}/agenda"
    entries = sorted(meeting.agenda, key=lambda a: a.position)
    second = entries[-1]
    assert second.title == "Second topic"
    response = auth.post(f"{agenda}/{second.id}/move", {"direction": "up"}, form_page=agenda)
    assert response.status_code == 302
    titles = [a.title for a in sorted(meeting.agenda, key=lambda a: a.position)]
    assert titles[-2:] == ["Second topic", "First topic"]
    assert [a.position for a in sorted(meeting.agenda, key=lambda a: a.position)] == list(range(1, len(titles) + 1))

    response = auth.post(f"{agenda}/topics", {"title": ""}, form_page=agenda)
    assert response.status_code == 400 and "Enter the topic" in response.get_data(as_text=True)
    auth.post(f"{agenda}/topics", {"title": "Any other business"}, form_page=agenda)
    response = auth.post(f"{agenda}/items", {"item_number": "999999"}, form_page=agenda)
    assert response.status_code == 400 and "There is no item number 999999" in response.get_data(as_text=True)
    from govflow.items.models import Item

    item = db.session.scalar(select(Item).where(Item.title.like("Interpreters must be booked%")))
    response = auth.post(f"{agenda}/items", {"item_number": f"#{item.id}"}, form_page=agenda)
    assert response.status_code == 302
    response = auth.post(f"{agenda}/items", {"item_number": str(item.id)}, form_page=agenda)
    assert response.status_code == 400 and "already on the agenda" in response.get_data(as_text=True)

    first = next(a for a in meeting.agenda if a.title == "First topic")
    response = auth.post(f"{agenda}/{first.id}/remove", {}, form_page=agenda)
    assert response.status_code == 302
    html = client.get(agenda).get_data(as_text=True)
    assert "Removed from the agenda: First topic" in html and ">First topic</a>" not in html
    assert "Any other business" in html and item.title in html


def test_only_the_forums_secretary_edits_the_agenda(client, auth, people):
    meeting = schedule(central(), people["secretary"], people["katherine.ward@dcst.example"])
    services.add_topic(meeting, people["secretary"], "A topic")
    entry = meeting.agenda[-1]
    auth.login("jo.mitchell@denaby-cafe.example")  # secretary of another forum
    agenda = f"/meetings/{meeting.id}/agenda"
    assert client.get(agenda).status_code == 403
    assert auth.post(f"{agenda}/{entry.id}/remove", {}).status_code == 403
    assert auth.post(f"{agenda}/topics", {"title": "Sneaked in"}).status_code == 403
    assert client.get(f"/meetings/{meeting.id}/attendance").status_code == 403


def test_attendance_and_declarations_before_the_meeting_day_are_refused(client, auth, people):
    meeting = schedule(central(), people["secretary"], people["katherine.ward@dcst.example"],
                       day=workdays.london_date(utcnow()) + timedelta(days=3))
    auth.login(people["secretary"].email)
    page = f"/meetings/{meeting.id}/attendance"
    response = auth.post(page, {"present": [str(people["katherine.ward@dcst.example"].id)]}, form_page=page)
    assert response.status_code == 409
    assert "has not happened yet" in response.get_data(as_text=True)


def test_a_person_cannot_be_both_present_and_sending_apologies(client, auth, people):
    meeting = schedule(central(), people["secretary"], people["katherine.ward@dcst.example"])
    auth.login(people["secretary"].email)
    page = f"/meetings/{meeting.id}/attendance"
    chair = str(people["katherine.ward@dcst.example"].id)
    response = auth.post(page, {"present": [chair], "apologies": [chair]}, form_page=page)
    assert response.status_code == 400
    assert "cannot be both present and sending apologies" in response.get_data(as_text=True)
    assert meeting.attendance == []


def test_what_reaches_the_forum_after_the_agenda_was_built_is_shown_and_added_on_request(
        client, auth, people):
    from govflow.items.services import raise_blocker
    from govflow.workflow import engine

    meeting = schedule(central(), people["secretary"], people["katherine.ward@dcst.example"],
                       day=workdays.london_date(utcnow()) + timedelta(days=2))
    item = raise_blocker(people["practitioner"], title="Flagged by the sweep after scheduling",
                         description="Overdue at Gold.", area="denaby")
    for _ in range(2):
        engine.fire(item, "escalate", people["admin"], fields={"reason": "Needs the next tier."})
    item.flagged_for_forum_at = utcnow()  # what the sweep does to a blocker overdue at Gold
    db.session.commit()
    auth.login(people["secretary"].email)
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "1 item reached this forum since its agenda was built" in page
    agenda = f"/meetings/{meeting.id}/agenda"
    html = client.get(agenda).get_data(as_text=True)
    assert "Escalated item: Flagged by the sweep after scheduling" in html
    assert auth.post(f"{agenda}/refresh", {}, form_page=agenda).status_code == 302
    assert any(a.item_id == item.id for a in meeting.agenda)
    assert "Nothing new has reached this forum" in client.get(agenda).get_data(as_text=True)
