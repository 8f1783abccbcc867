"""The agenda that builds itself: what reached the forum's level since its last meeting, ideas
awaiting its decision, overdue sponsor actions, and matters arising carried forward."""

from __future__ import annotations

from datetime import time, timedelta

from sqlalchemy import select

from govflow import workdays
from govflow.clock import utcnow
from govflow.extensions import db
from govflow.forums import agenda_builder, services
from govflow.forums.models import Forum, Meeting
from govflow.items import ideas
from govflow.items.services import raise_blocker
from govflow.sponsors.models import SponsorAction
from govflow.workflow import engine


def forum(slug):
    return db.session.scalar(select(Forum).where(Forum.slug == slug))


def blocker(people, title, area="denaby", to="gold", now=None):
    item = raise_blocker(people["practitioner"] if area == "denaby" else people["imran.hussain@dcst.example"],
                         title=title, description="Stuck for weeks.", area=area, now=now)
    steps = {"bronze": 0, "silver": 1, "gold": 2}[to]
    for _ in range(steps):
        engine.fire(item, "escalate", people["admin"], fields={"reason": "Needs the next tier."}, now=now)
    return item


def meeting_of(f, people, *, days_ago=0, status="planned", hour=None):
    starts = utcnow() - timedelta(days=days_ago)
    if hour is not None:
        starts = workdays._london_to_naive_utc(workdays.london_date(starts), time(hour))
    m = Meeting(forum_id=f.id, starts_at=starts, status=status, summary="Held." if status != "planned" else "",
                chair_id=f.members[0].id)
    m.forum = f
    db.session.add(m)
    db.session.flush()
    return m


def action(people, what, *, due_days, meeting=None, area="denaby", status="open"):
    from govflow.accounts.models import LocalArea

    a = db.session.scalar(select(LocalArea).where(LocalArea.slug == area))
    row = SponsorAction(area_id=a.id, sponsor_id=a.sponsors[0].id, owner_id=a.sponsors[0].id,
                        created_by_id=people["secretary"].id, what=what, status=status,
                        outcome_note="Done." if status != "open" else "",
                        due_on=workdays.london_date(utcnow()) + timedelta(days=due_days),
                        meeting_id=meeting.id if meeting else None)
    db.session.add(row)
    db.session.flush()
    return row


def test_the_central_forum_gets_gold_since_its_last_meeting_ideas_and_actions(app, people):
    central = forum("central-forum")
    long_ago = utcnow() - timedelta(days=30)
    old_gold = blocker(people, "Escalated to Gold before the last meeting", now=long_ago)
    last = meeting_of(central, people, days_ago=5, status="held")
    carried = action(people, "Carried forward from the last meeting", due_days=10, meeting=last)
    closed = action(people, "Closed at the last meeting", due_days=10, meeting=last, status="done")
    overdue = action(people, "Overdue elsewhere", due_days=-3)
    not_yet = action(people, "Due next month", due_days=30)
    new_gold = blocker(people, "Reached Gold this week")
    at_silver = blocker(people, "Only at Silver", to="silver")
    flagged = blocker(people, "Flagged for the forum at Silver", to="silver")
    flagged.flagged_for_forum_at = utcnow()
    gold_idea = ideas.propose_idea(people["practitioner"], title="Gold-sized idea",
                                   description="A big idea.", why="It helps.",
                                   outcomes=["reach-full-potential"], area="denaby", funding_asked="20000")
    small_idea = ideas.propose_idea(people["practitioner"], title="Bronze-sized idea",
                                    description="A small idea.", why="It helps.",
                                    outcomes=["reach-full-potential"], area="denaby", funding_asked="50")
    db.session.commit()

    meeting = services.schedule_meeting(central, people["secretary"], services.MeetingDetails(
        day=workdays.london_date(utcnow()) + timedelta(days=1), start=time(10), end=None, place="",
        chair_id=people["katherine.ward@dcst.example"].id))
    agenda = {(a.kind, a.item_id or a.sponsor_action_id) for a in meeting.agenda}
    assert ("matter_arising", carried.id) in agenda
    assert ("item", new_gold.id) in agenda and ("item", flagged.id) in agenda
    assert ("item", gold_idea.id) in agenda
    assert ("sponsor_action", overdue.id) in agenda
    for absent in (("item", old_gold.id), ("item", at_silver.id), ("item", small_idea.id),
                   ("matter_arising", closed.id), ("sponsor_action", not_yet.id),
                   ("sponsor_action", carried.id)):
        assert absent not in agenda, absent
    kinds = [a.kind for a in sorted(meeting.agenda, key=lambda a: a.position)]
    assert kinds.index("matter_arising") < kinds.index("item") < kinds.index("sponsor_action")

    # Added to the agenda later: only what is new, never twice.
    later = blocker(people, "Reached Gold after the agenda was built")
    assert services.refresh_agenda(meeting, people["secretary"]) == 1
    assert services.refresh_agenda(meeting, people["secretary"]) == 0
    assert any(a.item_id == later.id for a in meeting.agenda)


def test_a_local_group_gets_its_own_areas_items_only(app, people):
    club = forum("denaby-conversation-club")
    mine = blocker(people, "A Denaby blocker raised today", to="bronze")
    elsewhere = blocker(people, "A Central Central blocker", area="central-central", to="bronze")
    idea = ideas.propose_idea(people["practitioner"], title="Denaby pop-up library",
                              description="Books at the café.", why="Reading together.",
                              outcomes=["reach-full-potential"], area="denaby", funding_asked="100")
    theirs = action(people, "Denaby action overdue", due_days=-2)
    other = action(people, "Balby action overdue", due_days=-2, area="balby")
    meeting = services.schedule_meeting(club, people["jo.mitchell@denaby-cafe.example"], services.MeetingDetails(
        day=workdays.london_date(utcnow()) + timedelta(days=1), start=time(9, 30), end=None, place="",
        chair_id=people["lorraine.hebden@denaby-cafe.example"].id))
    on = {a.item_id or a.sponsor_action_id for a in meeting.agenda}
    assert {mine.id, idea.id, theirs.id} <= on
    assert elsewhere.id not in on and other.id not in on


def test_a_meeting_recorded_afterwards_does_not_pick_up_later_escalations(app, people):
    central = forum("central-forum")
    meeting = meeting_of(central, people, days_ago=1, hour=9)
    blocker(people, "Reached Gold after that meeting")
    agenda_builder.build_agenda(meeting, now=meeting.starts_at)
    assert all(a.title != "Reached Gold after that meeting" for a in meeting.agenda)
