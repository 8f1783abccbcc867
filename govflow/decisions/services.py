"""Decision-log use-cases: the rules every decision obeys, and corrections that never erase."""

from __future__ import annotations

from datetime import datetime

from govflow import workdays
from govflow.domain_errors import Invalid

# A decision recorded more than this many working days after it was made needs a reason.
RECORDING_GRACE_WORKING_DAYS = 1


def recording_delay(decided_at: datetime, recorded_at: datetime) -> int:
    """Working days between the day a decision was made and the day it was written down."""
    return workdays.working_days_between(
        workdays.london_date(decided_at), workdays.london_date(recorded_at)
    )


def check_recording_delay(decided_at, recorded_at: datetime, explanation: str | None) -> None:
    """Refuse a decision dated in the future, or recorded late without saying why."""
    if decided_at is None:
        return
    if workdays.london_date(decided_at) > workdays.london_date(recorded_at):
        raise Invalid(
            "The date the decision was made cannot be in the future.",
            field_errors={"decided_at": "The date decided must be today or in the past"},
        )
    if recording_delay(decided_at, recorded_at) > RECORDING_GRACE_WORKING_DAYS and not (
        explanation or ""
    ).strip():
        raise Invalid(
            "Say why this decision is being recorded late.",
            field_errors={
                "delay_explanation": "Explain why this decision is being recorded more than "
                "one working day after it was made"
            },
        )


def may_correct(user, decision) -> bool:
    from govflow.permissions import can

    return can(user, "decision.correct", decision)


# ---------------------------------------------------------------------------
# Corrections: a new decision that supersedes the old one; nothing is erased
# ---------------------------------------------------------------------------

CORRECTABLE = (
    "summary", "rationale", "reason_category", "why_not", "what_would_make_yes", "conditions",
    "alternatives", "conflicts", "review_on", "decided_at", "delay_explanation",
)
TEXT_LIMITS = {"summary": 1000, "correction_reason": 2000}
LABELS = {
    "summary": "What was decided",
    "rationale": "Reasons",
    "why_not": "Why not",
    "what_would_make_yes": "What would make it a yes",
    "conditions": "Conditions",
    "alternatives": "Alternatives considered",
    "conflicts": "Conflicts of interest declared",
    "delay_explanation": "Why it was recorded late",
    "correction_reason": "What was wrong",
}


def correct_decision(decision, actor, *, correction_reason: str, values: dict,
                     now: datetime | None = None):
    """Write a correction of `decision`: a new Decision with supersedes_id, plus an event in
    the item's history saying why. The old decision is never changed."""
    from govflow.clock import utcnow
    from govflow.domain_errors import Forbidden, Refused

    now = now or utcnow()
    if decision.superseded_by is not None:
        raise Refused(
            f"Decision {decision.id} has already been corrected by decision "
            f"{decision.superseded_by.id}: correct that one instead."
        )
    if not may_correct(actor, decision):
        raise Forbidden("You cannot correct this decision.")
    new = _corrected_values(decision, values)
    reason = (correction_reason or "").strip()
    _check_correction(decision, new, reason)
    return _write_correction(decision, actor, new, reason, now)


def _corrected_values(decision, values: dict) -> dict:
    """The decision's correctable fields with the changes sent, as they will be stored."""
    new = {name: getattr(decision, name) for name in CORRECTABLE}
    unknown = set(values) - set(CORRECTABLE)
    if unknown:
        raise Invalid(f"These cannot be corrected: {', '.join(sorted(unknown))}")
    for name, value in values.items():
        new[name] = value.strip() if isinstance(value, str) else value
    for name in CORRECTABLE:
        if new[name] is None and name not in ("reason_category", "review_on", "decided_at"):
            new[name] = ""
    if new["reason_category"] == "":
        new["reason_category"] = None
    if new["decided_at"] is None:
        new["decided_at"] = decision.decided_at
    return new


def _check_correction(decision, new: dict, reason: str) -> None:
    """What a correction must say (a decline still says why not), its texts, and its date."""
    from govflow.decisions.models import REASON_CATEGORIES
    from govflow.text import check_texts

    errors = {}
    if not reason:
        errors["correction_reason"] = "Say what was wrong with the decision as recorded"
    if not new["summary"]:
        errors["summary"] = "Enter what was decided"
    if new["reason_category"] is not None and new["reason_category"] not in REASON_CATEGORIES:
        errors["reason_category"] = "Choose the main reason from the list"
    if decision.outcome == "declined":
        if not new["reason_category"]:
            errors["reason_category"] = "Choose the main reason for saying no"
        if not new["why_not"]:
            errors["why_not"] = "Enter why the answer is no: a decline must say why"
        if not new["what_would_make_yes"]:
            errors["what_would_make_yes"] = "Enter what would make this a yes"
    if errors:
        raise Invalid("Some required information is missing.", field_errors=errors)
    texts = {k: v for k, v in new.items() if isinstance(v, str)} | {"correction_reason": reason}
    check_texts(texts, TEXT_LIMITS, LABELS)
    # The decision was written down when the original was recorded; a correction that moves
    # the date it was made must still explain a late recording.
    check_recording_delay(new["decided_at"], decision.recorded_at, new["delay_explanation"])


def _write_correction(decision, actor, new: dict, reason: str, now: datetime):
    """The event in the item's history and the correcting decision, flushed."""
    from sqlalchemy.exc import IntegrityError

    from govflow.decisions.models import Decision
    from govflow.domain_errors import Refused
    from govflow.extensions import db
    from govflow.items.models import Event

    item = decision.item
    event = Event.in_place(
        item, "correct_decision", actor=actor, reason=reason,
        details={"version_before": item.version, "corrects_decision": decision.id}, at=now)
    db.session.add(event)
    db.session.flush()
    correction = Decision(
        item_id=item.id,
        event_id=event.id,
        tier=decision.tier,
        outcome=decision.outcome,
        decided_by_id=decision.decided_by_id,
        by_default=decision.by_default,
        recorded_at=now,
        meeting_id=decision.meeting_id,
        supersedes_id=decision.id,
        **new,
    )
    db.session.add(correction)
    try:
        db.session.flush()
    except IntegrityError:
        # Someone else corrected it at the same moment: the unique supersedes_id kept one.
        db.session.rollback()
        raise Refused(
            f"Decision {decision.id} has just been corrected by someone else: "
            "check the decision log, then correct the newest version if needed."
        ) from None
    # superseded_by is a view-only relationship: the flush does not set it on the original.
    db.session.expire(decision, ["superseded_by"])
    return correction
