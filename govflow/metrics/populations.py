"""The sets of items (and sponsor actions) behind each dashboard figure, as SQL subqueries.

Each function returns a subquery with an `item_id` (or `action_id`) column and the columns a
figure is broken down by. The counts on the dashboard group these subqueries; the list behind
a figure selects from the same subquery, so a figure and its list always agree.

Events are the source of truth for what happened: a blocker's unblocking tier is its unblock
event's `from_tier`, a reopening is a `reopen` event. Working days come from the
working_days calendar: number(end day) − number(start day), the same count as
govflow.workdays.working_days_between.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import and_, case, exists, func, or_, select, union
from sqlalchemy.orm import aliased

from govflow.accounts.models import LocalArea, Organisation, User
from govflow.decisions.models import Decision
from govflow.items.models import Event, Item, ItemArea, Tag, item_tags
from govflow.metrics.filters import MetricFilters
from govflow.metrics.models import WorkingDay
from govflow.sponsors.models import SponsorAction
from govflow.workflow import vocabulary

OPEN_BLOCKER_STATES = vocabulary.waiting_states("blocker")
IDEA_DECISION_OUTCOMES = ("approved", "declined")


def _area_ids(f: MetricFilters):
    return select(LocalArea.id).where(LocalArea.slug.in_(f.areas))


def item_clauses(f: MetricFilters, kind: str) -> list:
    """Area, organisation and tag filters on Item (area: its own or one added to it).

    Restricted items are left out of the partnership's figures for everyone: the figures
    are the same for every reader (and cached once), and a restricted item must not show
    in the counts or drill-downs of people who may not see it."""
    clauses = [Item.kind == kind, Item.restricted.is_(False)]
    if f.areas:
        ids = _area_ids(f)
        extra = select(ItemArea.item_id).where(ItemArea.area_id.in_(ids))
        clauses.append(or_(Item.area_id.in_(ids), Item.id.in_(extra)))
    if f.organisation:
        org = select(Organisation.id).where(Organisation.slug == f.organisation)
        clauses.append(Item.organisation_id.in_(org))
    if f.tag:
        tagged = (
            select(item_tags.c.item_id)
            .join(Tag, Tag.id == item_tags.c.tag_id)
            .where(Tag.slug == f.tag)
        )
        clauses.append(Item.id.in_(tagged))
    return clauses


def in_period(column, f: MetricFilters) -> list:
    clauses = []
    if f.start is not None:
        clauses.append(column >= f.start)
    if f.end is not None:
        clauses.append(column < f.end)
    return clauses


def day_of(column):
    """The London date (calendar key) of a naive UTC datetime column.

    One index probe per row: the last calendar day starting at or before the moment. A
    range join (starts_at <= at < ends_at) reads half the calendar per row on PostgreSQL,
    because only one side of the range can use the index.
    """
    cal = aliased(WorkingDay, name="cal")
    return (
        select(cal.day).where(cal.starts_at <= column)
        .order_by(cal.starts_at.desc()).limit(1).scalar_subquery()
    )


def area_links(f: MetricFilters):
    """(item_id, area_id) for every area an item affects: its own and those added to it.

    With an area filter, only the chosen areas' rows, so a breakdown by area shows them alone.
    """
    own = select(Item.id.label("item_id"), Item.area_id.label("area_id"))
    added = select(ItemArea.item_id.label("item_id"), ItemArea.area_id.label("area_id"))
    if f.areas:
        ids = _area_ids(f)
        own = own.where(Item.area_id.in_(ids))
        added = added.where(ItemArea.area_id.in_(ids))
    return union(own, added).subquery("area_links")


# ---------------------------------------------------------------- blockers


def unblocked(f: MetricFilters):
    """Blockers unblocked in the period, once each, at the tier of their last unblocking then.

    Columns: item_id, tier, month (of the unblocking, London), days (working days from
    raising to that unblocking).
    """
    last = (
        select(Event.item_id, func.max(Event.id).label("event_id"))
        .join(Item, Item.id == Event.item_id)
        .where(Event.to_state == "unblocked", *item_clauses(f, "blocker"),
               *in_period(Event.at, f))
        .group_by(Event.item_id)
        .subquery("last_unblock")
    )
    unblock = aliased(Event, name="unblock")
    dated = (
        select(
            unblock.item_id.label("item_id"),
            unblock.from_tier.label("tier"),
            day_of(Item.created_at).label("raised_on"),
            day_of(unblock.at).label("done_on"),
        )
        .join(last, last.c.event_id == unblock.id)
        .join(Item, Item.id == unblock.item_id)
        .subquery("unblock_dates")
    )
    return _working_days_taken(dated, "unblocked", with_month=True)


def _working_days_taken(dated, name: str, *, with_month: bool = False):
    """`dated`'s rows (raised_on and done_on London dates, and other columns) with the
    working days from the one to the other, and the month of done_on if asked, in place of
    the two dates."""
    raised_day = aliased(WorkingDay, name="raised_day")
    done_day = aliased(WorkingDay, name="done_day")
    kept = [c for c in dated.c if c.name not in ("raised_on", "done_on")]
    month = [done_day.month.label("month")] if with_month else []
    return (
        select(*kept, *month, (done_day.number - raised_day.number).label("days"))
        .join(raised_day, raised_day.day == dated.c.raised_on)
        .join(done_day, done_day.day == dated.c.done_on)
        .subquery(name)
    )


def open_blockers(f: MetricFilters, now: datetime):
    """Blockers open now (the period does not apply): tier, overdue, paused, systemic."""
    overdue = and_(Item.state != "paused", Item.due_at.is_not(None), Item.due_at < now)
    return (
        select(
            Item.id.label("item_id"),
            Item.tier.label("tier"),
            case((overdue, 1), else_=0).label("overdue"),
            case((Item.state == "paused", 1), else_=0).label("paused"),
            case((Item.systemic, 1), else_=0).label("systemic"),
        )
        .where(Item.state.in_(OPEN_BLOCKER_STATES), *item_clauses(f, "blocker"))
        .subquery("open_blockers")
    )


def reopened(f: MetricFilters):
    """Blockers reopened in the period after being unblocked (or closed), once each."""
    return (
        select(Event.item_id.label("item_id"))
        .join(Item, Item.id == Event.item_id)
        .where(Event.trigger == "reopen", *item_clauses(f, "blocker"), *in_period(Event.at, f))
        .group_by(Event.item_id)
        .subquery("reopened")
    )


def raised_blockers(f: MetricFilters):
    """Blockers raised in the period (for the recurring themes)."""
    return (
        select(Item.id.label("item_id"))
        .where(*item_clauses(f, "blocker"), *in_period(Item.created_at, f))
        .subquery("raised_blockers")
    )


# ---------------------------------------------------------------- ideas


def ideas_proposed(f: MetricFilters):
    return (
        select(Item.id.label("item_id"))
        .where(*item_clauses(f, "idea"), *in_period(Item.created_at, f))
        .subquery("ideas_proposed")
    )


def _current_decisions():
    """Decisions not superseded by a correction."""
    later = aliased(Decision, name="correction")
    return ~exists(select(later.id).where(later.supersedes_id == Decision.id))


def idea_decisions(f: MetricFilters):
    """Ideas with an approve or decline decision in the period, one row per (idea, result).

    Columns: item_id, result (approved / approved_by_default / declined), reason (the
    decline's reason category, else '').
    """
    result = case(
        (and_(Decision.outcome == "approved", Decision.by_default), "approved_by_default"),
        else_=Decision.outcome,
    )
    return (
        select(
            Decision.item_id.label("item_id"),
            result.label("result"),
            func.coalesce(Decision.reason_category, "").label("reason"),
        )
        .join(Item, Item.id == Decision.item_id)
        .where(Decision.outcome.in_(IDEA_DECISION_OUTCOMES), _current_decisions(),
               *item_clauses(f, "idea"), *in_period(Decision.decided_at, f))
        .distinct()
        .subquery("idea_decisions")
    )


IDEA_MILESTONES = ("challenged", "adopted", "stopped")


def idea_milestones(f: MetricFilters):
    """Ideas that were challenged, adopted or stopped in the period (from their events)."""
    return (
        select(Event.item_id.label("item_id"), Event.to_state.label("state"),
               func.max(Event.at).label("at"))
        .join(Item, Item.id == Event.item_id)
        .where(Event.to_state.in_(IDEA_MILESTONES), *item_clauses(f, "idea"),
               *in_period(Event.at, f))
        .group_by(Event.item_id, Event.to_state)
        .subquery("idea_milestones")
    )


def decision_times(f: MetricFilters):
    """Ideas whose first approve/decline decision fell in the period, with the working days
    from proposing to that decision."""
    first = (
        select(Decision.item_id, func.min(Decision.id).label("decision_id"))
        .join(Item, Item.id == Decision.item_id)
        .where(Decision.outcome.in_(IDEA_DECISION_OUTCOMES), *item_clauses(f, "idea"))
        .group_by(Decision.item_id)
        .subquery("first_decision")
    )
    dated = (
        select(Decision.item_id, day_of(Item.created_at).label("raised_on"),
               day_of(Decision.decided_at).label("done_on"))
        .join(first, first.c.decision_id == Decision.id)
        .join(Item, Item.id == Decision.item_id)
        .where(*in_period(Decision.decided_at, f))
        .subquery("decision_dates")
    )
    return _working_days_taken(dated, "decision_times")


# ---------------------------------------------------------------- sponsor actions

ACTION_RESULTS = ("open", "overdue", "done_on_time", "done_late", "dropped")


def sponsor_actions(f: MetricFilters, today: date):
    """Sponsor actions falling due in the period (area and organisation filters apply; the
    organisation is the sponsor's). Columns: action_id, sponsor_id, area_id, result."""
    due_day = aliased(WorkingDay, name="due_day")
    result = case(
        (and_(SponsorAction.status == "open", SponsorAction.due_on < today), "overdue"),
        (SponsorAction.status == "open", "open"),
        (and_(SponsorAction.status == "done", SponsorAction.completed_at.is_not(None),
              SponsorAction.completed_at < due_day.ends_at), "done_on_time"),
        (SponsorAction.status == "done", "done_late"),
        else_="dropped",
    )
    query = (
        select(
            SponsorAction.id.label("action_id"),
            SponsorAction.sponsor_id.label("sponsor_id"),
            SponsorAction.area_id.label("area_id"),
            result.label("result"),
        )
        .outerjoin(due_day, due_day.day == SponsorAction.due_on)
    )
    if f.areas:
        query = query.where(SponsorAction.area_id.in_(_area_ids(f)))
    if f.organisation:
        org = select(Organisation.id).where(Organisation.slug == f.organisation)
        sponsors = select(User.id).where(User.organisation_id.in_(org))
        query = query.where(SponsorAction.sponsor_id.in_(sponsors))
    if f.date_from:
        query = query.where(SponsorAction.due_on >= f.date_from)
    if f.date_to:
        query = query.where(SponsorAction.due_on <= f.date_to)
    return query.subquery("sponsor_actions")
