"""The list behind a dashboard figure: the same population subquery the figure counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from govflow import workdays
from govflow.metrics import populations as P
from govflow.metrics.filters import MetricFilters

# figure -> plain-English heading. Every figure lists items, but for the sponsor actions one.
FIGURES = {
    "unblocked": "Blockers unblocked",
    "open": "Open blockers",
    "reopened": "Blockers reopened after unblocking",
    "raised": "Blockers raised",
    "ideas_proposed": "Ideas proposed",
    "idea_decisions": "Ideas decided",
    "idea_milestones": "Ideas",
    "decision_times": "Ideas decided for the first time",
    "actions": "Sponsor actions",
}
FLAGS = ("overdue", "paused", "systemic")


@dataclass(frozen=True)
class FigureSpec:
    figure: str
    tier: str | None = None
    flag: str | None = None
    result: str | None = None
    reason: str | None = None
    state: str | None = None
    sponsor: int | None = None

    @classmethod
    def from_args(cls, args) -> FigureSpec | None:
        figure = args.get("figure", "")
        if figure not in FIGURES:
            return None
        sponsor = args.get("sponsor") or None
        try:
            sponsor = int(sponsor) if sponsor else None
        except ValueError:
            return None
        return cls(
            figure=figure,
            tier=args.get("tier") or None,
            flag=args.get("flag") if args.get("flag") in FLAGS else None,
            result=args.get("result") or None,
            reason=args.get("reason") or None,
            state=args.get("state") or None,
            sponsor=sponsor,
        )

    @property
    def lists(self) -> str:
        return "actions" if self.figure == "actions" else "items"

    def query_args(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v is not None}

    def heading(self) -> str:
        words = FIGURES[self.figure]
        if self.figure == "idea_decisions" and self.result:
            words = {"approved": "Ideas approved",
                     "approved_by_default": "Ideas approved by default",
                     "declined": "Ideas declined"}.get(self.result, words)
        if self.figure == "idea_milestones" and self.state:
            words = f"Ideas {self.state}"
        if self.figure == "open" and self.flag:
            words = {"overdue": "Overdue blockers", "paused": "Paused blockers",
                     "systemic": "Open systemic blockers"}[self.flag]
        if self.tier:
            words += f" at {self.tier.capitalize()}"
        return words


def ids(spec: FigureSpec, f: MetricFilters, now: datetime):
    """A select of the item ids (or sponsor action ids) behind a figure."""
    fig = spec.figure
    if fig == "unblocked":
        pop = P.unblocked(f)
        q = select(pop.c.item_id)
        return q.where(pop.c.tier == spec.tier) if spec.tier else q
    if fig == "open":
        pop = P.open_blockers(f, now)
        q = select(pop.c.item_id)
        if spec.tier:
            q = q.where(pop.c.tier == spec.tier)
        if spec.flag:
            q = q.where(getattr(pop.c, spec.flag) == 1)
        return q
    if fig == "reopened":
        return select(P.reopened(f).c.item_id)
    if fig == "raised":
        return select(P.raised_blockers(f).c.item_id)
    if fig == "ideas_proposed":
        return select(P.ideas_proposed(f).c.item_id)
    if fig == "idea_decisions":
        pop = P.idea_decisions(f)
        q = select(pop.c.item_id)
        if spec.result:
            q = q.where(pop.c.result == spec.result)
        if spec.reason:
            q = q.where(pop.c.reason == spec.reason)
        return q
    if fig == "idea_milestones":
        pop = P.idea_milestones(f)
        q = select(pop.c.item_id)
        return q.where(pop.c.state == spec.state) if spec.state else q
    if fig == "decision_times":
        return select(P.decision_times(f).c.item_id)
    if fig == "actions":
        pop = P.sponsor_actions(f, workdays.london_date(now))
        q = select(pop.c.action_id)
        if spec.sponsor is not None:
            q = q.where(pop.c.sponsor_id == spec.sponsor)
        if spec.result == "open_or_overdue":
            q = q.where(pop.c.result.in_(("open", "overdue")))
        elif spec.result:
            q = q.where(pop.c.result == spec.result)
        return q
    raise ValueError(fig)
