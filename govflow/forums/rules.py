"""The rules every forum use-case keeps: text limits and the personal-data check, minutes
that are locked once approved, the version a form was sent with, a meeting that has begun,
and saving a meeting (its version moves on, so an approval can tell the record changed)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from govflow import workdays
from govflow.clock import utcnow
from govflow.domain_errors import Invalid, Refused, StaleVersion
from govflow.extensions import db
from govflow.forums.models import Meeting
from govflow.model_parts import sent_version
from govflow.text import check_texts

TEXT_LIMITS = {
    "name": 200,
    "place": 300,
    "title": 300,
    "notes": 10000,
    "summary": 2000,
    "guest_name": 200,
    "guest_role": 200,
    "person_name": 200,
    "declaration": 2000,
    "what": 2000,
    "outcome_note": 2000,
    "body": 5000,
}
LABELS = {
    "name": "Name",
    "place": "Place",
    "title": "Topic",
    "notes": "Notes",
    "summary": "Summary",
    "guest_name": "Guest's name",
    "guest_role": "Guest's role or organisation",
    "person_name": "Name",
    "declaration": "Declaration",
    "what": "What will be done",
    "outcome_note": "Outcome",
    "body": "Correction",
}


def check(values: dict, personal_data: bool = True) -> None:
    check_texts(values, TEXT_LIMITS, LABELS, check_personal_data=personal_data)


def required_text(field: str, value, message: str, beside: str, *,
                  checked_as: str | None = None) -> str:
    """The answer to `field` without the space around it. None given: Invalid, saying
    `message` above the form and `beside` by the field. Then checked as `checked_as` (or
    `field`): its length limit, control characters and personal data."""
    value = (value or "").strip()
    if not value:
        raise Invalid(message, field_errors={field: beside})
    check({checked_as or field: value})
    return value


def started(meeting: Meeting, now: datetime | None = None) -> None:
    now = now or utcnow()
    if workdays.london_date(meeting.starts_at) > workdays.london_date(now):
        raise Refused(
            "This meeting has not happened yet. Record attendance, decisions and actions on "
            f"the day ({workdays.format_date(workdays.london_date(meeting.starts_at))})."
        )


def editable(meeting: Meeting) -> None:
    if getattr(meeting, "cancelled_at", None) is not None:
        raise Refused(
            f"This meeting was cancelled on "
            f"{workdays.format_date(workdays.london_date(meeting.cancelled_at))} "
            f"({meeting.cancelled_reason}). Nothing can be recorded at it."
        )
    if meeting.status == "approved":
        raise Refused(
            f"The minutes of this meeting were approved on "
            f"{workdays.format_date(workdays.london_date(meeting.approved_at))} and are locked. "
            "Nothing in them can be changed: add an addendum to correct them.",
            locked=True,
        )


def check_version(meeting: Meeting, version) -> None:
    if version in (None, ""):
        return
    if sent_version(version) != meeting.version:
        raise StaleVersion(
            "This meeting changed since you opened the page (someone edited its agenda, "
            "attendance or notes). Nothing you sent has been applied: check the latest "
            "version and try again.",
            current_version=meeting.version,
        )


def save(meeting: Meeting) -> None:
    """Flush, bumping the meeting's version so approvals can tell the record changed."""
    flag_modified(meeting, "status")
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise StaleVersion(
            "Someone else changed this meeting at the same moment. Nothing you sent has been "
            "applied: reload the page and try again."
        ) from None
