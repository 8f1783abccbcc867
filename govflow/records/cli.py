"""`govflow verify-export FILE`: check an exported decision log or minutes (CSV or PDF)
against the database, through the record root printed on it; `govflow record-root`."""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from govflow.extensions import db

ROOT_LINE = re.compile(
    r"Record root on\s+(\d{1,2}\s+[A-Za-z]+\s+\d{4}):\s*((?:[0-9a-f]\s*){64}),\s*([\d,]+)\s+entries")
# The decision log CSV's columns that a decision never changes (others, such as "Superseded
# by", rightly move on after the export).
FIXED_COLUMNS = ("Decision", "Item", "Tier", "Outcome", "What was decided", "Reasons",
                 "Why not", "What would make it a yes", "Conditions", "Decided by",
                 "By default", "Decided at (UK time)")


@dataclass
class ExportCheck:
    kind: str
    root_day: date | None = None
    ok: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _text_of(path: Path, data: bytes) -> tuple[str, str]:
    if data.startswith(b"%PDF"):
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data))
        return "pdf", "\n".join(page.extract_text() or "" for page in reader.pages)
    return "csv", data.decode("utf-8-sig", errors="replace")


def verify_export(path: Path) -> ExportCheck:
    from govflow.records.roots import compute_root, stored_root

    data = path.read_bytes()
    kind, text = _text_of(path, data)
    result = ExportCheck(kind)
    match = ROOT_LINE.search(text)
    if match is None:
        result.problems.append("No record root is printed on this file, so it cannot be "
                               "checked against the record.")
        return result
    day = datetime.strptime(" ".join(match.group(1).split()), "%d %B %Y").date()
    printed = re.sub(r"\s+", "", match.group(2))
    entries = int(match.group(3).replace(",", ""))
    result.root_day = day
    now = compute_root(day)
    if now.root_hash == printed and now.entries == entries:
        result.ok.append(f"The record root printed for {day:%-d %B %Y} ({printed[:12]}…, "
                         f"{entries:,} entries) is what the database gives today: nothing "
                         "recorded up to that day has been changed.")
    else:
        result.problems.append(
            f"The record root printed for {day:%-d %B %Y} is {printed}, {entries:,} entries; "
            f"the database now gives {now.root_hash}, {now.entries:,} entries: the record up "
            "to that day has been changed since this file was made (run govflow check).")
    kept = stored_root(day)
    if kept is not None and kept.root_hash != printed:
        result.problems.append(f"The root stored for {day:%-d %B %Y} ({kept.root_hash}) is not "
                               "the one printed on this file.")
    if kind == "pdf":
        _check_minutes_pdf(data, text, result)
    else:
        _check_decision_csv(text, result)
    return result


def _check_minutes_pdf(data: bytes, text: str, result: ExportCheck) -> None:
    from govflow.forums.models import Meeting

    if "Record fingerprint" not in text:
        return  # a decision log or a draft: the root is what can be checked
    digest = hashlib.sha256(data).hexdigest()
    meeting_id = db.session.scalar(select(Meeting.id).where(Meeting.minutes_sha256 == digest))
    if meeting_id is None:
        result.problems.append("These approved minutes are not the archived copy of any "
                               f"meeting (no meeting's minutes have SHA-256 {digest}).")
    else:
        result.ok.append(f"These are the archived approved minutes of meeting {meeting_id}, "
                         "byte for byte.")


def _check_decision_csv(text: str, result: ExportCheck) -> None:
    import csv

    from govflow.csvexport import safe_cell
    from govflow.decisions.models import Decision
    from govflow.decisions.views import CSV_HEADER, csv_row

    rows = list(csv.reader(io.StringIO(text)))
    if not rows or list(rows[0][:len(CSV_HEADER)]) != list(CSV_HEADER):
        return
    index = {name: i for i, name in enumerate(CSV_HEADER)}
    checked = 0
    for row in rows[1:]:
        if len(row) < len(CSV_HEADER) or not row[0].isdigit():
            continue
        decision = db.session.get(Decision, int(row[0]))
        if decision is None:
            result.problems.append(f"Decision {row[0]} is in the file but not in the database.")
            continue
        with current_app.test_request_context():  # the row's item link needs a URL map
            now = [safe_cell(v) for v in csv_row(decision)]
        for name in FIXED_COLUMNS:
            if row[index[name]] != now[index[name]]:
                result.problems.append(f"Decision {row[0]}: '{name}' in the file is not what "
                                       "the database records.")
        checked += 1
    result.ok.append(f"{checked:,} decision(s) in the file compared with the database.")


@click.command("verify-export")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def verify_export_command(file: Path) -> None:
    """Check an exported decision log or minutes (CSV or PDF) against the database; exit 1
    if the record it was made from has changed."""
    result = verify_export(file)
    db.session.rollback()
    for line in result.ok:
        click.echo(f"OK: {line}")
    for line in result.problems:
        click.echo(f"PROBLEM: {line}")
    click.echo("The export matches the record." if not result.problems
               else "The export does not match the record.")
    if result.problems:
        raise SystemExit(1)


@click.command("record-root")
@click.argument("day", required=False)
@with_appcontext
def record_root_command(day: str | None) -> None:
    """Print the record root of DAY (YYYY-MM-DD; default: the latest taken)."""
    from govflow.records.roots import compute_root, latest_root

    root = compute_root(date.fromisoformat(day)) if day else latest_root()
    db.session.rollback()
    click.echo(root.line() if root else "No record root has been taken yet.")


CLI_COMMANDS = (verify_export_command, record_root_command)
