"""What the outcome pages, the dashboard, the report, the API and the public page read: each
answer in a fixed number of statements, whatever the number of indicators, areas or figures."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import false, select

from govflow.accounts.models import LocalArea
from govflow.extensions import db
from govflow.items.models import Item, Tag
from govflow.outcomes import quarters
from govflow.outcomes.models import (
    FamilyFeedback,
    Indicator,
    IndicatorFigure,
    IndicatorTarget,
    family_feedback_items,
)
from govflow.permissions import visibility_clause
from govflow.workflow import vocabulary

# The ideas the public page lists: the workflow file's final, good outcome for an idea.
ADOPTED = "adopted"
assert ADOPTED in vocabulary.states("idea")


@dataclass(frozen=True)
class Point:
    quarter: str
    label: str
    value: float | None
    areas_reporting: int


@dataclass
class IndicatorTrend:
    slug: str
    name: str
    unit: str
    better: str
    source: str
    outcome: str
    outcome_slug: str
    baseline: float | None
    target: float | None
    points: list[Point] = field(default_factory=list)

    @property
    def latest(self) -> Point | None:
        known = [p for p in self.points if p.value is not None]
        return known[-1] if known else None

    @property
    def status(self) -> str:
        """Against the target, in words: 'Target met', 'Improving', 'Not improving', 'No figures yet'."""
        latest = self.latest
        if latest is None:
            return "No figures yet"
        if self.target is None or self.baseline is None:
            return "No target set"
        sign = 1 if self.better == "higher" else -1
        if sign * (latest.value - self.target) >= 0:
            return "Target met"
        if sign * (latest.value - self.baseline) > 0:
            return "Improving"
        return "Not improving"

    @property
    def better_words(self) -> str:
        return "Higher is better" if self.better == "higher" else "Lower is better"


def _combine(values: list[float], how: str) -> float | None:
    if not values:
        return None
    total = sum(values)
    return round(total if how == "sum" else total / len(values), 1)


def indicator_trends(today: date, area_id: int | None = None, shown: int = 4,
                     slug: str | None = None) -> list[IndicatorTrend]:
    """Every indicator (or one), with its baseline, target and the last `shown` completed
    quarters' figures, for one area or the whole partnership (the areas' figures added up,
    or averaged for rates). Three statements."""
    wanted = quarters.last_completed(today, shown)
    query = (select(Indicator, Tag.name, Tag.slug)
             .join(Tag, Tag.id == Indicator.outcome_id)
             .order_by(Tag.position, Indicator.position, Indicator.id))
    if slug is not None:
        query = query.where(Indicator.slug == slug)
    indicators = db.session.execute(query).all()
    ids = [i.id for i, _n, _s in indicators]
    target_q = select(IndicatorTarget).where(IndicatorTarget.indicator_id.in_(ids))
    figure_q = select(IndicatorFigure.indicator_id, IndicatorFigure.quarter,
                      IndicatorFigure.value).where(IndicatorFigure.indicator_id.in_(ids),
                                                   IndicatorFigure.quarter.in_(wanted))
    if area_id is not None:
        target_q = target_q.where(IndicatorTarget.area_id == area_id)
        figure_q = figure_q.where(IndicatorFigure.area_id == area_id)
    targets: dict[int, list[IndicatorTarget]] = {}
    for t in db.session.scalars(target_q):
        targets.setdefault(t.indicator_id, []).append(t)
    figures: dict[tuple[int, str], list[float]] = {}
    for indicator_id, quarter, value in db.session.execute(figure_q):
        figures.setdefault((indicator_id, quarter), []).append(value)
    out = []
    for indicator, outcome, outcome_slug in indicators:
        own = targets.get(indicator.id, [])
        trend = IndicatorTrend(
            indicator.slug, indicator.name, indicator.unit, indicator.better, indicator.source,
            outcome, outcome_slug,
            _combine([t.baseline for t in own], indicator.combine),
            _combine([t.target for t in own], indicator.combine))
        for q in wanted:
            values = figures.get((indicator.id, q), [])
            trend.points.append(Point(q, quarters.label(q), _combine(values, indicator.combine),
                                      len(values)))
        out.append(trend)
    return out


def indicator_options() -> list[tuple[str, str]]:
    """(slug, 'Outcome: indicator') for the figure form's list."""
    rows = db.session.execute(
        select(Indicator.slug, Indicator.name, Tag.name)
        .join(Tag, Tag.id == Indicator.outcome_id)
        .order_by(Tag.position, Indicator.position, Indicator.id)
    ).all()
    return [(slug, f"{name} ({outcome})") for slug, name, outcome in rows]


@dataclass(frozen=True)
class LinkedItem:
    id: int
    kind: str
    title: str
    state: str


@dataclass(frozen=True)
class FeedbackRow:
    id: int
    area: str
    area_slug: str
    heard_on: date
    session: str
    families_heard: int
    themes: str
    quotes: list[str]
    items: list[LinkedItem]


def family_feedback(user, *, area_id: int | None = None, since: date | None = None,
                    limit: int = 50, only_with_items: bool = False,
                    public: bool = False) -> list[FeedbackRow]:
    """What families told us, newest first, with the blockers and ideas it gave rise to that
    this person may see (`public`: unrestricted ones only). Two statements."""
    query = (select(FamilyFeedback, LocalArea.name, LocalArea.slug)
             .join(LocalArea, LocalArea.id == FamilyFeedback.area_id)
             .order_by(FamilyFeedback.heard_on.desc(), FamilyFeedback.id.desc()).limit(limit))
    if area_id is not None:
        query = query.where(FamilyFeedback.area_id == area_id)
    if since is not None:
        query = query.where(FamilyFeedback.heard_on >= since)
    if only_with_items:
        query = query.where(FamilyFeedback.id.in_(select(family_feedback_items.c.feedback_id)))
    rows = db.session.execute(query).all()
    visible = Item.restricted.is_(False) if public else visibility_clause(user)
    linked: dict[int, list[LinkedItem]] = {}
    ids = [f.id for f, _n, _s in rows]
    for fid, item_id, kind, title, state in db.session.execute(
        select(family_feedback_items.c.feedback_id, Item.id, Item.kind, Item.title, Item.state)
        .join(Item, Item.id == family_feedback_items.c.item_id)
        .where(family_feedback_items.c.feedback_id.in_(ids) if ids else false(), visible)
        .order_by(Item.id)
    ):
        linked.setdefault(fid, []).append(LinkedItem(item_id, kind, title, state))
    return [FeedbackRow(f.id, name, slug, f.heard_on, f.session, f.families_heard, f.themes,
                        f.quote_list, linked.get(f.id, []))
            for f, name, slug in rows]


def families_heard_total(since: date | None = None) -> int:
    from sqlalchemy import func

    query = select(func.coalesce(func.sum(FamilyFeedback.families_heard), 0))
    if since is not None:
        query = query.where(FamilyFeedback.heard_on >= since)
    return int(db.session.scalar(query) or 0)


@dataclass(frozen=True)
class PublicIdea:
    title: str
    area: str


def adopted_ideas_public(limit: int = 50) -> list[PublicIdea]:
    """Adopted ideas that are not restricted: title and area only (no names)."""
    rows = db.session.execute(
        select(Item.title, LocalArea.name)
        .join(LocalArea, LocalArea.id == Item.area_id)
        .where(Item.kind == "idea", Item.state == ADOPTED, Item.restricted.is_(False))
        .order_by(Item.id.desc()).limit(limit)
    ).all()
    return [PublicIdea(title, area) for title, area in rows]


def linkable_items(user, area_ids: list[int] | None, limit: int = 100) -> list[LinkedItem]:
    """Recent blockers and ideas the person may see in these areas (None: any), for the
    feedback form's list."""
    query = (select(Item.id, Item.kind, Item.title, Item.state)
             .where(visibility_clause(user)).order_by(Item.id.desc()).limit(limit))
    if area_ids is not None:
        query = query.where(Item.area_id.in_(area_ids))
    return [LinkedItem(*r) for r in db.session.execute(query)]


@dataclass(frozen=True)
class FigureRow:
    indicator: str
    area: str
    quarter: str
    value: float
    indicator_name: str
    area_name: str


def figures_for_export(area_id: int | None, limit: int = 10_000) -> list[FigureRow]:
    """Every figure (or one area's), in the import file's order of columns. One statement."""
    query = (select(Indicator.slug, LocalArea.slug, IndicatorFigure.quarter,
                    IndicatorFigure.value, Indicator.name, LocalArea.name)
             .join(Indicator, Indicator.id == IndicatorFigure.indicator_id)
             .join(LocalArea, LocalArea.id == IndicatorFigure.area_id)
             .order_by(Indicator.position, Indicator.id, LocalArea.name, IndicatorFigure.quarter)
             .limit(limit))
    if area_id is not None:
        query = query.where(IndicatorFigure.area_id == area_id)
    return [FigureRow(*r) for r in db.session.execute(query)]
