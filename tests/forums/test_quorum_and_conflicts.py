"""Quorum and conflicts of interest at a meeting: a decision refused while the forum is not
quorate, or recorded as "taken without a quorum" where the forum allows it; someone who
declared an interest in an agenda item is not offered as the decider and the engine refuses
their decision, unless the chair records a dispensation; the minutes (read back from the PDF)
say all of it, list absent members and name the chair who approved them."""

from __future__ import annotations

import io
import re
from datetime import time

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from govflow import workdays
from govflow.clock import utcnow
from govflow.decisions.models import Decision
from govflow.domain_errors import Forbidden, Refused
from govflow.extensions import db
from govflow.forums import attendance, minutes, quorum, services
from govflow.forums.models import Forum
from govflow.items.services import raise_blocker
from govflow.workflow import engine

CHAIR = "katherine.ward@dcst.example"      # chief executive: Gold
DIRECTOR = "simon.adeyemi@dmbc.example"    # director: Gold
HEAD = "helen.ackroyd@dcst.example"        # head of service: Silver
HEAD_2 = "nadia.rahman@dmbc.example"       # head of service: Silver


def central():
    return db.session.scalar(select(Forum).where(Forum.slug == "central-forum"))


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


def gold_blocker(people, title="Health visitors cannot share a family's new address"):
    item = raise_blocker(people["practitioner"], title=title, description="Stuck for weeks.",
                         area="denaby")
    for _ in range(2):
        engine.fire(item, "escalate", people["admin"], fields={"reason": "Needs Gold."})
    return item


def meeting_with(people, item, present):
    meeting = services.schedule_meeting(central(), people["secretary"], services.MeetingDetails(
        day=workdays.london_date(utcnow()), start=time(0, 5), end=time(23, 55),
        place="Committee room", chair_id=people[CHAIR].id))
    if not any(a.item_id == item.id for a in meeting.agenda):
        services.add_item(meeting, people["secretary"], str(item.id))
    attendance.set_member_attendance(meeting, people["secretary"],
                                     present_ids=[people[e].id for e in present], apology_ids=[])
    entry = next(a for a in meeting.agenda if a.item_id == item.id)
    return meeting, entry


def unblock(meeting, people, entry, decider):
    return services.take_decision(meeting, people["secretary"], entry, trigger="unblock",
                                  decider_id=people[decider].id,
                                  fields={"resolution": "Information sharing agreed."})


def test_the_tiers_of_the_demo_people_this_file_relies_on(people):
    assert [people[e].tier for e in (CHAIR, DIRECTOR, HEAD, HEAD_2)] == [
        "gold", "gold", "silver", "silver"]


# ---------------------------------------------------------------- quorum


def test_a_decision_is_refused_with_the_reason_while_the_meeting_is_not_quorate(people):
    quorum.set_quorum(central(), people["secretary"], quorum="3", tiers=["gold"],
                      decide_without=False)
    item = gold_blocker(people)
    meeting, entry = meeting_with(people, item, [CHAIR, "joanne.kilner@dcst.example"])
    with pytest.raises(Refused) as refused:
        unblock(meeting, people, entry, CHAIR)
    assert refused.value.message == (
        "The meeting is not quorate (2 members present of the 3 needed; the quorum is "
        "3 members, including someone from Gold), so no decision can be taken. Record who is "
        "present, or take the decision at a quorate meeting.")
    assert item.state == "gold"
    assert not db.session.scalars(select(Decision).where(Decision.item_id == item.id)).all()

    # Silver members make up the number, but the Gold the forum asks for must be there too.
    attendance.set_member_attendance(meeting, people["secretary"], apology_ids=[people[CHAIR].id],
                                     present_ids=[people[e].id for e in (HEAD, HEAD_2, DIRECTOR)])
    assert quorum.quorum_shortfall(meeting) is None
    event = unblock(meeting, people, entry, DIRECTOR)
    decision = db.session.scalar(select(Decision).where(Decision.event_id == event.id))
    assert decision.without_quorum is None and item.state == "unblocked"


def test_the_web_page_warns_and_refuses_then_a_forum_that_allows_it_records_taken_without_a_quorum(
        client, auth, people):
    forum = central()
    quorum.set_quorum(forum, people["secretary"], quorum="3", tiers=["gold"], decide_without=False)
    item = gold_blocker(people)
    meeting, entry = meeting_with(people, item, [CHAIR, HEAD])
    auth.login(people["secretary"].email)
    page = f"/meetings/{meeting.id}/agenda/{entry.id}/decisions/unblock"
    html = client.get(f"/meetings/{meeting.id}/agenda/{entry.id}").get_data(as_text=True)
    assert "This meeting is not quorate: 2 members present of the 3 needed." in " ".join(html.split())
    response = auth.post(page, {"decider": str(people[CHAIR].id), "resolution": "Agreed.",
                                "version": str(item.version)}, form_page=page)
    assert response.status_code == 409
    assert "The meeting is not quorate (2 members present of the 3 needed;" in response.get_data(as_text=True)
    assert item.state == "gold"

    quorum.set_quorum(forum, people["secretary"], quorum="3", tiers=["gold"], decide_without=True)
    html = " ".join(client.get(page).get_data(as_text=True).split())
    assert "This decision will be recorded as taken without a quorum." in html
    response = auth.post(page, {"decider": str(people[CHAIR].id), "resolution": "Agreed.",
                                "version": str(item.version)}, form_page=page)
    assert response.status_code == 302
    decision = db.session.scalar(select(Decision).where(Decision.item_id == item.id))
    assert decision.without_quorum == "2 members present of the 3 needed"
    card = " ".join(client.get(f"/decisions/{decision.id}").get_data(as_text=True).split())
    assert "Taken without a quorum: 2 members present of the 3 needed" in card

    services.close_meeting(meeting, people["secretary"], "Held without a quorum.")
    text = pdf_text(minutes.render_draft_minutes(meeting))
    assert "Quorum Status" in text and "3 members, including someone from Gold Draft, not approved" in text
    assert "Taken without a quorum: 2 members present of the 3 needed." in text
    assert "Unblocked (taken without a quorum)" in text
    log = pdf_text(minutes.render_decision_log(minutes.LogScope(forum=forum)))
    assert "Taken without a quorum: 2 members present of the 3 needed" in log


def test_the_quorum_page_sets_it_and_shows_a_wrong_number_beside_the_field(client, auth, people):
    auth.login(people["secretary"].email)
    page = "/forums/central-forum/quorum"
    response = auth.post(page, {"quorum": "none", "tiers": ["gold"]}, form_page=page)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "govuk-error-summary" in html and 'value="none"' in html
    assert "Enter a whole number of members from 1 to 100" in html
    assert central().quorum is None
    response = auth.post(page, {"quorum": "4", "tiers": ["gold", "silver"],
                                "decide_without": "y"}, form_page=page)
    assert response.status_code == 302
    forum = central()
    assert (forum.quorum, forum.quorum_tiers, forum.decide_without_quorum) == (4, "silver,gold", True)
    html = " ".join(client.get("/forums/central-forum").get_data(as_text=True).split())
    assert ("4 members, including someone from Silver and Gold; decisions without one are "
            "recorded as taken without a quorum") in html
    auth.logout()
    auth.login(people["practitioner"].email)
    assert client.get(page).status_code == 403


# ---------------------------------------------------------------- conflicts of interest


def test_someone_who_declared_an_interest_is_not_offered_and_the_engine_refuses_them(
        client, auth, people):
    item = gold_blocker(people)
    meeting, entry = meeting_with(people, item, [CHAIR, DIRECTOR, HEAD])
    attendance.declare_conflict(meeting, people["secretary"], person=f"user:{people[DIRECTOR].id}",
                                declaration="My service commissioned the current protocol",
                                agenda_item_id=entry.id)
    auth.login(people["secretary"].email)
    page = f"/meetings/{meeting.id}/agenda/{entry.id}/decisions/unblock"
    html = client.get(page).get_data(as_text=True)
    deciders = re.search(r'<select[^>]*name="decider".*?</select>', html, re.S).group(0)
    assert people[CHAIR].display_name in deciders
    assert people[DIRECTOR].display_name not in deciders
    item_page = " ".join(client.get(f"/meetings/{meeting.id}/agenda/{entry.id}").get_data(as_text=True).split())
    assert (f"{people[DIRECTOR].display_name} declared an interest in this item (My service "
            "commissioned the current protocol) and is not offered as the decider.") in item_page

    # Posted anyway (an old page, a crafted form): the engine refuses, nothing changes.
    response = auth.post(page, {"decider": str(people[DIRECTOR].id), "resolution": "Agreed.",
                                "version": str(item.version)}, form_page=page)
    assert response.status_code == 400  # not one of the offered deciders
    with pytest.raises(Refused, match=f"^{people[DIRECTOR].display_name} declared an interest in "
                                      r"this item \(My service commissioned the current protocol\) "
                                      "and so cannot take this decision"):
        engine.fire(item, "unblock", people[DIRECTOR], fields={"resolution": "Agreed."},
                    meeting=meeting)
    assert item.state == "gold"

    unblock(meeting, people, entry, CHAIR)
    services.close_meeting(meeting, people["secretary"], "Held.")
    text = pdf_text(minutes.render_draft_minutes(meeting))
    assert (f"{people[DIRECTOR].display_name} (agenda item {entry.position}): My service "
            f"commissioned the current protocol. {people[DIRECTOR].display_name} declared an "
            "interest and did not take part.") in text


def test_the_chairs_dispensation_lets_them_decide_and_the_approved_minutes_say_so(
        client, auth, people):
    item = gold_blocker(people)
    meeting, entry = meeting_with(people, item, [CHAIR, DIRECTOR, HEAD])
    declared = attendance.declare_conflict(
        meeting, people["secretary"], person=f"user:{people[DIRECTOR].id}",
        declaration="Chairs the board that funds the service", agenda_item_id=entry.id)
    page = f"/meetings/{meeting.id}/conflicts/{declared.id}/dispensation"

    auth.login(people["secretary"].email)  # runs the meeting, but is not its chair
    assert client.get(page).status_code == 403
    with pytest.raises(Forbidden):
        quorum.grant_dispensation(meeting, people["secretary"], declared.id, reason="x")

    auth.logout()
    auth.login(people[CHAIR].email)
    assert "Record a dispensation" in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    response = auth.post(page, {"reason": ""}, form_page=page)
    assert response.status_code == 400
    assert "Give the reason for the dispensation" in response.get_data(as_text=True)
    assert declared.dispensation is None
    reason = "The interest is shared by every member of the forum"
    response = auth.post(page, {"reason": reason}, form_page=page)
    assert response.status_code == 302
    assert declared.dispensation == reason and declared.dispensation_by_id == people[CHAIR].id

    assert quorum.recused(meeting, item, people[DIRECTOR]) is None
    unblock(meeting, people, entry, DIRECTOR)
    assert item.state == "unblocked"

    services.close_meeting(meeting, people["secretary"], "Held.")
    services.approve_minutes(meeting, people[CHAIR])
    text = pdf_text(meeting.minutes_pdf)
    name = people[DIRECTOR].display_name
    assert (f"{name} declared an interest and took part under a dispensation from "
            f"{people[CHAIR].display_name}: {reason}.") in text
    assert f"Approved by {people[CHAIR].display_name} (chair) on" in text
    absent = text.split("Absent", 1)[1].split("Declarations of interest", 1)[0]
    for member in central().members:
        recorded = member.email in (CHAIR, DIRECTOR, HEAD)
        assert (member.display_name in absent) is not recorded, member.email
    assert "Apologies None." in text
