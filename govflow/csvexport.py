"""CSV downloads for every list, with spreadsheet formula injection neutralised."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from flask import Response

# A spreadsheet treats a cell starting with one of these as a formula (or, for tab and CR,
# strips them and then sees the formula), so such cells get a leading quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """One cell as text: None is empty, dates are ISO 8601, risky text starts with a quote."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float):
        # Numbers are left alone so a negative amount stays a number in a spreadsheet.
        return str(value)
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_text(header: Sequence[str], rows: Iterable[Sequence],
             footer: Sequence[str] = ()) -> str:
    """`footer`: lines after the rows, each alone in its first cell (the record root)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    for line in footer:
        writer.writerow([safe_cell(line)])
    return out.getvalue()


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence],
                 footer: Sequence[str] = ()) -> Response:
    """A download named `filename` (".csv" added if missing). UTF-8 with a BOM, so Excel
    shows names like "Siân" correctly."""
    if not filename.endswith(".csv"):
        filename += ".csv"
    safe_name = "".join(c for c in filename if c.isalnum() or c in "-_.") or "export.csv"
    body = "\ufeff" + csv_text(header, rows, footer)
    return Response(
        body,
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{safe_name}"',
            "Cache-Control": "no-store",
        },
    )
