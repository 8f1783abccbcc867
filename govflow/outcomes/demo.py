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
    from govflow.items.models import Item, Tag
    from govflow.outcomes import quarters
    from govflow.outcomes.models import (
        FamilyFeedback,
        Indicator,
        IndicatorFigure,
        IndicatorTarget,
    )
    from govflow.seeding import _read

    data = _read("demo/outcomes.yaml") or {}
    now = utcnow()
    today = workdays.london_date(now)
    outcomes = {t.slug: t for t in db.session.scalars(select(Tag).where(Tag.kind == "outcome"))}
    areas = {a.slug: a for a in db.session.scalars(select(LocalArea))}
    counts = {"indicators": 0, "family feedback": 0}
    for position, entry in enumerate(data.get("indicators", []), start=1):
        if db.session.scalar(select(Indicator.id).where(Indicator.slug == entry["slug"])):
            continue
        indicator = Indicator(
            slug=entry["slug"], outcome_id=outcomes[entry["outcome"]].id, name=entry["name"],
            unit=entry["unit"], better=entry["better"], combine=entry["combine"],
            source=entry.get("source", ""), position=position)
        db.session.add(indicator)
        db.session.flush()
        for slug, spec in entry.get("areas", {}).items():
            area = areas[slug]
            db.session.add(IndicatorTarget(indicator_id=indicator.id, area_id=area.id,
                                           baseline=spec["baseline"], target=spec["target"]))
            figures = spec.get("figures", [])
            for quarter, value in zip(quarters.last_completed(today, len(figures)), figures,
                                      strict=True):
                db.session.add(IndicatorFigure(indicator_id=indicator.id, area_id=area.id,
                                               quarter=quarter, value=value, source="seed",
                                               entered_at=now))
        counts["indicators"] += 1
    users = {u.email: u for u in db.session.scalars(select(User))}
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
