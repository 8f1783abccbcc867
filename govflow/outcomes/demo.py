"""Demo outcome indicators with figures for the last four quarters, and what families told
us (seeds/demo/outcomes.yaml). Idempotent: what is already there is left as it is."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from govflow import workdays
from govflow.clock import utcnow
from govflow.extensions import db
from govflow.text import check_texts


def load_demo_extras() -> dict:
    from govflow.accounts.models import LocalArea, User
    from govflow.items.models import Item
    from govflow.outcomes import quarters
    from govflow.outcomes.models import FamilyFeedback, Indicator, IndicatorFigure
    from govflow.outcomes.services import set_up_indicators
    from govflow.seeding import _read, rows_by

    data = _read("demo/outcomes.yaml") or {}
    now = utcnow()
    today = workdays.london_date(now)
    areas = rows_by(LocalArea, "slug")
    counts = {"indicators": 0, "family feedback": 0}
    entries = data.get("indicators", [])
    known = set(db.session.scalars(select(Indicator.slug)))
    new = [e for e in entries if e["slug"] not in known]
    counts["indicators"] = len(new)
    if new:  # indicators already there keep the baselines and targets someone may have changed
        set_up_indicators(new)
    indicators = rows_by(Indicator, "slug")
    have = set(db.session.execute(
        select(IndicatorFigure.indicator_id, IndicatorFigure.area_id, IndicatorFigure.quarter)))
    for entry in entries:
        indicator = indicators[entry["slug"]]
        for slug, spec in entry.get("areas", {}).items():
            figures = spec.get("figures", [])
            for quarter, value in zip(quarters.last_completed(today, len(figures)), figures,
                                      strict=True):
                if (indicator.id, areas[slug].id, quarter) in have:
                    continue
                db.session.add(IndicatorFigure(indicator_id=indicator.id, area_id=areas[slug].id,
                                               quarter=quarter, value=value, source="seed",
                                               entered_at=now))
    users = rows_by(User, "email")
    for entry in data.get("family_feedback", []):
        area = areas[entry["area"]]
        heard_on = workdays.london_date(now - timedelta(days=int(entry.get("days_ago", 0))))
        if db.session.scalar(select(FamilyFeedback.id).where(
                FamilyFeedback.area_id == area.id, FamilyFeedback.themes == entry["themes"])):
            continue
        quotes = "\n".join(entry.get("quotes", []))
        # Demo text goes through the same personal-data guard as what people type.
        check_texts({"themes": entry["themes"], "quotes": quotes, "session": entry["session"]},
                    {"themes": 2000, "quotes": 3000, "session": 200})
        items = db.session.scalars(
            select(Item).where(Item.title.in_(entry.get("items", [])))).all()
        db.session.add(FamilyFeedback(
            area_id=area.id, heard_on=heard_on, session=entry["session"],
            families_heard=entry["families_heard"], themes=entry["themes"], quotes=quotes,
            recorded_by_id=users[entry["recorded_by"]].id, created_at=now, items=list(items)))
        counts["family feedback"] += 1
    db.session.flush()
    return counts
