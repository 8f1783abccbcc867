"""Names and helpers shared by the sponsor tests (the fixtures are in conftest.py)."""

from __future__ import annotations

import re
from datetime import date

from govflow import workdays
from govflow.clock import utcnow

SPONSOR = "gareth.holmes@syp.example"  # Head of Service and sponsor of Denaby, not an executive
OTHER_SPONSOR = "claire.firth@dbth.example"  # sponsor of Balby
FACILITATOR = "rachel.dunn@dmbc.example"  # facilitator of Denaby
PRACTITIONER = "priya.shah@dcst.example"  # Denaby practitioner
BALBY_PRACTITIONER = "ryan.cooper@syp.example"
CENTRAL_SECRETARY = "joanne.kilner@dcst.example"  # secretary of the central forum
DENABY_SECRETARY = "jo.mitchell@denaby-cafe.example"  # secretary of Denaby's local group


def working_days_ahead(n: int, start: date | None = None) -> date:
    return workdays.add_working_days(start or workdays.london_date(utcnow()), n)


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)
