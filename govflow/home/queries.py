"""What Home shows a person, read through the access policy in a fixed number of statements
however much there is: each list is one statement for its first rows and one for its count.

Needs you now: open items in the queues they work (queue_scopes: their tier, areas and
service, and every tier in the areas they sponsor), open sponsor actions they own, and
minutes they must approve; merged and soonest deadline first. Then the items they raised
that are still open (where each is now), and their next meetings."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy import and_, exists, func, or_, select

from govflow import workdays
from govflow.clock import utcnow
from govflow.extensions import db
from govflow.follows import queries as follows
from govflow.follows.models import Follow
from govflow.forums.models import Forum, Meeting, MeetingAttendance, forum_members
from govflow.items import presenters
from govflow.items.models import Item
from govflow.items.queries import count_of, queue_scopes, soonest_cards
from govflow.permissions import item_visible_clause
from govflow.sponsors.models import SponsorAction
from govflow.workflow import vocabulary
from govflow.workflow.definition import load
from govflow.workflow.vocabulary import FINAL_STATES

SHOWN = 10  # rows of each list on Home; the count says how many there are in all
MEETINGS_SHOWN = 3


@dataclass(frozen=True)
class ToDo:
    """One line of "Needs you now": an item, a sponsor action or minutes to approve."""

    kind: str  # "item", "action" or "minutes"
    id: int  # the item's, the action's or the meeting's
    title: str
    what: str  # "Blocker 12 in Denaby", "Sponsor action 4 in Denaby", "Minutes of ..."
    due_at: datetime | None
    due_text: str
    is_overdue: bool
    card: object = None  # the item's CardRow (for its status and tier tags)


@dataclass(frozen=True)
class Covering:
    """What needs a person who is away, shown to the deputy standing in for them."""

    person: object
    ends_on: date
    todo: list[ToDo]
    todo_count: int


@dataclass
class Home:
    todo: list[ToDo]
    todo_count: int
    queue_count: int
    raised_count: int  # items they raised waiting on them (not already in their queue)
    action_count: int
    minutes_count: int
    has_queue: bool
    own: list  # CardRows of open items they raised
    own_count: int
    meetings: list[Meeting]
    followed: list  # follows.queries.Changed
    followed_count: int
    covering: list[Covering] = field(default_factory=list)


def _end_of_day(d: date) -> datetime:
    """5pm London on `d`, as naive UTC: when a sponsor action due that day falls due."""
    local = datetime.combine(d, time(17), tzinfo=workdays.LONDON)
    return local.astimezone(workdays.UTC).replace(tzinfo=None)


def _queue_clause(user):
    scopes = [scope.clause() for _key, _label, scope in queue_scopes(user)]
    return or_(*scopes) if scopes else None


def _raiser_clause(user):
    """Items this person raised that now wait on them (vocabulary.raiser_states)."""
    return and_(Item.raised_by_id == user.id, or_(*(
        and_(Item.kind == kind, Item.state.in_(vocabulary.raiser_states(kind)))
        for kind in vocabulary.KINDS)))


@functools.cache
def raiser_steps() -> dict[tuple[str, str], str]:
    """(kind, state) → the raiser's steps there, in the workflow file's words."""
    out: dict[tuple[str, str], list[str]] = {}
    for kind in vocabulary.KINDS:
        spec = load(kind)
        for state in vocabulary.raiser_states(kind):
            out[(kind, state)] = [t.label for t in spec.triggers.values()
                                  if t.name != "withdraw" and any(
                                      "raiser" in tr.roles and state in tr.sources
                                      for tr in t.transitions)]
    return {key: ", or ".join(labels) for key, labels in out.items()}


def _item_todos(clause, user, now: datetime) -> list[ToDo]:
    raw = soonest_cards(clause, SHOWN)
    steps = raiser_steps()
    out = []
    for row, r in zip(raw, presenters.card_rows(raw, now), strict=True):
        what = f"{r.kind.capitalize()} {r.id}" + (f" in {r.area.name}" if r.area else "")
        step = steps.get((r.kind, r.state)) if row.raised_by_id == user.id else None
        if step:
            what = f"{r.kind.capitalize()} {r.id}, which you raised, waits on you: {step}"
        out.append(ToDo("item", r.id, r.title, what,
                        r.due_at if r.due_at is not None else r.pause_ends_at, r.due_text,
                        r.is_overdue, r))
    return out


def _actions(user):
    return (select(SponsorAction)
            .where(SponsorAction.owner_id == user.id, SponsorAction.status == "open",
                   item_visible_clause(user, SponsorAction.item_id)))


def _action_todos(user, now: datetime) -> list[ToDo]:
    from sqlalchemy.orm import joinedload

    actions = db.session.scalars(
        _actions(user).options(joinedload(SponsorAction.area))
        .order_by(SponsorAction.due_on, SponsorAction.id).limit(SHOWN)).all()
    out = []
    for a in actions:
        due = _end_of_day(a.due_on)
        out.append(ToDo("action", a.id, a.what,
                        f"Sponsor action {a.id} in {a.area.name}", due,
                        workdays.due_text(due, now), due < now))
    return out


def _minutes(user):
    """Held meetings whose minutes this person must approve: they chair it (or are its
    named vice-chair) and did not write them (permissions.can_approve_minutes)."""
    return select(Meeting).where(
        Meeting.status == "held",
        or_(Meeting.chair_id == user.id, Meeting.vice_chair_id == user.id),
        or_(Meeting.created_by_id.is_(None), Meeting.created_by_id != user.id))


def _minutes_todos(user) -> list[ToDo]:
    from sqlalchemy.orm import joinedload

    meetings = db.session.scalars(
        _minutes(user).options(joinedload(Meeting.forum))
        .order_by(Meeting.starts_at, Meeting.id).limit(SHOWN)).all()
    return [ToDo("minutes", m.id, f"Approve the minutes of {m.forum.name}",
                 f"Meeting on {workdays.format_date(workdays.london_date(m.starts_at))}",
                 None, "", False) for m in meetings]


def _count(statement) -> int:
    return db.session.scalar(select(func.count()).select_from(
        statement.order_by(None).subquery())) or 0


def _next_meetings(user, now: datetime) -> list[Meeting]:
    """Planned meetings from now on that they chair, attend, or whose forum they belong to,
    follow or are secretary of."""
    from sqlalchemy.orm import joinedload

    member = exists().where(forum_members.c.forum_id == Meeting.forum_id,
                            forum_members.c.user_id == user.id)
    attending = exists().where(MeetingAttendance.meeting_id == Meeting.id,
                               MeetingAttendance.user_id == user.id)
    followed = Meeting.forum_id.in_(select(Follow.thing_id).where(
        Follow.user_id == user.id, Follow.thing == "forum"))
    mine = [Meeting.chair_id == user.id, Meeting.vice_chair_id == user.id, member, attending,
            followed]
    if user.secretary_forum_ids:
        mine.append(Meeting.forum_id.in_(sorted(user.secretary_forum_ids)))
    return list(db.session.scalars(
        select(Meeting).join(Forum, Forum.id == Meeting.forum_id)
        .options(joinedload(Meeting.forum))
        .where(Meeting.status == "planned", Meeting.starts_at >= now,
               Meeting.cancelled_at.is_(None), or_(*mine))
        .order_by(Meeting.starts_at, Meeting.id).limit(MEETINGS_SHOWN)))


def _covering(user, now: datetime) -> list[Covering]:
    """For each person this one stands in for today: their queue and the items they own,
    that this person may see, and their open sponsor actions."""
    from govflow.accounts.deputies import standing_in_for
    from govflow.accounts.deputy_models import london_today
    from govflow.permissions import visibility_clause

    today = london_today()
    out = []
    for absence in standing_in_for(user):
        if absence.starts_on > today:
            continue
        person = absence.user
        queue = _queue_clause(person)
        owned = and_(Item.owner_id == person.id, Item.state.not_in(FINAL_STATES))
        clause = and_(or_(queue, owned) if queue is not None else owned,
                      visibility_clause(user))
        todo = sorted([*_item_todos(clause, person, now), *_action_todos(person, now)],
                      key=lambda t: (t.due_at is None, t.due_at or datetime.max))[:SHOWN]
        count = count_of(select(Item).where(clause)) + _count(_actions(person))
        out.append(Covering(person, absence.ends_on, todo, count))
    return out


def home(user, now: datetime | None = None) -> Home:
    now = now or utcnow()
    queue = _queue_clause(user)
    raised = _raiser_clause(user)
    items = _item_todos(raised if queue is None else or_(queue, raised), user, now)
    actions = _action_todos(user, now)
    minutes = _minutes_todos(user)
    latest = datetime.max
    todo = sorted([*items, *actions, *minutes],
                  key=lambda t: (t.due_at is None, t.due_at or latest))[:SHOWN]
    queue_count = count_of(select(Item).where(queue)) if queue is not None else 0
    action_count = _count(_actions(user))
    minutes_count = _count(_minutes(user))
    own_clause = and_(Item.raised_by_id == user.id, Item.state.not_in(FINAL_STATES))
    raised_count = count_of(select(Item).where(
        raised if queue is None else and_(raised, ~queue)))
    return Home(
        todo=todo,
        todo_count=queue_count + raised_count + action_count + minutes_count,
        queue_count=queue_count,
        raised_count=raised_count,
        action_count=action_count,
        minutes_count=minutes_count,
        has_queue=queue is not None,
        own=presenters.card_rows(soonest_cards(own_clause, SHOWN), now),
        own_count=count_of(select(Item).where(own_clause)),
        meetings=_next_meetings(user, now),
        **dict(zip(("followed", "followed_count"), follows.changed(user, now), strict=True)),
        covering=_covering(user, now),
    )

