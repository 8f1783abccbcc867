"""`govflow outcomes indicators` and `govflow outcomes import`: the same checks as the
pages, every entry or none."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from govflow import workdays
from govflow.clock import utcnow
from govflow.extensions import db
from govflow.outcomes import quarters
from govflow.outcomes.models import Indicator, IndicatorFigure, IndicatorTarget

# The quarter imported comes from the clock: replayed at awkward moments.
pytestmark = pytest.mark.clock

NEW = """
indicators:
  - slug: young-carers-known
    outcome: thriving-emotionally-well
    name: "Young carers known to a named adult"
    unit: "young carers"
    better: higher
    combine: sum
    source: "Young carers' service"
    areas:
      denaby: {baseline: 10, target: 25}
      balby: {baseline: 6, target: 15}
"""


def _count(model):
    return db.session.scalar(select(func.count(model.id)))


def test_indicators_are_set_up_from_a_yaml_file(runner, tmp_path):
    path = tmp_path / "indicators.yaml"
    path.write_text(NEW)
    out = runner.invoke(args=["outcomes", "indicators", str(path)])
    assert out.exit_code == 0, out.output
    assert out.output.strip() == "indicators added 1, indicators updated 0, targets set 2."
    indicator = db.session.scalar(select(Indicator).where(Indicator.slug == "young-carers-known"))
    assert indicator.name == "Young carers known to a named adult" and indicator.better == "higher"
    targets = db.session.scalars(select(IndicatorTarget.target)
                                 .where(IndicatorTarget.indicator_id == indicator.id)).all()
    assert sorted(targets) == [15, 25]
    again = runner.invoke(args=["outcomes", "indicators", str(path)])
    assert "indicators added 0, indicators updated 1, targets set 2." in again.output


def test_a_wrong_entry_changes_nothing(runner, tmp_path):
    before = (_count(Indicator), _count(IndicatorTarget))
    path = tmp_path / "indicators.yaml"
    path.write_text(NEW.replace("better: higher", "better: sideways")
                    .replace("balby:", "atlantis:"))
    out = runner.invoke(args=["outcomes", "indicators", str(path)])
    assert out.exit_code == 1
    assert "better must be higher or lower" in out.output
    assert "no area called 'atlantis'" in out.output
    assert (_count(Indicator), _count(IndicatorTarget)) == before


def test_figures_are_imported_as_a_facilitator_every_row_or_none(runner, tmp_path):
    q = quarters.last_completed(workdays.london_date(utcnow()), 1)[0]
    good = tmp_path / "good.csv"
    good.write_text(f"indicator,area,quarter,value\nfront-door-contacts,denaby,{q},91\n"
                    f"re-referrals,denaby,{q},18.5\n")
    out = runner.invoke(args=["outcomes", "import", str(good), "--as", "rachel.dunn@dmbc.example"])
    assert out.exit_code == 0, out.output
    assert out.output.strip() == "2 figures imported."
    before = _count(IndicatorFigure)
    bad = tmp_path / "bad.csv"
    bad.write_text(f"indicator,area,quarter,value\nfront-door-contacts,denaby,{q},90\n"
                   f"front-door-contacts,balby,{q},12\n")
    out = runner.invoke(args=["outcomes", "import", str(bad), "--as", "rachel.dunn@dmbc.example"])
    assert out.exit_code == 1
    assert "Nothing was imported: 1 row needs correcting." in out.output
    assert "line 3: You cannot enter figures for Balby: only its facilitators can" in out.output
    assert _count(IndicatorFigure) == before
    value = db.session.scalar(
        select(IndicatorFigure.value).join(Indicator)
        .where(Indicator.slug == "front-door-contacts", IndicatorFigure.quarter == q,
               IndicatorFigure.area_id == select(IndicatorFigure.area_id)
               .where(IndicatorFigure.value == 18.5).scalar_subquery()))
    assert value == 91
