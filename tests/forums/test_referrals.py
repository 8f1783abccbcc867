"""Local to central: the Denaby club refers a blocker from its meeting to the central forum
with a note; it is on the central forum's next agenda under "Referred by local groups"; the
central forum decides and answers; the answer is a matter arising on the club's next agenda;
both sets of minutes, read back from the PDFs with pypdf, say all of it.

The story runs in March 2027 on govflow's clock (clock.fixed_at), so it passes at any date."""

from __future__ import annotations

import io
from datetime import date, datetime, time
from typing import NamedTuple

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from govflow.clock import fixed_at
from govflow.domain_errors import Forbidden, Invalid, Refused
from govflow.extensions import db
from govflow.forums import attendance, minutes, referrals, services
from govflow.forums.models import AgendaItem, Forum, Meeting
from govflow.items.models import Item
from govflow.items.services import raise_blocker

NOTE = "Nobody at the club can agree how to share information with the trust; we need Gold."
ANSWER = "Agreed: the trust will sign the partnership's protocol by the end of March."


def _forum(slug) -> Forum:
    return db.session.scalar(select(Forum).where(Forum.slug == slug))


def _text(pdf: bytes) -> str:
    return " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(
        io.BytesIO(pdf)).pages)


def _schedule(forum, secretary, chair, day, start, end):
    return services.schedule_meeting(forum, secretary, services.MeetingDetails(
        day=day, start=start, end=end, place="", chair_id=chair.id))


@pytest.fixture
def cast(people):
    return {
        "club": _forum("denaby-conversation-club"), "central": _forum("central-forum"),
        "jo": people["jo.mitchell@denaby-cafe.example"],
        "lorraine": people["lorraine.hebden@denaby-cafe.example"],
        "joanne": people["joanne.kilner@dcst.example"],
        "katherine": people["katherine.ward@dcst.example"],
        "simon": people["simon.adeyemi@dmbc.example"],
        "priya": people["priya.shah@dcst.example"],
    }


class OnTheAgenda(NamedTuple):
    club_meeting: Meeting
    central_meeting: Meeting
    item: Item
    entry: AgendaItem


@pytest.fixture
def on_the_agenda(cast) -> OnTheAgenda:
    """The club's meeting on 9 March 2027 with Priya's blocker on its agenda, and the central
    forum's meeting two days later."""
    c = cast
    with fixed_at(datetime(2027, 3, 9, 8, 0)):
        club_meeting = _schedule(c["club"], c["jo"], c["lorraine"], date(2027, 3, 9),
                                 time(9, 30), time(10, 30))
        central_meeting = _schedule(c["central"], c["joanne"], c["katherine"],
                                    date(2027, 3, 11), time(10), time(12))
        item = raise_blocker(c["priya"], title="No agreed route to share information with the trust",
                             description="Practitioners at the club cannot share with the trust.",
                             area="denaby")
        entry = services.add_item(club_meeting, c["jo"], str(item.id))
    return OnTheAgenda(club_meeting, central_meeting, item, entry)


def test_a_referral_goes_up_is_answered_and_comes_back_as_a_matter_arising(cast, on_the_agenda):
    c = cast
    club_meeting, central_meeting, item, entry = on_the_agenda

    with fixed_at(datetime(2027, 3, 9, 10, 0)):
        with pytest.raises(Invalid):
            referrals.refer_to_central(c["lorraine"], forum=c["club"], meeting=club_meeting,
                                       entry=entry, note=" ")
        with pytest.raises(Forbidden):  # a practitioner member is not a facilitator or chair
            referrals.refer_to_central(c["priya"], forum=c["club"], meeting=club_meeting,
                                       entry=entry, note=NOTE)
        referral = referrals.refer_to_central(c["lorraine"], forum=c["club"],
                                              meeting=club_meeting, entry=entry, note=NOTE)
        with pytest.raises(Refused):  # once is enough until it is answered
            referrals.refer_to_central(c["lorraine"], forum=c["club"], meeting=club_meeting,
                                       entry=entry, note=NOTE)
    # On the central forum's next agenda at once (its agenda was already built), as itself.
    referred = [a for a in central_meeting.agenda if a.referral_id == referral.id]
    assert len(referred) == 1 and referred[0].item_id == item.id
    assert [a.item_id for a in central_meeting.agenda if a.kind == "item"].count(item.id) == 1

    with fixed_at(datetime(2027, 3, 11, 10, 30)):
        attendance.set_member_attendance(
            central_meeting, c["joanne"], present_ids=[c["katherine"].id, c["simon"].id],
            apology_ids=[])
        triggers = {a.trigger.name for a in services.decision_triggers(referred[0], c["simon"])}
        assert "unblock" in triggers
        services.take_decision(central_meeting, c["joanne"], referred[0], trigger="unblock",
                               decider_id=c["simon"].id,
                               fields={"resolution": "The trust signs the protocol."})
        referrals.answer_referral(central_meeting, c["joanne"], referred[0], ANSWER)
        with pytest.raises(Refused):
            referrals.answer_referral(central_meeting, c["joanne"], referred[0], "again")
        services.close_meeting(central_meeting, c["joanne"], "Decided the club's referral.")
    with fixed_at(datetime(2027, 3, 12, 9, 0)):
        services.approve_minutes(central_meeting, c["katherine"])
    assert item.state == "unblocked"

    with fixed_at(datetime(2027, 3, 15, 9, 0)):
        next_club = _schedule(c["club"], c["jo"], c["lorraine"], date(2027, 3, 16),
                              time(9, 30), time(10, 30))
        later = _schedule(c["club"], c["jo"], c["lorraine"], date(2027, 3, 23),
                          time(9, 30), time(10, 30))
    arising = [a for a in next_club.agenda if a.referral_id == referral.id]
    assert [(a.kind, a.title) for a in arising] == [
        ("matter_arising", f"Answer from the central forum: {entry.title}")]
    assert not [a for a in later.agenda if a.referral_id == referral.id]  # once, not again

    central_text = _text(central_meeting.minutes_pdf)
    assert "Referred by local groups" in central_text
    assert f"Referred by Denaby Conversation Club on 9 March 2027: {NOTE}" in central_text
    assert f"Answer sent back to Denaby Conversation Club: {ANSWER}" in central_text
    assert "Decided by Simon Adeyemi" in central_text

    with fixed_at(datetime(2027, 3, 15, 9, 0)):
        club_text = _text(minutes.render_draft_minutes(club_meeting))
        next_text = _text(minutes.render_draft_minutes(next_club))
    assert "Referred to the central forum" in club_text
    assert f"referred to {c['central'].name} by Lorraine Hebden. {NOTE}" in club_text
    assert "Matter arising: the central forum's answer" in next_text
    assert f"{c['central'].name} answered on 11 March 2027: {ANSWER}" in next_text


def test_a_referral_waits_for_the_central_agenda_that_is_built_later(cast):
    """When the central forum's next meeting comes from its rhythm and its agenda is not
    built yet, the referral goes on when it is built (the working day before)."""
    from govflow.forums import recurrence

    c = cast
    with fixed_at(datetime(2027, 3, 9, 8, 0)):
        rhythm = recurrence.set_rhythm(c["central"], c["joanne"], recurrence.RhythmDetails(
            frequency="monthly", weekday=3, week_of_month=1, start=time(10), end=time(12),
            place="", chair_id=c["katherine"].id))
        club_meeting = _schedule(c["club"], c["jo"], c["lorraine"], date(2027, 3, 9),
                                 time(9, 30), time(10, 30))
    april = db.session.scalar(select(Meeting).where(Meeting.rhythm_id == rhythm.id)
                              .order_by(Meeting.starts_at))
    with fixed_at(datetime(2027, 3, 9, 10, 0)):
        referral = referrals.refer_to_central(c["lorraine"], forum=c["club"],
                                              meeting=club_meeting, entry=None, note=NOTE)
    assert april.agenda == []
    with fixed_at(datetime(2027, 3, 31, 7, 0)):  # the working day before 1 April
        recurrence.build_due_agenda(april)
    assert [a.referral_id for a in april.agenda].count(referral.id) == 1


def test_the_facilitator_refers_from_the_meeting_page_and_the_secretary_answers(
        client, auth, cast, on_the_agenda):
    from tests.items.blocker_pages import csrf_from, text_of

    c = cast
    club_meeting, central_meeting, item, entry = on_the_agenda
    db.session.commit()
    page = f"/meetings/{club_meeting.id}/agenda/{entry.id}"
    with fixed_at(datetime(2027, 3, 9, 10, 0)):
        auth.login(c["priya"].email)  # a member, but not a facilitator or the chair
        assert "Refer this to the central forum" not in text_of(client.get(page))
        assert client.get(f"{page}/refer").status_code == 403
        auth.logout()
        auth.login(c["lorraine"].email)
        assert "Refer this to the central forum" in text_of(client.get(page))
        form = client.get(f"{page}/refer").get_data(as_text=True)
        missing = client.post(f"{page}/refer", data={"csrf_token": csrf_from(form), "note": ""})
        assert missing.status_code == 400
        assert "Enter what you are asking the central forum" in text_of(missing)
        sent = client.post(f"{page}/refer", data={"csrf_token": csrf_from(form), "note": NOTE})
        assert sent.status_code == 302
        shown = text_of(client.get(page))
        assert f"Referred to {c['central'].name} by this group on 9 March 2027." in shown
        assert "Refer this to the central forum" not in shown
        auth.logout()
    central_entry = next(a for a in central_meeting.agenda if a.item_id == item.id)
    central_page = f"/meetings/{central_meeting.id}/agenda/{central_entry.id}"
    with fixed_at(datetime(2027, 3, 11, 11, 0)):
        auth.login(c["joanne"].email)
        shown = text_of(client.get(central_page))
        assert "Referred by local groups : Denaby Conversation Club, on 9 March 2027." in shown
        assert NOTE in shown
        form = client.get(f"{central_page}/answer").get_data(as_text=True)
        sent = client.post(f"{central_page}/answer",
                           data={"csrf_token": csrf_from(form), "answer": ANSWER})
        assert sent.status_code == 302, text_of(sent)
        assert f"The central forum's answer (11 March 2027): {ANSWER}" in text_of(
            client.get(central_page))


def test_at_a_local_meeting_the_facilitator_present_is_offered_escalation(cast, people):
    """Once 'No one present can take a decision on this blocker': escalating is offered at
    a local group's meeting, taken through the engine and tagged with the meeting."""
    c = cast
    rachel = people["rachel.dunn@dmbc.example"]  # a Denaby facilitator and club member
    with fixed_at(datetime(2027, 3, 9, 8, 0)):
        club_meeting = _schedule(c["club"], c["jo"], c["lorraine"], date(2027, 3, 9),
                                 time(9, 30), time(10, 30))
        blocker = raise_blocker(c["priya"], title="No funding for volunteers' DBS checks",
                                description="The club's volunteers cannot start without checks.",
                                area="denaby")
        entry = services.add_item(club_meeting, c["jo"], str(blocker.id))
    assert blocker.tier == "bronze"
    assert "escalate" not in {a.trigger.name for a in services.decision_triggers(entry, rachel)}
    assert "escalate" in {a.trigger.name
                          for a in services.decision_triggers(entry, rachel, club_meeting)}
    with fixed_at(datetime(2027, 3, 9, 10, 0)):
        attendance.set_member_attendance(club_meeting, c["jo"], present_ids=[rachel.id],
                                         apology_ids=[])
        event = services.take_decision(
            club_meeting, c["jo"], entry, trigger="escalate", decider_id=rachel.id,
            fields={"reason": "The club cannot fund the checks; Silver can."})
    assert entry.item.tier == "silver"
    assert event.meeting_id == club_meeting.id and event.actor_id == rachel.id
