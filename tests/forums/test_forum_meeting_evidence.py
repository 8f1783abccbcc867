"""Evidence: a whole central forum meeting held through the web forms, its minutes approved
and archived, then read back from the PDF."""

from __future__ import annotations

import hashlib
import io
import re
from datetime import timedelta

from pypdf import PdfReader
from sqlalchemy import select

from govflow import workdays
from govflow.clock import utcnow
from govflow.decisions.models import Decision
from govflow.extensions import db
from govflow.forums.models import Forum, Meeting
from govflow.items import ideas
from govflow.items.services import raise_blocker
from govflow.sponsors.models import SponsorAction
from govflow.workflow import engine

GOLD_A = "Health visitors cannot see school attendance data"
GOLD_B = "Youth club minibus insurance lapses every summer"
GOLD_IDEA = "Borough-wide family hub on wheels"
OVERDUE = "Agree who pays for interpreters at the family hub"
ARISING = "Check the new room booking rules with the schools"


def gold_blocker(people, title):
    item = raise_blocker(people["practitioner"], title=title,
                         description="Practitioners have asked twice and nobody can decide.",
                         area="denaby")
    for _ in range(2):
        engine.fire(item, "escalate", people["admin"],
                    fields={"reason": "Crosses organisations; needs Gold."})
    assert item.state == "gold"
    return item


def page(client, path):
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


def link(html, text):
    match = re.search(r'href="([^"]+)"[^>]*>\s*' + re.escape(text), html)
    assert match, f"no link {text!r}"
    return match.group(1).replace("&amp;", "&")


def normalised(text):
    return " ".join(text.split())


def set_up_the_month(people, area):
    """Three Gold items, an overdue sponsor action, and an open action from the last meeting."""
    gold_a = gold_blocker(people, GOLD_A)
    gold_b = gold_blocker(people, GOLD_B)
    idea = ideas.propose_idea(
        people["practitioner"], title=GOLD_IDEA,
        description="A converted bus that brings the family hub to every estate once a month.",
        why="Families who never come to the hub would meet us where they are.",
        outcomes=["reach-full-potential"], area="denaby", funding_asked="25000",
    )
    assert idea.tier == "gold" and idea.state == "proposed"
    central = db.session.scalar(select(Forum).where(Forum.slug == "central-forum"))
    earlier = Meeting(forum_id=central.id, starts_at=utcnow() - timedelta(days=2), status="held",
                      summary="An earlier meeting.", chair_id=people["katherine.ward@dcst.example"].id)
    db.session.add(earlier)
    db.session.flush()
    today = workdays.london_date(utcnow())
    denaby = area("denaby")
    common = {"area_id": denaby.id, "sponsor_id": people["simon.adeyemi@dmbc.example"].id,
              "created_by_id": people["secretary"].id, "status": "open"}
    overdue = SponsorAction(what=OVERDUE, owner_id=people["helen.ackroyd@dcst.example"].id,
                            due_on=today - timedelta(days=6), **common)
    arising = SponsorAction(what=ARISING, owner_id=people["nadia.rahman@dmbc.example"].id,
                            due_on=today + timedelta(days=10), meeting_id=earlier.id, **common)
    db.session.add_all([overdue, arising])
    db.session.commit()
    return gold_a, gold_b, idea


def test_a_central_forum_meeting_from_agenda_to_archived_minutes(app, client, auth, people, area):
    gold_a, gold_b, idea = set_up_the_month(people, area)
    chair = people["katherine.ward@dcst.example"]
    secretary = people["secretary"]
    assert secretary.email == "joanne.kilner@dcst.example"
    today = workdays.london_date(utcnow())

    # The secretary schedules the meeting; the agenda builds itself.
    auth.login(secretary.email)
    new_meeting = "/forums/central-forum/meetings/new"
    assert "Schedule a meeting" in page(client, new_meeting)
    response = auth.post(new_meeting, {
        "day": [str(today.day), str(today.month), str(today.year)],
        "start_time": "9am", "end_time": "11:30", "place": "Civic Office, committee room 2",
        "chair": str(chair.id),
    }, form_page=new_meeting)
    assert response.status_code == 302, response.get_data(as_text=True)
    meeting_path = response.headers["Location"]
    meeting = db.session.get(Meeting, int(meeting_path.rsplit("/", 1)[1]))
    titles = [a.title for a in sorted(meeting.agenda, key=lambda a: a.position)]
    for wanted in (GOLD_A, GOLD_B, GOLD_IDEA, OVERDUE, ARISING):
        assert wanted in titles, (wanted, titles)
    kinds = {a.title: a.kind for a in meeting.agenda}
    assert kinds[ARISING] == "matter_arising" and kinds[OVERDUE] == "sponsor_action"
    assert titles.index(ARISING) < titles.index(GOLD_A)  # matters arising come first
    html = page(client, meeting_path)
    assert "Meeting scheduled" in html and GOLD_IDEA in html

    # Attendance: members present and with apologies, a community member as a guest.
    attendance = f"{meeting_path}/attendance"
    present = [chair, people["simon.adeyemi@dmbc.example"], people["andrew.kirkby@syp.example"],
               people["helen.ackroyd@dcst.example"], secretary]
    response = auth.post(attendance, {
        "present": [str(p.id) for p in present],
        "apologies": [str(people["bernadette.quinn@dbth.example"].id)],
    }, form_page=attendance)
    assert response.status_code == 302
    response = auth.post(f"{attendance}/guests", {
        "guest_name": "Maxine Oduya", "guest_role": "Community member, Denaby",
        "guest_status": "present"}, form_page=attendance)
    assert response.status_code == 302
    idea_entry = next(a for a in meeting.agenda if a.item_id == idea.id)
    response = auth.post(f"{meeting_path}/conflicts", {
        "person": f"user:{people['andrew.kirkby@syp.example'].id}",
        "agenda_item": str(idea_entry.id),
        "declaration": "Chairs the board of the bus company that would convert the vehicle.",
    }, form_page=attendance)
    assert response.status_code == 302

    # Agenda item: Gold blocker A is referred down, with the support given.
    entry_a = next(a for a in meeting.agenda if a.item_id == gold_a.id)
    item_page = f"{meeting_path}/agenda/{entry_a.id}"
    auth.post(f"{item_page}/notes", {"notes": "Education and health leads agreed a data-sharing route."},
              form_page=item_page)
    decision_page = link(page(client, item_page), "Refer down with support or permission")
    form = page(client, decision_page)
    assert f'value="{chair.id}" selected' in form  # the chair decides by default
    response = auth.post(decision_page, {
        "decider": str(chair.id), "version": str(gold_a.version),
        "support_given": "Permission given to share attendance data under the new agreement.",
    }, form_page=decision_page)
    assert response.status_code == 302, response.get_data(as_text=True)

    # The Gold idea is declined, with its why-not and what would make it a yes.
    idea_page = f"{meeting_path}/agenda/{idea_entry.id}"
    decline_page = link(page(client, idea_page), "Decline")
    assert "Chairs the board of the bus company" in page(client, decline_page)  # conflicts carried in
    response = auth.post(decline_page, {
        "decider": str(chair.id), "version": str(idea.version), "reason_category": "cost",
        "why_not": "The conversion costs more than this year's whole seed fund.",
        "what_would_make_yes": "A sponsor for the vehicle, or a trial with a hired van first.",
        "conflicts": "Andrew Kirkby declared an interest and took no part.",
    }, form_page=decline_page)
    assert response.status_code == 302, response.get_data(as_text=True)

    # A new sponsor action on Gold blocker B.
    entry_b = next(a for a in meeting.agenda if a.item_id == gold_b.id)
    action_page = f"{meeting_path}/agenda/{entry_b.id}/actions/new"
    due = today + timedelta(days=21)
    response = auth.post(action_page, {
        "what": "Find an insurer who covers the minibus all year", "area": "denaby",
        "owner": str(people["andrew.kirkby@syp.example"].id),
        "sponsor": str(people["simon.adeyemi@dmbc.example"].id),
        "due_on": [str(due.day), str(due.month), str(due.year)],
    }, form_page=action_page)
    assert response.status_code == 302, response.get_data(as_text=True)

    decisions = db.session.scalars(select(Decision).where(Decision.meeting_id == meeting.id)
                                   .order_by(Decision.id)).all()
    assert [(d.item_id, d.outcome, d.decided_by_id) for d in decisions] == [
        (gold_a.id, "referred_down", chair.id), (idea.id, "declined", chair.id)]
    assert gold_a.state == "silver" and idea.state == "declined"

    # Closing needs a summary; then the draft can be shared, watermarked DRAFT.
    close_page = f"{meeting_path}/close"
    response = auth.post(close_page, {"summary": "", "version": str(meeting.version)}, form_page=close_page)
    assert response.status_code == 400
    assert "Write a short summary of the meeting" in response.get_data(as_text=True)
    response = auth.post(close_page, {"summary": "Two decisions and one action; data sharing unblocked.",
                                      "version": str(meeting.version)}, form_page=close_page)
    assert response.status_code == 302
    draft = client.get(f"{meeting_path}/minutes.pdf")
    assert draft.status_code == 200 and draft.mimetype == "application/pdf"
    draft_text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(draft.data)).pages)
    assert "DRAFT" in draft_text

    # The secretary may not approve; the chair does.
    assert client.get(f"{meeting_path}/approve").status_code == 403
    auth.logout()
    auth.login(chair.email)
    approve_page = f"{meeting_path}/approve"
    assert "Approve the minutes" in page(client, approve_page)
    response = auth.post(approve_page, {"version": str(meeting.version)}, form_page=approve_page)
    assert response.status_code == 302
    db.session.refresh(meeting)
    assert meeting.status == "approved"

    # The page shows the file's SHA-256; the download is exactly that file, every time.
    html = page(client, meeting_path)
    shown = re.search(r'data-sha256="([0-9a-f]{64})"', html).group(1)
    first = client.get(f"{meeting_path}/minutes.pdf")
    second = client.get(f"{meeting_path}/minutes.pdf")
    assert hashlib.sha256(first.data).hexdigest() == shown == first.headers["X-Minutes-SHA256"]
    assert first.data == second.data == meeting.minutes_pdf

    reader = PdfReader(io.BytesIO(first.data))
    text = normalised(" ".join(p.extract_text() for p in reader.pages))
    pages = len(reader.pages)
    assert f"Page 1 of {pages}" in text and f"Page {pages} of {pages}" in text
    assert "DRAFT" not in text
    assert reader.metadata.title.startswith("Minutes of the Central Governance Forum")
    assert reader.metadata.author == "Central Governance Forum"
    assert "pdfaid:part=\"3\"" in reader.xmp_metadata.stream.get_data().decode()
    # Attendees, decisions with reasons and why-nots, and the action, in the order of the minutes.
    in_order = [
        "Katherine Ward", "Andrew Kirkby", "Helen Ackroyd", "Joanne Kilner", "Simon Adeyemi",
        "Maxine Oduya", "Apologies", "Bernadette Quinn",
        "Declarations of interest", "Chairs the board of the bus company",
        ARISING, GOLD_A, "Education and health leads agreed a data-sharing route.",
        "Referred down with support or permission",
        "Permission given to share attendance data under the new agreement.",
        GOLD_B, "Find an insurer who covers the minibus all year",
        GOLD_IDEA, "Declined", "The conversion costs more than this year's whole seed fund.",
        "A sponsor for the vehicle, or a trial with a hired van first.",
        OVERDUE,
        "Actions agreed", "Find an insurer who covers the minibus all year", "Andrew Kirkby",
        "Appendix: decision log", f"Decision {decisions[0].id}", f"Decision {decisions[1].id}",
    ]
    position = 0
    for phrase in in_order:
        found = text.find(phrase, position)
        assert found >= 0, f"{phrase!r} not found after position {position}: …{text[position:position + 300]}"
        position = found + len(phrase)
    # The footer's record fingerprint is the SHA-256 of the record embedded in the file.
    embedded = reader.attachments["minutes-record.json"][0]
    assert hashlib.sha256(embedded).hexdigest() == meeting.minutes_fingerprint
    assert meeting.minutes_fingerprint in text.replace(" ", "")

    # Approved minutes are locked: an edit is refused, and nothing changes.
    auth.logout()
    auth.login(secretary.email)
    response = auth.post(f"{item_page}/notes", {"notes": "Quietly rewritten."}, form_page=meeting_path)
    assert response.status_code == 409
    assert "approved" in response.get_data(as_text=True) and "locked" in response.get_data(as_text=True)
    assert client.get(f"{meeting_path}/agenda").status_code == 409
    db.session.refresh(entry_a)
    assert entry_a.notes == "Education and health leads agreed a data-sharing route."
    assert client.get(f"{meeting_path}/minutes.pdf").data == first.data
