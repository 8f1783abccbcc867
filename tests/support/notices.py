"""Reading what the sweep told a person: one notification per person per run, which is the
item's (or action's) own notification when it told them of one thing, or the run's grouped
one ("sweep") counting what it tells of under each heading."""

from __future__ import annotations

import re

from govflow.notifications.outbox import SECTIONS


def told_of(note_kind: str, body: str, kind: str) -> int:
    """How many things of `kind` (reached_tier, item_changed, action_overdue, …) one
    notification tells its reader of."""
    if note_kind == kind:
        return 1
    if note_kind != "sweep":
        return 0
    match = re.search(re.escape(SECTIONS[kind][1]) + r" \(([\d,]+)\):", body)
    return int(match.group(1).replace(",", "")) if match else 0
