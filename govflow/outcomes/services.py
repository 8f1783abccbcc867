"""The outcomes use-cases: enter or import indicator figures, record what families told us,
subscribe to the weekly report, switch the public page. They flush, never commit."""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from govflow import permissions, workdays
from govflow.accounts.models import LocalArea
from govflow.clock import utcnow
from govflow.domain_errors import Forbidden, Invalid, NotFound
from govflow.extensions import db
from govflow.items.models import Item
from govflow.outcomes import quarters
from govflow.outcomes.models import (
    FamilyFeedback,
    Indicator,
    IndicatorFigure,
    Publication,
    ReportSubscription,
)
from govflow.text import check_texts

CSV_COLUMNS = ("indicator", "area", "quarter", "value")
MAX_IMPORT_ROWS = 2000
MAX_VALUE = 1e9
FEEDBACK_LIMITS = {"session": 200, "themes": 2000, "quotes": 3000}
FEEDBACK_LABELS = {"session": "Session", "themes": "Themes", "quotes": "Quotes"}
MAX_QUOTE_LENGTH = 300
MAX_FAMILIES = 100_000


class ImportRejected(Invalid):
    """A CSV with at least one bad row: nothing was imported."""

    def __init__(self, message: str, row_errors: list[RowError]):
        super().__init__(message)
        self.row_errors = row_errors


@dataclass(frozen=True)
class RowError:
    row: int  # the line in the file, counting the header as line 1
    message: str


@dataclass(frozen=True)
class FigureInput:
    indicator: Indicator
    area: LocalArea
    quarter: str
    value: float


def _value(text: str) -> float | None:
    try:
        number = float((text or "").strip().replace(",", ""))
    except ValueError:
        return None
    return number if math.isfinite(number) and abs(number) <= MAX_VALUE else None


def check_figure(user, indicator: Indicator | None, area: LocalArea | None, quarter: str,
                 value: str, today: date) -> tuple[FigureInput | None, dict[str, str]]:
    """One figure's problems, by field: the form and each CSV row ask the same questions."""
    errors: dict[str, str] = {}
    if indicator is None:
        errors["indicator"] = "Choose an indicator from the list"
    if area is None:
        errors["area"] = "Choose an area from the list"
    elif not permissions.can(user, "outcomes.enter_figures", area):
        errors["area"] = f"You cannot enter figures for {area.name}: only its facilitators can"
    if quarters.parse(quarter) is None:
        errors["quarter"] = "Enter the quarter as a year and quarter, like 2026-Q3"
    elif quarters.is_future(quarters.key(*quarters.parse(quarter)), today):
        errors["quarter"] = "The quarter must not be in the future"
    number = _value(value)
    if not (value or "").strip():
        errors["value"] = "Enter the figure"
    elif number is None:
        errors["value"] = "The figure must be a number, like 42 or 12.5"
    elif number < 0:
        errors["value"] = "The figure must be 0 or more"
    if errors:
        return None, errors
    return FigureInput(indicator, area, quarters.key(*quarters.parse(quarter)), number), {}


def _save_figure(user, figure: FigureInput, source: str, existing: dict) -> IndicatorFigure:
    row = existing.get((figure.indicator.id, figure.area.id, figure.quarter))
    if row is None:
        row = IndicatorFigure(indicator_id=figure.indicator.id, area_id=figure.area.id,
                              quarter=figure.quarter)
        db.session.add(row)
        existing[(figure.indicator.id, figure.area.id, figure.quarter)] = row
    row.value = figure.value
    row.source = source
    row.entered_by_id = user.id
    row.entered_at = utcnow()
    return row


def _existing(figures: list[FigureInput]) -> dict:
    if not figures:
        return {}
    quarters_named = {f.quarter for f in figures}
    rows = db.session.scalars(
        select(IndicatorFigure).where(IndicatorFigure.quarter.in_(quarters_named))
    ).all()
    return {(r.indicator_id, r.area_id, r.quarter): r for r in rows}


def record_figure(user, *, indicator_slug: str, area_slug: str, quarter: str,
                  value: str) -> IndicatorFigure:
    """Enter (or correct) one quarter's figure for one indicator in one area."""
    if not permissions.can(user, "outcomes.enter_figures"):
        raise Forbidden("Only facilitators and administrators enter figures.")
    indicator = db.session.scalar(select(Indicator).where(Indicator.slug == indicator_slug))
    area = db.session.scalar(select(LocalArea).where(LocalArea.slug == area_slug))
    figure, errors = check_figure(user, indicator, area, quarter, value,
                                  workdays.london_date(utcnow()))
    if errors:
        raise Invalid("Some answers could not be accepted.", field_errors=errors)
    row = _save_figure(user, figure, "form", _existing([figure]))
    db.session.flush()
    return row


def import_figures(user, text: str) -> int:
    """Import a CSV of figures (indicator, area, quarter, value): every row, or none.

    Every bad row is reported with its line number; if there is one, nothing is written."""
    if not permissions.can(user, "outcomes.enter_figures"):
        raise Forbidden("Only facilitators and administrators import figures.")
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in next(reader, [])]
    if [h for h in header if h] != list(CSV_COLUMNS):
        raise ImportRejected("The file could not be imported.", [RowError(
            1, "The first line must name the columns: indicator, area, quarter, value")])
    indicators = {i.slug: i for i in db.session.scalars(select(Indicator))}
    areas = {a.slug: a for a in db.session.scalars(select(LocalArea))}
    names = {a.name.lower(): a for a in areas.values()}
    today = workdays.london_date(utcnow())
    figures: list[FigureInput] = []
    errors: list[RowError] = []
    seen: dict[tuple, int] = {}
    for line, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(figures) + len(errors) >= MAX_IMPORT_ROWS:
            errors.append(RowError(line, f"A file can hold at most {MAX_IMPORT_ROWS:,} rows"))
            break
        if len(row) != len(CSV_COLUMNS):
            errors.append(RowError(line, f"Expected 4 values, found {len(row)}"))
            continue
        slug, area_text, quarter, value = (cell.strip() for cell in row)
        area = areas.get(area_text.lower()) or names.get(area_text.lower())
        figure, problems = check_figure(user, indicators.get(slug.lower()), area, quarter,
                                        value, today)
        if problems.get("indicator"):
            problems["indicator"] = f"No indicator called '{slug}'"
        if problems.get("area") and area is None:
            problems["area"] = f"No area called '{area_text}'"
        if figure is not None:
            key = (figure.indicator.id, figure.area.id, figure.quarter)
            if key in seen:
                problems["row"] = f"The same figure is already on line {seen[key]}"
            seen[key] = line
        if problems:
            errors.append(RowError(line, "; ".join(problems.values())))
        else:
            figures.append(figure)
    if errors:
        raise ImportRejected(
            f"Nothing was imported: {len(errors)} "
            f"{'row needs' if len(errors) == 1 else 'rows need'} correcting.", errors)
    if not figures:
        raise ImportRejected("The file could not be imported.",
                             [RowError(2, "The file has no figures after the first line")])
    existing = _existing(figures)
    for figure in figures:
        _save_figure(user, figure, "csv", existing)
    db.session.flush()
    return len(figures)


def record_family_feedback(user, *, area_slug: str, heard_on: date | None, session: str,
                           families_heard: str, themes: str, quotes: str,
                           item_ids: list[int]) -> FamilyFeedback:
    """What families told us at a session (or in a month), through the personal-data guard."""
    area = db.session.scalar(select(LocalArea).where(LocalArea.slug == area_slug))
    if area is None:
        raise Invalid("Choose an area.", field_errors={"area": "Choose an area from the list"})
    if not permissions.can(user, "families.record", area):
        raise Forbidden(f"Only {area.name}'s facilitators record what families told us there.")
    session, themes, quotes = (session or "").strip(), (themes or "").strip(), quotes or ""
    errors: dict[str, str] = {}
    if heard_on is None:
        errors["heard_on"] = "Enter the date of the session, or the first of the month"
    elif heard_on > workdays.london_date(utcnow()):
        errors["heard_on"] = "The date must not be in the future"
    try:
        heard = int((families_heard or "").strip())
    except ValueError:
        heard = -1
    if not (families_heard or "").strip():
        errors["families_heard"] = "Enter how many families were heard"
    elif not 0 < heard <= MAX_FAMILIES:
        errors["families_heard"] = "How many families must be a whole number, 1 or more"
    if not themes:
        errors["themes"] = "Enter the themes families raised"
    lines = [q.strip() for q in quotes.splitlines() if q.strip()]
    if any(len(q) > MAX_QUOTE_LENGTH for q in lines):
        errors["quotes"] = f"Each quote must be {MAX_QUOTE_LENGTH} characters or fewer"
    if errors:
        raise Invalid("Some answers could not be accepted.", field_errors=errors)
    check_texts({"session": session, "themes": themes, "quotes": quotes}, FEEDBACK_LIMITS,
                FEEDBACK_LABELS)
    items = []
    if item_ids:
        items = db.session.scalars(
            select(Item).where(Item.id.in_(item_ids), permissions.visibility_clause(user))
        ).all()
        if len(items) != len(set(item_ids)):
            raise Invalid("Some blockers or ideas could not be found.",
                          field_errors={"items": "Choose blockers and ideas from the list"})
    feedback = FamilyFeedback(area_id=area.id, heard_on=heard_on, session=session,
                              families_heard=heard, themes=themes, quotes="\n".join(lines),
                              recorded_by_id=user.id, items=list(items))
    db.session.add(feedback)
    db.session.flush()
    return feedback


def subscription_scopes() -> list[tuple[str, str]]:
    """(scope, words) a person may subscribe to: the partnership and each area."""
    areas = db.session.scalars(select(LocalArea).order_by(LocalArea.name)).all()
    return [("partnership", "The whole partnership")] + [(a.slug, a.name) for a in areas]


def set_subscriptions(user, scopes: list[str]) -> list[str]:
    """Replace the person's weekly-report subscriptions with these scopes."""
    areas = {a.slug: a for a in db.session.scalars(select(LocalArea))}
    wanted = set(scopes)
    unknown = wanted - set(areas) - {"partnership"}
    if unknown:
        raise Invalid("Choose from the list.",
                      field_errors={"scopes": "Choose the partnership or an area from the list"})
    current = {s.scope: s for s in db.session.scalars(
        select(ReportSubscription).where(ReportSubscription.user_id == user.id))}
    for scope, row in current.items():
        if scope not in wanted:
            db.session.delete(row)
    for scope in sorted(wanted - set(current)):
        db.session.add(ReportSubscription(
            user_id=user.id, scope=scope,
            area_id=areas[scope].id if scope in areas else None))
    db.session.flush()
    return sorted(wanted)


def publication() -> Publication:
    row = db.session.get(Publication, 1)
    if row is None:
        row = Publication(id=1, public_page=False)
        db.session.add(row)
    return row


def set_public_page(user, on: bool) -> Publication:
    if not permissions.can(user, "publication.manage"):
        raise Forbidden("Only administrators switch the public page on or off.")
    row = publication()
    row.public_page = on
    row.changed_by_id = user.id
    row.changed_at = utcnow()
    db.session.flush()
    return row


def load_indicator(slug: str) -> Indicator:
    indicator = db.session.scalar(select(Indicator).where(Indicator.slug == slug))
    if indicator is None:
        raise NotFound("No such indicator.")
    return indicator


def set_up_indicators(entries: list[dict]) -> dict[str, int]:
    """Add or update indicators, and their baseline and target in each area, from the
    YAML shape of seeds/demo/outcomes.yaml (figures there are left to the caller).
    Checks every entry before writing anything."""
    from govflow.items.models import Tag
    from govflow.outcomes.models import BETTER, COMBINE, IndicatorTarget

    outcomes = {t.slug: t for t in db.session.scalars(select(Tag).where(Tag.kind == "outcome"))}
    areas = {a.slug: a for a in db.session.scalars(select(LocalArea))}
    problems = []
    for n, entry in enumerate(entries, start=1):
        where = f"Indicator {n} ({entry.get('slug', 'no slug')})"
        for key in ("slug", "outcome", "name", "unit", "better"):
            if not str(entry.get(key) or "").strip():
                problems.append(f"{where}: {key} is missing")
        if entry.get("outcome") and entry["outcome"] not in outcomes:
            problems.append(f"{where}: no outcome called '{entry['outcome']}'")
        if entry.get("better") and entry["better"] not in BETTER:
            problems.append(f"{where}: better must be higher or lower")
        if entry.get("combine", "sum") not in COMBINE:
            problems.append(f"{where}: combine must be sum or mean")
        for slug, spec in (entry.get("areas") or {}).items():
            if slug not in areas:
                problems.append(f"{where}: no area called '{slug}'")
            elif not all(isinstance((spec or {}).get(k), int | float) for k in ("baseline", "target")):
                problems.append(f"{where}: {slug} needs a baseline and a target (numbers)")
    if problems:
        raise Invalid("The indicators could not be set up: " + "; ".join(problems) + ".")
    existing = {i.slug: i for i in db.session.scalars(select(Indicator))}
    counts = {"indicators added": 0, "indicators updated": 0, "targets set": 0}
    for position, entry in enumerate(entries, start=1):
        indicator = existing.get(entry["slug"])
        if indicator is None:
            indicator = Indicator(slug=entry["slug"])
            db.session.add(indicator)
            counts["indicators added"] += 1
        else:
            counts["indicators updated"] += 1
        indicator.outcome_id = outcomes[entry["outcome"]].id
        indicator.name, indicator.unit = entry["name"], entry["unit"]
        indicator.better, indicator.combine = entry["better"], entry.get("combine", "sum")
        indicator.source, indicator.position = entry.get("source", ""), position
        db.session.flush()
        targets = {t.area_id: t for t in db.session.scalars(
            select(IndicatorTarget).where(IndicatorTarget.indicator_id == indicator.id))}
        for slug, spec in (entry.get("areas") or {}).items():
            target = targets.get(areas[slug].id)
            if target is None:
                target = IndicatorTarget(indicator_id=indicator.id, area_id=areas[slug].id)
                db.session.add(target)
            target.baseline, target.target = spec["baseline"], spec["target"]
            counts["targets set"] += 1
    db.session.flush()
    return counts
