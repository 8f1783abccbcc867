"""Demo meetings: a past central forum meeting with approved minutes (an archived PDF), a
Denaby conversation club meeting with draft minutes (it referred its DBS checks blocker to
the central forum, which has it on its next agenda), and the two forums' rhythms (the club
every Tuesday morning at the café, the central forum monthly on the first Thursday) with
their meetings eight weeks ahead. Idempotent."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from govflow import workdays
from govflow.accounts.models import User
from govflow.attachments import services as attachments
from govflow.clock import utcnow
from govflow.extensions import db
from govflow.forums import agenda_builder, attendance, recurrence, referrals, services
from govflow.forums.models import Forum, Meeting
from govflow.items.models import Item


def _working_day_back(d: date) -> date:
    while not workdays.is_working_day(d):
        d -= timedelta(days=1)
    return d


def _people(*emails) -> list[User]:
    found = {u.email: u for u in db.session.scalars(select(User).where(User.email.in_(emails)))}
    return [found[e] for e in emails if e in found]


def _at(d: date, hour: int, minute: int = 0) -> datetime:
    return workdays._london_to_naive_utc(d, time(hour, minute))


def load_demo_extras() -> dict:
    counts = {"meetings": 0}
    central = db.session.scalar(select(Forum).where(Forum.slug == "central-forum"))
    if central is not None and not db.session.scalar(
        select(Meeting.id).where(Meeting.forum_id == central.id, Meeting.status == "approved")
    ):
        _central_meeting(central)
        counts["meetings"] += 1
    club = db.session.scalar(select(Forum).where(Forum.slug == "denaby-conversation-club"))
    if club is not None and not db.session.scalar(select(Meeting.id).where(Meeting.forum_id == club.id)):
        _club_meeting(club)
        counts["meetings"] += 1
    counts["meetings"] += _rhythm(club, "jo.mitchell@denaby-cafe.example", recurrence.RhythmDetails(
        frequency="weekly", weekday=1, week_of_month=None, start=time(9, 30), end=time(10, 30),
        place="Denaby Community Café", chair_id=None), "lorraine.hebden@denaby-cafe.example")
    counts["meetings"] += _rhythm(central, "joanne.kilner@dcst.example", recurrence.RhythmDetails(
        frequency="monthly", weekday=3, week_of_month=1, start=time(10), end=time(12),
        place="", chair_id=None), "katherine.ward@dcst.example")
    return counts


def _rhythm(forum: Forum | None, secretary: str, details, chair: str) -> int:
    """The forum's rhythm, its meetings eight weeks ahead, and the draft agenda of any due."""
    if forum is None or recurrence.current_rhythm(forum) is not None:
        return 0
    people = _people(secretary, chair)
    if len(people) != 2:
        return 0
    now = utcnow()
    rhythm = recurrence.set_rhythm(forum, people[0], details.__class__(
        **{**details.__dict__, "chair_id": people[1].id}), now=now)
    meetings = db.session.scalars(select(Meeting).where(Meeting.rhythm_id == rhythm.id)).all()
    for meeting in meetings:
        if recurrence.agenda_due(meeting, now):
            recurrence.build_due_agenda(meeting, now)
    return len(meetings)


def _planned_meeting(forum: Forum, secretary, chair, starts_at, ends_at, *,
                     created_at) -> Meeting:
    """A meeting at the forum's place, set up by its secretary, with its draft agenda."""
    meeting = Meeting(
        forum_id=forum.id, starts_at=starts_at, ends_at=ends_at, place=forum.place,
        chair_id=chair.id, created_by_id=secretary.id, created_at=created_at, status="planned",
    )
    meeting.forum = forum
    db.session.add(meeting)
    db.session.flush()
    agenda_builder.build_agenda(meeting, now=meeting.starts_at)
    return meeting


def _central_meeting(forum: Forum) -> None:
    now = utcnow()
    day = _working_day_back(workdays.london_date(now) - timedelta(days=7))
    secretary, chair = _people("joanne.kilner@dcst.example", "katherine.ward@dcst.example")
    meeting = _planned_meeting(forum, secretary, chair, _at(day, 10), _at(day, 12),
                               created_at=now - timedelta(days=21))
    services.add_topic(meeting, secretary, "Minutes of the last meeting and matters arising")
    confidentiality = db.session.scalar(
        select(Item).where(Item.title.like("Confidentiality agreement for multi-agency%"))
    )
    if confidentiality is not None and not services.agenda_has(meeting.id, confidentiality.id):
        services.add_item(meeting, secretary, str(confidentiality.id))
    services.add_topic(meeting, secretary, "Local area sponsors: what we have unblocked this month")

    present = _people(
        "katherine.ward@dcst.example", "simon.adeyemi@dmbc.example", "andrew.kirkby@syp.example",
        "helen.ackroyd@dcst.example", "nadia.rahman@dmbc.example", "joanne.kilner@dcst.example",
        "fiona.marsh@schools-partnership.example",
    )
    apologies = _people("bernadette.quinn@dbth.example", "owen.pritchard@rdash.example")
    for person in present:
        meeting.attendance.append(_attend(person, "present"))
    for person in apologies:
        meeting.attendance.append(_attend(person, "apologies"))
    attendance.add_guest(meeting, secretary, name="Maureen Clarke",
                       role="Community member, Denaby Neighbourhood Action Group")
    agenda = sorted(meeting.agenda, key=lambda a: a.position)
    nadia = _people("nadia.rahman@dmbc.example")
    if nadia:
        attendance.declare_conflict(
            meeting, secretary, person=f"user:{nadia[0].id}",
            declaration="Trustee of a Hexthorpe community fund that could receive seed funding.",
        )
    for entry in agenda:
        if entry.kind == "topic" and entry.title.startswith("Minutes"):
            services.save_notes(meeting, secretary, entry,
                                "The minutes of the previous meeting were agreed as a true record.")
        elif entry.item is not None and entry.item.title.startswith("Confidentiality"):
            services.save_notes(
                meeting, secretary, entry,
                "The agreement is now signed by all four legal teams. The forum thanked the "
                "Hexthorpe practitioners for keeping it on the agenda.",
            )
            owner = _people("helen.ackroyd@dcst.example")[0]
            services.add_action(
                meeting, secretary, entry,
                what="Write a one-page guide to the signed confidentiality agreement for practitioners",
                owner_id=owner.id, sponsor_id=None, area_slug=entry.item.area.slug,
                due_on=workdays.add_working_days(day, 15), now=meeting.starts_at,
            )
        elif entry.item is not None:
            services.save_notes(meeting, secretary, entry,
                                "Discussed; the executive sponsor will report back next time.")
    services.close_meeting(
        meeting, secretary,
        "The forum reviewed the Gold items, noted the signed confidentiality agreement and agreed "
        "one action. No decisions were needed this month.",
        now=meeting.ends_at,
    )
    services.approve_minutes(meeting, chair, now=meeting.ends_at + timedelta(days=1))


def _club_meeting(forum: Forum) -> None:
    now = utcnow()
    day = _working_day_back(workdays.london_date(now) - timedelta(days=2))
    secretary, chair = _people("jo.mitchell@denaby-cafe.example", "lorraine.hebden@denaby-cafe.example")
    meeting = _planned_meeting(forum, secretary, chair, _at(day, 9, 30), _at(day, 11),
                               created_at=now - timedelta(days=9))
    services.add_topic(meeting, secretary, "What families told us at the café this week")
    for person in _people("lorraine.hebden@denaby-cafe.example", "jo.mitchell@denaby-cafe.example",
                          "rachel.dunn@dmbc.example", "priya.shah@dcst.example",
                          "pete.kowalski@denaby-nag.example"):
        meeting.attendance.append(_attend(person, "present"))
    for person in _people("gareth.holmes@syp.example"):
        meeting.attendance.append(_attend(person, "apologies"))
    attendance.add_guest(meeting, secretary, name="Sandra Webb", role="Community member")
    for entry in meeting.agenda:
        if entry.kind == "topic":
            services.save_notes(
                meeting, secretary, entry,
                "Several parents asked for a Saturday session. The club will try one in the "
                "spring if volunteers can be found.",
            )
        elif entry.item is not None and entry.item.title.startswith("DBS checks"):
            attendance.declare_conflict(
                meeting, secretary, person=f"user:{_people('pete.kowalski@denaby-nag.example')[0].id}",
                declaration="Volunteers from the Neighbourhood Action Group would be among those checked",
                agenda_item_id=entry.id)
            services.save_notes(
                meeting, secretary, entry,
                "Still waiting on funding for the checks; the sponsor has raised it at Silver.",
            )
            # Once: on some days the agenda holds more than one "DBS checks" entry (the
            # blocker, and a sponsor action about it), and a matter is referred only once.
            if not referrals.referred_from(meeting):
                referrals.refer_to_central(
                    secretary, forum=forum, meeting=meeting, entry=entry, now=meeting.ends_at,
                    note="The club asks the central forum to agree one way for all partners to "
                         "pay for volunteers' checks, so no group waits a season for funding.")
    # The club's own counts, kept with the meeting as a file (no names: numbers only).
    attachments.attach("meeting", meeting, secretary, attachments.Upload(
        filename="conversation-club-attendance-autumn-2026.csv",
        data=(b"week,families who came,practitioners who came,volunteers\n"
              b"1,6,3,2\n2,9,4,2\n3,8,4,3\n4,11,5,3\n"),
        description="How many came each week this autumn", confirmed=True),
        now=meeting.ends_at)
    services.close_meeting(
        meeting, secretary,
        "A lively meeting: the club went through Denaby's open blockers and heard from families "
        "about weekend sessions. Draft minutes to be approved by the chair next week.",
        now=meeting.ends_at,
    )


def _attend(user: User, status: str):
    from govflow.forums.models import MeetingAttendance

    return MeetingAttendance(user_id=user.id, status=status)
