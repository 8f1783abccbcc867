"""Names and helpers shared by the sponsor tests (the fixtures are in conftest.py)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from govflow import workdays
from govflow.clock import utcnow
from tests.support.pages import csrf_from  # noqa: F401 - the sponsor tests import it from here

SPONSOR = "gareth.holmes@syp.example"  # Head of Service and sponsor of Denaby, not an executive
OTHER_SPONSOR = "claire.firth@dbth.example"  # sponsor of Balby
FACILITATOR = "rachel.dunn@dmbc.example"  # facilitator of Denaby
PRACTITIONER = "priya.shah@dcst.example"  # Denaby practitioner
BALBY_PRACTITIONER = "ryan.cooper@syp.example"
CENTRAL_SECRETARY = "joanne.kilner@dcst.example"  # secretary of the central forum
DENABY_SECRETARY = "jo.mitchell@denaby-cafe.example"  # secretary of Denaby's local group


def working_days_ahead(n: int, start: date | None = None) -> date:
    return workdays.add_working_days(start or workdays.london_date(utcnow()), n)


def working_days_ago(n: int) -> datetime:
    """Now, n working days back, at the same time of day (over weekends and bank holidays)."""
    now = utcnow()
    today = day = workdays.london_date(now)
    while n:
        day -= timedelta(days=1)
        n -= workdays.is_working_day(day)
    return now - (today - day)
