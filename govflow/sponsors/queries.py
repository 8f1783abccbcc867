"""Read models for area pages, the sponsor home page and sponsor action lists.

Every page here runs a fixed number of queries however many items, decisions or actions an
area has: related rows are loaded with joins or one IN query, never one query per row.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, bindparam, exists, func, or_, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from govflow import workdays
from govflow.accounts.models import TIERS, LocalArea, RoleAssignment, User
from govflow.clock import utcnow
from govflow.decisions.models import Decision
from govflow.extensions import db
from govflow.items import tallies
from govflow.items.models import Item, ItemArea
from govflow.items.queries import OPEN_STATES, _in_areas, overdue_first, visibility_clause
from govflow.permissions import item_visible_clause
from govflow.sponsors.models import SponsorAction, SponsorActionEvent
from govflow.workflow import vocabulary

IDEA_AWAITING = vocabulary.waiting_states("idea")
BLOCKER_OPEN = vocabulary.waiting_states("blocker")
RECENT_DECISIONS = 10


def stuck_after_working_days() -> int:
    from govflow.workflow.definition import load

    return int(load("blocker").settings.get("stuck_after_working_days", 5))


def reminder_working_days() -> int:
    from flask import current_app

    return int(current_app.config.get("ACTION_REMINDER_WORKING_DAYS", 2))


def stuck_cutoff(now: datetime, n: int) -> datetime:
    """Naive UTC moment before which an item's last event makes it "stuck".

    Stuck means at least n working days (by London date) have passed since the last event:
    find the latest London date L with working_days_between(L, today) >= n, and take the
    London midnight that ends it.
    """
    today = workdays.london_date(now)
    d = today
    while workdays.working_days_between(d, today) < n:
        d -= timedelta(days=1)
    local_midnight = datetime.combine(d + timedelta(days=1), time(0), tzinfo=workdays.LONDON)
    return local_midnight.astimezone(workdays.UTC).replace(tzinfo=None)


def _item_row(item: Item, now: datetime) -> Item:
    """Attach what an item card shows: the deadline in words, and whether it has passed."""
    if item.state == "paused" and item.pause_ends_at is not None:
        item.due_text = "Paused: the clock restarts " + (
            "now (the pause has run its course)" if item.pause_ends_at < now
            else f"on {workdays.format_date(item.pause_ends_at)}"
        )
        item.is_overdue = item.pause_ends_at < now
    elif item.due_at is not None and item.state in OPEN_STATES:
        item.due_text = workdays.due_text(item.due_at, now)
        item.is_overdue = item.due_at < now
    else:
        item.due_text = ""
        item.is_overdue = False
    return item


# --------------------------------------------------------------------------- area pages


@dataclass
class AreaSummary:
    area: LocalArea
    sponsors: list[User]
    facilitators: list[User]
    open_blockers: int
    open_ideas: int
    open_actions: int
    overdue_actions: int


def people_by_area(area_ids) -> dict[int, dict[str, list[User]]]:
    """area id → {"sponsor": [...], "facilitator": [...]} (active people), in one query."""
    rows = db.session.execute(
        select(RoleAssignment.area_id, RoleAssignment.role, User)
        .join(User, User.id == RoleAssignment.user_id)
        .where(
            RoleAssignment.role.in_(("sponsor", "facilitator")),
            RoleAssignment.area_id.in_(list(area_ids)),
            User.active.is_(True),
        )
        .order_by(User.display_name)
    ).all()
    out: dict[int, dict[str, list[User]]] = {
        a: {"sponsor": [], "facilitator": []} for a in area_ids
    }
    for area_id, role, user in rows:
        out[area_id][role].append(user)
    return out


def area_summaries(now: datetime | None = None, areas=None, user=None) -> list[AreaSummary]:
    """Every active area with its people and counts (five queries in all). With `user`, the
    item counts leave out the restricted items that person may not see (the CLI, with no
    person, counts everything)."""
    now = now or utcnow()
    today = workdays.london_date(now)
    if areas is None:
        areas = db.session.scalars(
            select(LocalArea).where(LocalArea.active.is_(True)).order_by(LocalArea.name)
        ).all()
    ids = [a.id for a in areas]
    people = people_by_area(ids)
    item_counts = tallies.open_items_by_area(ids)
    if user is not None:
        for key, n in _hidden_open_by_area(user, ids).items():
            item_counts[key] = item_counts.get(key, 0) - n
    action_counts = dict(
        db.session.execute(
            select(SponsorAction.area_id, func.count())
            .where(SponsorAction.status == "open", SponsorAction.area_id.in_(ids),
                   *([item_visible_clause(user, SponsorAction.item_id)] if user else []))
            .group_by(SponsorAction.area_id)
        ).all()
    )
    overdue_counts = dict(
        db.session.execute(
            select(SponsorAction.area_id, func.count())
            .where(SponsorAction.status == "open", SponsorAction.area_id.in_(ids),
                   SponsorAction.due_on < today,
                   *([item_visible_clause(user, SponsorAction.item_id)] if user else []))
            .group_by(SponsorAction.area_id)
        ).all()
    )
    return [
        AreaSummary(
            area=a,
            sponsors=people[a.id]["sponsor"],
            facilitators=people[a.id]["facilitator"],
            open_blockers=item_counts.get((a.id, "blocker"), 0),
            open_ideas=item_counts.get((a.id, "idea"), 0),
            open_actions=action_counts.get(a.id, 0),
            overdue_actions=overdue_counts.get(a.id, 0),
        )
        for a in areas
    ]


def _hidden_open_by_area(user, area_ids) -> dict[tuple[int, str], int]:
    """(area, kind) -> how many open restricted items there this person may not see."""
    from govflow.permissions import hidden_items

    hidden = hidden_items(user).where(Item.state.in_(OPEN_STATES))
    own = select(Item.area_id.label("area_id"), Item.kind.label("kind"), Item.id.label("id")) \
        .where(Item.id.in_(hidden), Item.area_id.in_(area_ids))
    added = (select(ItemArea.area_id.label("area_id"), Item.kind.label("kind"),
                    Item.id.label("id"))
             .join(Item, Item.id == ItemArea.item_id)
             .where(Item.id.in_(hidden), ItemArea.area_id.in_(area_ids)))
    both = own.union(added).subquery()
    return {(r.area_id, r.kind): r.n for r in db.session.execute(
        select(both.c.area_id, both.c.kind, func.count().label("n"))
        .group_by(both.c.area_id, both.c.kind))}


@dataclass
class AreaPage:
    area: LocalArea
    sponsors: list[User]
    facilitators: list[User]
    blocker_counts: dict[str, int]  # tier → open blockers at that tier (everyone's)
    blockers_by_tier: dict[str, list[Item]]  # tier → the ones this person may see
    hidden_blockers: int
    ideas_awaiting: list[Item]
    ideas_awaiting_count: int
    decisions: list[Decision]
    open_actions: list[SponsorAction]
    overdue_action_ids: set[int]
    next_meeting: object | None
    local_forum: object | None
    stuck: list[Item] | None  # None: not shown to this person
    stuck_days: int
    visible_item_ids: set[int] = field(default_factory=set)
    today: date | None = None


def area_page(area: LocalArea, user, now: datetime | None = None,
              limit: int | None = None) -> AreaPage:
    """Everything an area's page shows; deadline wording is worked out only for the first
    `limit` rows of each list, the ones the page shows."""
    now = now or utcnow()
    today = workdays.london_date(now)
    people = people_by_area([area.id])[area.id]
    in_area = _in_areas([area.id])
    visible = visibility_clause(user)
    items = _open_items_in(in_area, visible, now)
    decisions = _recent_decisions_in(in_area, visible)
    action_rows = _open_actions_in(area, visible)
    # An action about a restricted item this person may not see is left out with it.
    actions = [a for a, may_see in action_rows if a.item_id is None or may_see]
    items.visible_ids |= {a.item_id for a, may_see in action_rows if a.item_id and may_see}
    local_forum, next_meeting = _local_forum_of(area, now)
    stuck_days = stuck_after_working_days()
    stuck = _stuck_in(area, user, items.rows, now, stuck_days, limit)
    for shown in (*items.blockers_by_tier.values(), items.ideas, stuck or []):
        for item in shown[:limit]:
            _item_row(item, now)

    return AreaPage(
        area=area,
        sponsors=people["sponsor"],
        facilitators=people["facilitator"],
        blocker_counts=items.blocker_counts,
        blockers_by_tier=items.blockers_by_tier,
        hidden_blockers=0,  # a restricted item this person may not see is not counted
        ideas_awaiting=items.ideas,
        ideas_awaiting_count=items.ideas_count,
        decisions=decisions,
        open_actions=actions,
        overdue_action_ids={a.id for a in actions if a.due_on < today},
        next_meeting=next_meeting,
        local_forum=local_forum,
        stuck=stuck,
        stuck_days=stuck_days,
        visible_item_ids=items.visible_ids,
        today=today,
    )


@dataclass
class _OpenItems:
    """The area's open items the person may see, overdue first, counted by tier."""

    rows: list  # (item, may_see), overdue first
    blocker_counts: dict[str, int]
    blockers_by_tier: dict[str, list[Item]]
    ideas: list[Item] = field(default_factory=list)
    ideas_count: int = 0
    visible_ids: set[int] = field(default_factory=set)


def _open_items_in(in_area, visible, now: datetime) -> _OpenItems:
    """Every open item in the area, with whether this person may see it: one query."""
    rows = db.session.execute(
        overdue_first(
            select(Item, visible.label("visible"))
            .where(in_area, Item.state.in_(OPEN_STATES)),
            now,
        )
    ).all()
    out = _OpenItems(rows, dict.fromkeys(TIERS, 0), {t: [] for t in TIERS})
    for item, may_see in rows:
        if not may_see:
            # A restricted item this person may not see: absent, not even counted.
            continue
        out.visible_ids.add(item.id)
        if item.kind == "blocker":
            out.blocker_counts[item.tier] += 1
            out.blockers_by_tier[item.tier].append(item)
        elif item.state in IDEA_AWAITING:
            out.ideas_count += 1
            out.ideas.append(item)
    return out


def _recent_decisions_in(in_area, visible) -> list[Decision]:
    return db.session.scalars(
        select(Decision)
        .join(Decision.item)
        .options(contains_eager(Decision.item), joinedload(Decision.decided_by),
                 selectinload(Decision.event))  # "as deputy for …", kept on the event
        .where(in_area, visible)
        .order_by(Decision.decided_at.desc(), Decision.id.desc())
        .limit(RECENT_DECISIONS)
    ).unique().all()


def _open_actions_in(area: LocalArea, visible) -> list:
    """(action, item visible) for the area's open actions: the linked item comes in the same
    query, with whether this person may see its title."""
    return db.session.execute(
        select(SponsorAction, visible.label("item_visible"))
        .outerjoin(Item, Item.id == SponsorAction.item_id)
        .options(
            joinedload(SponsorAction.owner),
            joinedload(SponsorAction.sponsor),
            contains_eager(SponsorAction.item),
        )
        .where(SponsorAction.area_id == area.id, SponsorAction.status == "open")
        .order_by(SponsorAction.due_on, SponsorAction.id)
    ).unique().all()


def _local_forum_of(area: LocalArea, now: datetime) -> tuple:
    """The area's local governance group, and its next planned meeting."""
    from govflow.forums.models import Forum, Meeting

    local_forum = db.session.scalar(
        select(Forum).where(Forum.kind == "local", Forum.area_id == area.id,
                            Forum.active.is_(True)).order_by(Forum.id).limit(1)
    )
    next_meeting = db.session.scalar(
        select(Meeting)
        .join(Meeting.forum)
        .options(contains_eager(Meeting.forum))
        .where(Forum.kind == "local", Forum.area_id == area.id, Meeting.status == "planned",
               Meeting.starts_at >= now, Meeting.cancelled_at.is_(None))
        .order_by(Meeting.starts_at)
        .limit(1)
    )
    return local_forum, next_meeting


def _stuck_in(area: LocalArea, user, rows, now: datetime, stuck_days: int,
              limit: int | None) -> list[Item] | None:
    """Open items nothing has happened to for a while, quietest first (None: not shown to
    this person)."""
    from govflow.permissions import can

    if not can(user, "area.stuck", area):
        return None
    cutoff = stuck_cutoff(now, stuck_days)
    stuck = [item for item, may_see in rows if may_see and item.last_event_at < cutoff]
    stuck.sort(key=lambda i: i.last_event_at)
    for item in stuck[:limit]:
        item.quiet_text = _quiet_text(item.last_event_at, now)
    return stuck


def _quiet_text(last: datetime, now: datetime) -> str:
    n = workdays.working_days_between(workdays.london_date(last), workdays.london_date(now))
    return f"Nothing has happened for {n} working day{'s' if n != 1 else ''}"


# --------------------------------------------------------------------------- sponsor home


@dataclass
class SponsorHome:
    areas: list[LocalArea]
    late_items: list[Item]  # overdue, or paused past the cap
    ideas_awaiting: list[Item]
    actions_due: list[SponsorAction]
    overdue_action_ids: set[int]
    window_days: int
    today: date


def sponsor_home(user, now: datetime | None = None, limit: int | None = None) -> SponsorHome:
    """What needs this sponsor now, in order: late items, ideas to decide, their actions due."""
    now = now or utcnow()
    today = workdays.london_date(now)
    area_ids = sorted(user.sponsored_area_ids)
    areas = db.session.scalars(
        select(LocalArea).where(LocalArea.id.in_(area_ids)).order_by(LocalArea.name)
    ).all()
    in_areas = _in_areas(area_ids) if area_ids else Item.id.is_(None)

    deadline = func.coalesce(Item.pause_ends_at, Item.due_at)
    late = db.session.scalars(
        select(Item)
        .options(joinedload(Item.area))
        .where(
            in_areas,
            or_(
                and_(Item.state.in_(vocabulary.clock_states()), Item.due_at < now),
                and_(Item.state == "paused", Item.pause_ends_at < now),
            ),
        )
        .order_by(deadline, Item.id)
    ).all()
    late_ids = {i.id for i in late}
    ideas = db.session.scalars(
        select(Item)
        .options(joinedload(Item.area))
        .where(in_areas, Item.kind == "idea", Item.state.in_(IDEA_AWAITING),
               Item.id.not_in(late_ids) if late_ids else Item.id.is_not(None))
        .order_by(Item.due_at.is_(None), Item.due_at, Item.id)
    ).all()
    window = reminder_working_days()
    horizon = workdays.add_working_days(today, window)
    actions = db.session.scalars(
        select(SponsorAction)
        .options(joinedload(SponsorAction.area), joinedload(SponsorAction.item))
        .where(SponsorAction.owner_id == user.id, SponsorAction.status == "open",
               SponsorAction.due_on <= horizon,
               item_visible_clause(user, SponsorAction.item_id))
        .order_by(SponsorAction.due_on, SponsorAction.id)
    ).unique().all()
    for item in [*late[:limit], *ideas[:limit]]:
        _item_row(item, now)
    return SponsorHome(
        areas=list(areas),
        late_items=list(late),
        ideas_awaiting=list(ideas),
        actions_due=list(actions),
        overdue_action_ids={a.id for a in actions if a.due_on < today},
        window_days=window,
        today=today,
    )


# --------------------------------------------------------------------------- action lists


@dataclass
class ActionFilters:
    area: str = ""
    status: str = ""
    owner: str = ""  # "me" or a person's email
    overdue: bool = False

    @classmethod
    def from_args(cls, args) -> ActionFilters:
        status = (args.get("status") or "").strip().lower()
        return cls(
            area=(args.get("area") or "").strip()[:80],
            status=status if status in ("open", "done", "dropped") else "",
            owner=(args.get("owner") or "").strip().lower()[:320],
            overdue=(args.get("overdue") or "") in ("1", "true", "yes"),
        )

    def as_args(self) -> dict:
        out = {}
        if self.area:
            out["area"] = self.area
        if self.status:
            out["status"] = self.status
        if self.owner:
            out["owner"] = self.owner
        if self.overdue:
            out["overdue"] = "1"
        return out


def actions_query(f: ActionFilters, user, now: datetime | None = None):
    today = workdays.london_date(now or utcnow())
    q = select(SponsorAction).options(
        joinedload(SponsorAction.area),
        joinedload(SponsorAction.owner),
        joinedload(SponsorAction.sponsor),
        joinedload(SponsorAction.item),
    ).where(item_visible_clause(user, SponsorAction.item_id))
    if f.area:
        q = q.where(SponsorAction.area_id.in_(select(LocalArea.id).where(LocalArea.slug == f.area)))
    if f.status:
        q = q.where(SponsorAction.status == f.status)
    if f.owner == "me":
        q = q.where(SponsorAction.owner_id == user.id)
    elif f.owner:
        q = q.where(SponsorAction.owner_id.in_(
            select(User.id).where(func.lower(User.email) == f.owner)
        ))
    if f.overdue:
        q = q.where(SponsorAction.status == "open", SponsorAction.due_on < today)
    # Open ones first, soonest due first; then the closed ones, most recently closed first.
    return q.order_by(
        (SponsorAction.status != "open"),
        SponsorAction.due_on,
        SponsorAction.id,
    )


def visible_item_ids(user, item_ids) -> set[int]:
    """Which of these items this person may see (one query), to show linked item titles."""
    item_ids = {i for i in item_ids if i}
    if not item_ids:
        return set()
    return set(db.session.scalars(
        select(Item.id).where(Item.id.in_(item_ids), visibility_clause(user))
    ).all())


def page_of_actions(query, page: int, per_page: int) -> tuple[list[SponsorAction], int]:
    """One page of the actions a query selects, and how many it selects in all."""
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)).unique().all()
    return list(rows), total


def active_areas() -> list[LocalArea]:
    return list(db.session.scalars(
        select(LocalArea).where(LocalArea.active.is_(True)).order_by(LocalArea.name)
    ))


def item_page_has(item_id, _user_id) -> dict:
    """For the item page's one statement of what it has (items.queries.item_page_has)."""
    return {"sponsor_actions": exists().where(SponsorAction.item_id == item_id)}


def actions_for_item(item_id: int, *, has_some: bool | None = None) -> list[SponsorAction]:
    """The sponsor actions linked to an item, oldest first, with their people and histories.
    `has_some`: whether there are any, when the caller already knows."""
    # Most items have none: a bare look at the index answers for them, without the cost of
    # setting up the loading of actions with their people and histories (a tenth of the page).
    if has_some is None:
        has_some = db.session.execute(_any_action_statement(),
                                      {"item_id": item_id}).first() is not None
    if not has_some:
        return []
    return list(db.session.scalars(
        select(SponsorAction)
        .options(joinedload(SponsorAction.area), joinedload(SponsorAction.owner),
                 joinedload(SponsorAction.sponsor),
                 selectinload(SponsorAction.history).joinedload(SponsorActionEvent.actor))
        .where(SponsorAction.item_id == item_id)
        .order_by(SponsorAction.created_at, SponsorAction.id)
    ).unique())


@functools.cache
def _any_action_statement():
    """Built once per process (every item page runs it): one linked action's id, if any."""
    return select(SponsorAction.id).where(SponsorAction.item_id == bindparam("item_id")).limit(1)
