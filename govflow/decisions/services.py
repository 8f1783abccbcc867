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
