"""Which items a person may see, and the filters every item list shares (pages, CSV, API)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Select, and_, false, or_, select, true

from govflow.accounts.models import RoleAssignment
from govflow.items.models import Item, ItemArea, Tag, item_tags

OPEN_STATES = ("bronze", "silver", "gold", "paused", "proposed", "challenged")


def _user_area_ids_subquery(user):
    return select(RoleAssignment.area_id).where(
        RoleAssignment.user_id == user.id, RoleAssignment.area_id.is_not(None)
    )


def _in_areas(area_ids):
    """Item's own area or an area added to it is in `area_ids` (a list or a subquery)."""
    extra = select(ItemArea.item_id).where(ItemArea.area_id.in_(area_ids))
    return or_(Item.area_id.in_(area_ids), Item.id.in_(extra))


def visibility_clause(user):
    """SQL twin of permissions.can_view_item: keep them in step (a test compares them)."""
    if user is None or not user.is_authenticated:
        return false()
    roles = user.roles
    if roles & {"admin", "executive", "secretary"}:
        return true()
    area_ids = list(user.area_ids)
    clauses = [Item.raised_by_id == user.id, Item.owner_id == user.id]
    if area_ids:
        clauses.append(_in_areas(area_ids))
    if "head_of_service" in roles and user.organisation_id is not None:
        clauses.append(Item.organisation_id == user.organisation_id)
    return or_(*clauses)


def visible_items(user) -> Select:
    return select(Item).where(visibility_clause(user))


@dataclass
class ItemFilters:
    kind: str | None = None
    states: list[str] = field(default_factory=list)
    tiers: list[str] = field(default_factory=list)
    areas: list[str] = field(default_factory=list)  # area slugs
    tags: list[str] = field(default_factory=list)  # tag slugs
    q: str = ""
    open_only: bool = False
    overdue_only: bool = False

    @classmethod
    def from_args(cls, args) -> ItemFilters:
        """From request.args (a MultiDict): ?kind=&state=&tier=&area=&tag=&q=&open=1."""

        def many(name):
            values = []
            for v in args.getlist(name):
                values.extend(p for p in v.split(",") if p)
            return values

        return cls(
            kind=args.get("kind") or None,
            states=many("state"),
            tiers=many("tier"),
            areas=many("area"),
            tags=many("tag"),
            q=(args.get("q") or "").strip()[:200],
            open_only=args.get("open") in ("1", "true", "yes"),
            overdue_only=args.get("overdue") in ("1", "true", "yes"),
        )


def apply_filters(query: Select, f: ItemFilters, now=None) -> Select:
    from govflow.accounts.models import LocalArea

    if f.kind:
        query = query.where(Item.kind == f.kind)
    if f.states:
        query = query.where(Item.state.in_(f.states))
    if f.tiers:
        query = query.where(Item.tier.in_(f.tiers))
    if f.areas:
        area_ids = select(LocalArea.id).where(LocalArea.slug.in_(f.areas))
        query = query.where(_in_areas(area_ids))
    if f.tags:
        tagged = (
            select(item_tags.c.item_id)
            .join(Tag, Tag.id == item_tags.c.tag_id)
            .where(Tag.slug.in_(f.tags))
        )
        query = query.where(Item.id.in_(tagged))
    if f.q:
        words = [w for w in f.q.split() if w][:8]
        query = query.where(
            and_(*(Item.title.ilike(f"%{_escape_like(w)}%", escape="\\") for w in words))
        )
    if f.open_only:
        query = query.where(Item.state.in_(OPEN_STATES))
    if f.overdue_only:
        from govflow.clock import utcnow

        query = query.where(
            Item.state.in_(OPEN_STATES), Item.state != "paused", Item.due_at < (now or utcnow())
        )
    return query


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def overdue_first(query: Select, now) -> Select:
    """Overdue open items first (earliest deadline first), then the rest by deadline."""
    from sqlalchemy import case

    overdue = case((and_(Item.due_at.is_not(None), Item.due_at < now), 0), else_=1)
    return query.order_by(overdue, Item.due_at.is_(None), Item.due_at, Item.id)


def queues_for(user) -> list[tuple[str, str, object]]:
    """(key, heading, SQL clause) for each queue this person works: the Queue page and the
    daily digest both read it.

    Bronze: open items at Bronze in the areas they facilitate or sponsor; Silver (Heads of
    Service): at Silver in their organisation or areas; Gold (executives): all at Gold."""
    queues = []
    roles = user.roles
    bronze_areas = sorted(user.facilitated_area_ids | user.sponsored_area_ids)
    if bronze_areas:
        queues.append(("bronze", "Bronze: your areas",
                       and_(Item.tier == "bronze", _in_areas(bronze_areas))))
    if "head_of_service" in roles:
        scope = []
        if user.area_ids:
            scope.append(_in_areas(sorted(user.area_ids)))
        if user.organisation_id is not None:
            scope.append(Item.organisation_id == user.organisation_id)
        if scope:
            queues.append(("silver", "Silver: your service and areas",
                           and_(Item.tier == "silver", or_(*scope))))
    if "executive" in roles:
        queues.append(("gold", "Gold: everything at Gold", Item.tier == "gold"))
    return [(k, h, and_(c, Item.state.in_(OPEN_STATES))) for k, h, c in queues]
