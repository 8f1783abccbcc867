"""Forums' agendas carry a standing item, "Adopted elsewhere, not yet tried here": for a local
group, the ideas other areas adopted that its area has not tried; for the central forum,
each adopted idea with how many other areas have tried it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from govflow.clock import utcnow
from govflow.extensions import db
from govflow.forums.agenda_builder import ADOPTED_ELSEWHERE, build_agenda
from govflow.forums.models import Forum, Meeting
from govflow.items.models import Item
from govflow.learning import services

CLUB = "Weekly conversation club at the Denaby community café"


def _meeting(forum_slug, people, days):
    forum = db.session.scalar(select(Forum).where(Forum.slug == forum_slug))
    starts = utcnow() + timedelta(days=days)
    meeting = Meeting(forum_id=forum.id, starts_at=starts, ends_at=starts + timedelta(hours=1),
                      place="The café", chair_id=people["admin"].id,
                      created_by_id=people["admin"].id, status="planned")
    db.session.add(meeting)
    db.session.flush()
    build_agenda(meeting)
    db.session.flush()
    return meeting


def _standing(meeting):
    return [a for a in meeting.agenda if a.kind == "topic" and a.title == ADOPTED_ELSEWHERE]


def test_a_local_group_is_shown_ideas_adopted_elsewhere_until_its_area_tries_them(people):
    hexthorpe_forum = db.session.scalar(select(Forum.slug).join(Forum.area).where(
        func.lower(Forum.kind) == "local", Forum.area.has(slug="hexthorpe")))
    [entry] = _standing(_meeting(hexthorpe_forum, people, 30))
    assert f"- {CLUB} (adopted in Denaby)" in entry.notes.splitlines()

    club = db.session.scalar(select(Item).where(Item.title == CLUB))
    services.try_in_area(people["liam.fletcher@hexthorpe-park-friends.example"], club,
                         "hexthorpe")
    later = _meeting(hexthorpe_forum, people, 37)
    assert all(CLUB not in e.notes for e in _standing(later))


def test_the_central_forum_sees_how_far_each_adopted_idea_has_spread(people):
    [entry] = _standing(_meeting("central-forum", people, 30))
    assert any(line.startswith(f"- {CLUB} (adopted in Denaby; tried in 0 of ")
               for line in entry.notes.splitlines()), entry.notes
    # Built again, the standing item is not added twice.
    meeting = db.session.scalar(select(Meeting).order_by(Meeting.id.desc()).limit(1))
    build_agenda(meeting)
    assert len(_standing(meeting)) == 1
