"""Minutes and decision logs as PDF: hostile text stays text, approval rules, the lock (in the
service and in the database), addenda, the decision log with superseded entries, the CLI."""

from __future__ import annotations

import hashlib
import io
from datetime import time, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from govflow import workdays
from govflow.clock import utcnow
from govflow.decisions.models import Decision
from govflow.decisions.services import correct_decision
from govflow.extensions import db
from govflow.forums import attendance, minutes, services
from govflow.forums.models import Forum, Meeting
from govflow.items.services import raise_blocker
from govflow.pdf import SafeURLFetcher
from govflow.workflow import engine

HOSTILE = 'Rooms <img src=file:///etc/passwd> <script>alert("x")</script> & more'


def forum(slug):
    return db.session.scalar(select(Forum).where(Forum.slug == slug))


def approved_demo_meeting():
    return db.session.scalar(select(Meeting).where(Meeting.status == "approved"))


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


def gold(people, title):
    item = raise_blocker(people["practitioner"], title=title, description="Stuck.", area="denaby")
    for _ in range(2):
        engine.fire(item, "escalate", people["admin"], fields={"reason": "Needs Gold."})
    return item


def todays_meeting(people, slug="central-forum"):
    chair = people["katherine.ward@dcst.example"]
    return services.schedule_meeting(forum(slug), people["secretary"], services.MeetingDetails(
        day=workdays.london_date(utcnow()), start=time(0, 5), end=time(23, 55), place="Room 1",
        chair_id=chair.id))


def hold(meeting, people, summary="Held."):
    secretary = people["secretary"]
    chair = people["katherine.ward@dcst.example"]
    attendance.set_member_attendance(meeting, secretary, present_ids=[chair.id, secretary.id], apology_ids=[])
    services.close_meeting(meeting, secretary, summary)
    return meeting


# ---------------------------------------------------------------- hostile text


def test_a_hostile_item_title_is_literal_text_in_the_page_and_the_pdf_and_reads_no_file(
        client, auth, people):
    item = gold(people, HOSTILE)
    meeting = todays_meeting(people)
    entry = next(a for a in meeting.agenda if a.item_id == item.id)
    services.save_notes(meeting, people["secretary"], entry, "<b>bold?</b> <link rel=stylesheet href=http://169.254.169.254/x>")
    auth.login(people["secretary"].email)

    html = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "&lt;img src=file:///etc/passwd&gt;" in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "<img src=file:///etc/passwd>" not in html and '<script>alert("x")' not in html

    response = client.get(f"/meetings/{meeting.id}/minutes.pdf")
    assert response.status_code == 200
    content = pdf_text(response.data)
    assert '<img src=file:///etc/passwd> <script>alert("x")</script>' in content
    assert "<b>bold?</b>" in content
    assert "root:" not in content

    # The same rendering with a fetcher we can inspect: nothing was asked for, so nothing
    # could be read; had it been, file: and remote URLs are refused (tests/test_pdf.py).
    fetcher = SafeURLFetcher()
    minutes.render_draft_minutes(meeting, fetcher=fetcher)
    assert fetcher.asked == [] and fetcher.refused == []
    fetcher = SafeURLFetcher()
    log = minutes.render_decision_log(minutes.LogScope(), fetcher=fetcher)
    assert fetcher.asked == [] and log.startswith(b"%PDF")


# ---------------------------------------------------------------- approval and the lock


def test_approval_needs_a_closed_meeting_the_chair_and_the_version_they_saw(client, auth, people):
    meeting = todays_meeting(people)
    chair = people["katherine.ward@dcst.example"]
    auth.login(chair.email)
    assert client.get(f"/meetings/{meeting.id}/approve").status_code == 409  # still planned
    hold(meeting, people)
    seen = meeting.version
    services.add_topic(meeting, people["secretary"], "Added after the chair opened the page")
    page = f"/meetings/{meeting.id}/approve"
    response = auth.post(page, {"version": str(seen)}, form_page=page)
    assert response.status_code == 409
    assert "changed since you opened" in response.get_data(as_text=True)
    assert meeting.status == "held" and meeting.minutes_pdf is None
    response = auth.post(page, {"version": str(meeting.version)}, form_page=page)
    assert response.status_code == 302
    db.session.refresh(meeting)
    assert meeting.status == "approved" and meeting.approved_by_id == chair.id
    assert hashlib.sha256(meeting.minutes_pdf).hexdigest() == meeting.minutes_sha256


def test_only_the_chair_or_a_named_vice_chair_approves_never_the_writer(app, people):
    """However the meeting was made (back-dated, a later meeting already begun), its
    secretary who wrote the minutes and the next meeting's chair cannot approve them."""
    from govflow.domain_errors import Forbidden
    from govflow.permissions import can

    group = forum("hexthorpe-group")  # no demo meetings
    chair = people["amara.mensah@rdash.example"]
    secretary = people["zofia.nowak@hexthorpe-primary.example"]
    vice_chair = people["liam.fletcher@hexthorpe-park-friends.example"]
    earlier = Meeting(forum_id=group.id, starts_at=utcnow() - timedelta(days=8), status="held",
                      summary="Held.", chair_id=chair.id, created_by_id=secretary.id)
    db.session.add(earlier)
    later = Meeting(forum_id=group.id, starts_at=utcnow() - timedelta(minutes=5),
                    status="planned", chair_id=vice_chair.id, created_by_id=secretary.id)
    db.session.add(later)
    db.session.flush()
    assert can(chair, "meeting.approve", earlier)
    assert not can(secretary, "meeting.approve", earlier)
    assert not can(vice_chair, "meeting.approve", earlier)  # chairs the next one: not this
    with pytest.raises(Forbidden, match="Only the meeting's chair"):
        services.approve_minutes(earlier, vice_chair)
    earlier.vice_chair_id = vice_chair.id
    db.session.flush()
    assert can(vice_chair, "meeting.approve", earlier)
    # A secretary named chair of a meeting they wrote up still may not approve it.
    earlier.chair_id = secretary.id
    db.session.flush()
    with pytest.raises(Forbidden, match="You wrote these minutes"):
        services.approve_minutes(earlier, secretary)
    assert earlier.status == "held"
    services.approve_minutes(earlier, vice_chair)
    assert earlier.status == "approved" and earlier.approved_by_id == vice_chair.id


def test_approved_minutes_are_locked_in_the_service(app, people):
    from govflow.domain_errors import Refused

    meeting = approved_demo_meeting()
    entry = meeting.agenda[0]
    secretary = people["secretary"]
    attempts = [
        lambda: services.save_notes(meeting, secretary, entry, "Changed"),
        lambda: services.add_topic(meeting, secretary, "Late topic"),
        lambda: services.move_agenda_item(meeting, secretary, entry, "down"),
        lambda: services.remove_agenda_item(meeting, secretary, entry),
        lambda: attendance.add_guest(meeting, secretary, name="Late guest"),
        lambda: services.close_meeting(meeting, secretary, "Again"),
        lambda: services.approve_minutes(meeting, secretary),
    ]
    for attempt in attempts:
        with pytest.raises(Refused, match="approved .* and are locked"):
            attempt()
    assert meeting.minutes_sha256 == hashlib.sha256(meeting.minutes_pdf).hexdigest()


@pytest.mark.parametrize("statement", [
    "UPDATE meetings SET summary = 'quietly changed' WHERE id = :id",
    "UPDATE meetings SET minutes_pdf = NULL, status = 'held' WHERE id = :id",
    "DELETE FROM meetings WHERE id = :id",
    "UPDATE agenda_items SET notes = 'quietly changed' WHERE meeting_id = :id",
    "DELETE FROM meeting_attendance WHERE meeting_id = :id",
    "INSERT INTO agenda_items (meeting_id, position, kind, title, notes) VALUES (:id, 99, 'topic', 'x', '')",
    "INSERT INTO conflict_declarations (meeting_id, person_name, declaration) VALUES (:id, 'x', 'y')",
])
def test_the_database_refuses_to_change_approved_minutes(app, statement):
    meeting = approved_demo_meeting()
    with pytest.raises(DBAPIError, match="approved meeting are locked"), db.session.begin_nested():
        db.session.execute(text(statement), {"id": meeting.id})
    stored = db.session.scalar(select(Meeting.minutes_sha256).where(Meeting.id == meeting.id))
    assert stored == meeting.minutes_sha256


def test_no_new_decision_can_be_tagged_with_an_approved_meeting(app, people):
    meeting = approved_demo_meeting()
    item = gold(people, "A blocker decided elsewhere")
    event = engine.fire(item, "unblock", people["executive"], fields={"resolution": "Sorted."})
    with pytest.raises(DBAPIError, match="approved meeting are locked"), db.session.begin_nested():
        db.session.execute(text(
            "INSERT INTO decisions (item_id, event_id, tier, outcome, summary, rationale, why_not,"
            " what_would_make_yes, conditions, alternatives, conflicts, by_default, decided_by_id,"
            " decided_at, recorded_at, delay_explanation, meeting_id) VALUES (:item, :event, 'gold',"
            " 'noted', 'x', '', '', '', '', '', '', :false, :by, :at, :at, '', :meeting)"),
            {"item": item.id, "event": event.id, "by": people["executive"].id, "at": utcnow(),
             "meeting": meeting.id, "false": False})


# ---------------------------------------------------------------- corrections


def test_a_correction_after_approval_is_an_addendum_beside_the_archived_minutes(client, auth, people):
    meeting = approved_demo_meeting()
    stored = meeting.minutes_pdf
    auth.login(people["secretary"].email)
    page = f"/meetings/{meeting.id}/addenda"
    response = auth.post(page, {"body": ""}, form_page=page)
    assert response.status_code == 400 and "Write the correction" in response.get_data(as_text=True)
    response = auth.post(page, {"body": "Fiona Marsh sent apologies; she was not present."}, form_page=page)
    assert response.status_code == 302
    html = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Fiona Marsh sent apologies; she was not present." in html
    addenda = client.get(f"/meetings/{meeting.id}/addenda.pdf")
    assert addenda.status_code == 200
    content = pdf_text(addenda.data)
    assert "Fiona Marsh sent apologies; she was not present." in content
    assert meeting.minutes_sha256 in content.replace(" ", "")
    again = client.get(f"/meetings/{meeting.id}/minutes.pdf")
    assert again.data == stored and hashlib.sha256(again.data).hexdigest() == meeting.minutes_sha256
    assert "Fiona Marsh sent apologies" not in pdf_text(again.data)


def test_addenda_are_only_for_approved_minutes(client, auth, people):
    meeting = todays_meeting(people)
    auth.login(people["secretary"].email)
    page = f"/meetings/{meeting.id}/addenda"
    response = auth.post(page, {"body": "Too early"}, form_page=f"/meetings/{meeting.id}")
    assert response.status_code == 409
    assert "correct the draft itself" in response.get_data(as_text=True)


# ---------------------------------------------------------------- decision logs


def test_the_decision_log_strikes_through_superseded_decisions(client, auth, people):
    item = gold(people, "Shared inbox for the Front Door")
    engine.fire(item, "unblock", people["executive"], fields={"resolution": "A shared inbox was set up."})
    original = db.session.scalar(select(Decision).where(Decision.item_id == item.id))
    correction = correct_decision(original, people["executive"], correction_reason="Wrong team named.",
                                  values={"rationale": "The Early Help team set up a shared inbox."})
    today = workdays.london_date(utcnow())
    scope = minutes.LogScope(area=original.item.area, date_from=today, date_to=today)
    entries = [minutes.decision_record(d) for d in minutes.log_decisions(scope)]
    html = app_render(entries, scope)
    struck = html[html.index(f"<del>Decision {original.id}</del>"):]
    assert f"Superseded by decision {correction.id}" in struck.split("</tr>")[0]
    assert f"<del>Decision {correction.id}</del>" not in html

    auth.login(people["practitioner"].email)
    response = client.get("/forums/decision-log.pdf", query_string=[
        ("area", "denaby"), ("date_from", str(today.day)), ("date_from", str(today.month)),
        ("date_from", str(today.year)), ("date_to", str(today.day)), ("date_to", str(today.month)),
        ("date_to", str(today.year))])
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    content = pdf_text(response.data)
    assert f"Decision {original.id}" in content and f"Superseded by decision {correction.id}" in content
    assert "The Early Help team set up a shared inbox." in content
    assert "Page 1 of" in content
    assert reader.metadata.title.startswith("Decision log: Decisions on Denaby")
    assert reader.metadata.author == "govflow" and reader.metadata["/CreationDate"]
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged


def app_render(entries, scope):
    from flask import current_app

    return current_app.jinja_env.get_template("print/decision_log.html").render(
        title="t", author="a", scope=scope.describe(), printed_on="today", entries=entries,
        superseded=1)


def test_a_decision_log_with_the_end_before_the_start_is_refused(client, auth, people):
    auth.login(people["practitioner"].email)
    response = client.get("/forums/decision-log.pdf", query_string=[
        ("date_from", "10"), ("date_from", "3"), ("date_from", "2027"),
        ("date_to", "1"), ("date_to", "3"), ("date_to", "2027")])
    assert response.status_code == 400
    assert "The end date must be on or after the start date" in response.get_data(as_text=True)
    response = client.get("/forums/decision-log.pdf", query_string=[("date_from", "10")])
    assert response.status_code == 400 and "From must be a day, a month and a year" in response.get_data(as_text=True)


# ---------------------------------------------------------------- the command line


def test_minutes_export_writes_the_archived_file_or_a_draft(runner, tmp_path, people):
    approved = approved_demo_meeting()
    out = tmp_path / "minutes.pdf"
    result = runner.invoke(args=["minutes", "export", str(approved.id), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == approved.minutes_pdf and approved.minutes_sha256 in result.output
    held = db.session.scalar(select(Meeting).where(Meeting.status == "held"))
    draft = tmp_path / "draft.pdf"
    result = runner.invoke(args=["minutes", "export", str(held.id), "--out", str(draft)])
    assert result.exit_code == 0 and "DRAFT" in result.output
    assert "DRAFT" in pdf_text(draft.read_bytes())
    result = runner.invoke(args=["minutes", "export", "999999", "--out", str(draft)])
    assert result.exit_code != 0 and "There is no meeting 999999" in result.output


def test_decisions_export_by_forum_area_and_dates(runner, tmp_path, people):
    item = gold(people, "Decided for the CLI test")
    engine.fire(item, "unblock", people["executive"], fields={"resolution": "Fixed for the CLI test."})
    today = workdays.london_date(utcnow()).isoformat()
    out = tmp_path / "log.pdf"
    result = runner.invoke(args=["decisions", "export", "--area", "denaby", "--from", today,
                                 "--to", today, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Fixed for the CLI test." in pdf_text(out.read_bytes())
    result = runner.invoke(args=["decisions", "export", "--forum", "central-forum", "--out", str(out)])
    assert result.exit_code == 0 and "Decisions taken at Central Governance Forum" in result.output
    assert "Fixed for the CLI test." not in pdf_text(out.read_bytes())  # not taken at a meeting
    result = runner.invoke(args=["decisions", "export", "--forum", "nope", "--out", str(out)])
    assert result.exit_code != 0 and "no forum called 'nope'" in result.output
    result = runner.invoke(args=["decisions", "export", "--from", "31-12-2026", "--out", str(out)])
    assert result.exit_code != 0 and "2027-03-31" in result.output
