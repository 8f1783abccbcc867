"""Reading the query string of a filtered list (the library, the decision log, search):
values given repeated or comma-separated, and ISO dates whose errors the page shows beside
their field rather than refusing the page."""

from __future__ import annotations

from datetime import date

from govflow import dates


class QueryArgs:
    """request.args, read value by value; a date that is not one lands in `errors`."""

    def __init__(self, args):
        self.args = args
        self.errors: dict[str, str] = {}

    def many(self, name: str, allowed=None, most: int | None = None) -> list[str]:
        """Every value of `name` (?area=a&area=b or ?area=a,b) once, in order: only the
        `allowed` ones when given, and at most `most`."""
        values = []
        for v in self.args.getlist(name):
            values.extend(p.strip() for p in v.split(",") if p.strip())
        values = [v for v in dict.fromkeys(values) if allowed is None or v in allowed]
        return values if most is None else values[:most]

    def day(self, name: str, label: str) -> date | None:
        raw = (self.args.get(name) or "").strip()
        if not raw:
            return None
        try:
            return dates.parse_iso(raw, label, "2026-12-23")
        except ValueError as err:
            self.errors[name] = str(err)
            return None

    def period(self, start: str = "From", end: str = "To") -> tuple[date | None, date | None]:
        """?from= and ?to=, labelled `start` and `end` in errors; an end before the start is
        reported and not applied."""
        first, last = self.day("from", start), self.day("to", end)
        if first and last and first > last:
            self.errors["to"] = f"{end} must be the same as or after {start.lower()}"
            last = None
        return first, last
