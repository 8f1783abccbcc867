"""The dashboard's filters (area, organisation, tag, period), read from a query string."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from govflow import dates
from govflow.metrics.calendar import london_midnight

# Query-string names, shared by the page, the CSV, the PDF and the API.
FILTER_ARGS = ("area", "organisation", "tag", "from", "to")


def default_period(today: date) -> tuple[date, date]:
    """The last twelve months, counting this one: the first of the month 11 months ago."""
    month = today.month - 11
    year = today.year
    while month < 1:
        month += 12
        year -= 1
    return date(year, month, 1), today


@dataclass(frozen=True)
class MetricFilters:
    areas: tuple[str, ...] = ()  # area slugs
    organisation: str | None = None  # organisation slug
    tag: str | None = None  # tag slug
    date_from: date | None = None  # London dates, inclusive
    date_to: date | None = None

    @property
    def start(self) -> datetime | None:
        """The period's start as a naive UTC datetime (London midnight), or None."""
        return london_midnight(self.date_from) if self.date_from else None

    @property
    def end(self) -> datetime | None:
        """The moment after the period (London midnight after date_to), or None."""
        return london_midnight(self.date_to + timedelta(days=1)) if self.date_to else None

    def query_args(self) -> dict:
        """The filters as query-string arguments (for links that keep them)."""
        args: dict = {}
        if self.areas:
            args["area"] = list(self.areas)
        if self.organisation:
            args["organisation"] = self.organisation
        if self.tag:
            args["tag"] = self.tag
        args["from"] = self.date_from.isoformat() if self.date_from else ""
        args["to"] = self.date_to.isoformat() if self.date_to else ""
        return args

    def describe(self) -> dict:
        return {
            "area": list(self.areas),
            "organisation": self.organisation,
            "tag": self.tag,
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
        }


@dataclass
class ParsedFilters:
    filters: MetricFilters
    errors: dict[str, str] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)  # what was typed, to show again


def _date(value: str, label: str, errors: dict, name: str) -> date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return dates.parse_iso(value, label, "2026-03-31")
    except ValueError as err:
        errors[name] = str(err)
        return None


def parse(args, today: date) -> ParsedFilters:
    """Filters from a MultiDict of query arguments.

    With neither `from` nor `to` in the query, the period is the last twelve months; with
    them present but empty, that end of the period is open. A bad date is reported (and the
    default used for that end) rather than refused, so the page always shows something.
    """
    errors: dict[str, str] = {}
    areas = []
    for value in args.getlist("area"):
        areas.extend(p.strip() for p in value.split(",") if p.strip())
    default_from, default_to = default_period(today)
    date_from = default_from
    date_to = default_to
    if "from" in args or "to" in args:
        date_from = _date(args.get("from", ""), "The start date", errors, "from")
        date_to = _date(args.get("to", ""), "The end date", errors, "to")
        if "from" in errors:
            date_from = default_from
        if "to" in errors:
            date_to = default_to
    if date_from and date_to and date_from > date_to:
        errors["to"] = "The end date must be the same as or after the start date"
        date_from, date_to = default_from, default_to
    filters = MetricFilters(
        areas=tuple(dict.fromkeys(areas)),
        organisation=(args.get("organisation") or "").strip() or None,
        tag=(args.get("tag") or "").strip() or None,
        date_from=date_from,
        date_to=date_to,
    )
    values = {name: args.get(name, "") for name in ("organisation", "tag", "from", "to")}
    values["area"] = areas[0] if areas else ""
    if "from" not in args and "to" not in args:
        values["from"], values["to"] = date_from.isoformat(), date_to.isoformat()
    return ParsedFilters(filters, errors, values)
