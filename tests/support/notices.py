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


def listed(body: str, kind: str) -> list[str]:
    """The addresses a grouped ("sweep") notification lists under `kind`'s heading: each
    thing is a line "- <subject>", then its address on a line of its own, indented."""
    heading = SECTIONS[kind][1] + " ("
    urls, inside = [], False
    for line in body.splitlines():
        if line.startswith(heading):
            inside = True
        elif inside and not line.strip():
            break
        elif inside and line.startswith("  "):
            urls.append(line.strip())
    return urls
