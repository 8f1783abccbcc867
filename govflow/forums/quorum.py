"""Quorum and conflicts of interest at a meeting: whether enough members (and the tiers the
forum names) are present for a decision, who declared an interest in an agenda item and so
takes no part in deciding it, and the chair's dispensation that lets them.

The workflow engine asks `check_decision` before any decision tagged with a meeting, so the
rule holds whichever page or command takes the decision; the meeting pages ask `recused`
so a recused person is not offered as the decider in the first place."""

from __future__ import annotations

from datetime import datetime

from govflow.clock import utcnow
from govflow.domain_errors import Forbidden, Invalid, Refused
from govflow.extensions import db
from govflow.forums import rules
from govflow.forums.attendance import recorded_declaration
from govflow.forums.models import ConflictDeclaration, Forum, Meeting
from govflow.workflow.definition import TIER_LABELS, TIER_ORDER

MAX_QUORUM = 100


# ---------------------------------------------------------------- the forum's quorum


def set_quorum(forum: Forum, actor, *, quorum, tiers, decide_without: bool) -> Forum:
    """Set (or clear, with no number) how many members must be present for a decision, the
    tiers that must have someone there, and whether a decision may still be taken without."""
    text = str(quorum if quorum is not None else "").strip()
    errors = {}
    number = None
    if text:
        if not (text.isdigit() and len(text) <= 3) or not 1 <= int(text) <= MAX_QUORUM:
            errors["quorum"] = f"Enter a whole number of members from 1 to {MAX_QUORUM}"
        else:
            number = int(text)
    tiers = [t for t in (tiers or []) if t]
    if any(t not in TIER_ORDER for t in tiers):
        errors["tiers"] = "Choose tiers from the list"
    if tiers and number is None and not errors:
        errors["quorum"] = "Enter how many members make a quorum, as well as the tiers"
    if errors:
        raise Invalid("Check the quorum.", field_errors=errors)
    forum.quorum = number
    forum.quorum_tiers = ",".join(t for t in TIER_ORDER if t in tiers)
    forum.decide_without_quorum = bool(decide_without) and number is not None
    db.session.flush()
    return forum


def required_tiers(forum: Forum) -> list[str]:
    return [t for t in (forum.quorum_tiers or "").split(",") if t]


def describe(forum: Forum) -> str:
    """The quorum in words: "3 members, including someone from Gold", or "No quorum set"."""
    if not forum.quorum:
        return "No quorum set"
    words = f"{forum.quorum} member{'s' if forum.quorum != 1 else ''}"
    tiers = [TIER_LABELS[t] for t in required_tiers(forum)]
    if tiers:
        words += ", including someone from " + _and(tiers)
    return words


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def present_members(meeting: Meeting) -> list:
    """Members of the forum recorded as present (guests do not count towards a quorum)."""
    member_ids = {m.id for m in meeting.forum.members}
    return [a.user for a in meeting.attendance
            if a.user is not None and a.status == "present" and a.user_id in member_ids]


def quorum_shortfall(meeting: Meeting) -> str | None:
    """Why the meeting is not quorate ("2 members present of the 3 needed; no one from Gold
    is present"), or None when it is (or the forum sets no quorum)."""
    forum = meeting.forum
    if not forum.quorum:
        return None
    present = present_members(meeting)
    reasons = []
    if len(present) < forum.quorum:
        reasons.append(f"{len(present)} member{'s' if len(present) != 1 else ''} present "
                       f"of the {forum.quorum} needed")
    missing = [TIER_LABELS[t] for t in required_tiers(forum)
               if not any(p.tier == t for p in present)]
    if missing:
        reasons.append(f"no one from {_and(missing)} is present")
    return "; ".join(reasons) or None


# ---------------------------------------------------------------- conflicts of interest


def declarations_on(meeting: Meeting, item_id: int, user_id: int) -> list[ConflictDeclaration]:
    """What `user_id` declared on the agenda entries of this meeting about the item."""
    entries = {a.id for a in meeting.agenda if a.item_id == item_id}
    return [c for c in meeting.conflicts
            if c.user_id == user_id and c.agenda_item_id in entries]


def recused(meeting: Meeting, item, user) -> ConflictDeclaration | None:
    """The declaration that keeps `user` out of deciding `item` at this meeting (an interest
    declared on its agenda entry, with no dispensation from the chair), or None."""
    if item is None or user is None:
        return None
    return next((c for c in declarations_on(meeting, item.id, user.id) if not c.dispensation),
                None)


def check_decision(meeting: Meeting, item, decider) -> str | None:
    """Refuse a decision at this meeting by someone with an undispensed interest, or while
    the quorum is not met (unless the forum allows it). Returns why the meeting was not
    quorate when the decision is allowed all the same, for the decision log; else None."""
    declared = recused(meeting, item, decider)
    if declared is not None:
        raise Refused(
            f"{decider.display_name} declared an interest in this item ({declared.declaration}) "
            "and so cannot take this decision. Another member present can, or the chair can "
            "record a dispensation with the reason.")
    shortfall = quorum_shortfall(meeting)
    if shortfall is None:
        return None
    if not meeting.forum.decide_without_quorum:
        raise Refused(
            f"The meeting is not quorate ({shortfall}; the quorum is "
            f"{describe(meeting.forum)}), so no decision can be taken. Record who is present, "
            "or take the decision at a quorate meeting.")
    return shortfall


def grant_dispensation(meeting: Meeting, actor, conflict_id: int, *, reason: str,
                       now: datetime | None = None) -> ConflictDeclaration:
    """The chair lets someone who declared an interest in an agenda item take part in it,
    for a reason the minutes print."""
    from govflow.permissions import can

    rules.editable(meeting)
    if not can(actor, "meeting.dispense", meeting):
        raise Forbidden("Only the meeting's chair (or a vice-chair named on the meeting) can "
                        "record a dispensation.")
    row = recorded_declaration(meeting, conflict_id)
    if row.user_id is None or row.agenda_item_id is None:
        raise Refused("A dispensation is for a member's interest in one agenda item; this "
                      "declaration is not one.")
    if row.dispensation:
        raise Refused("A dispensation has already been recorded for this declaration.")
    reason = rules.required_text("reason", reason, "Give the reason for the dispensation.",
                                 "Give the reason for the dispensation", checked_as="declaration")
    row.dispensation = reason
    row.dispensation_by_id = actor.id
    row.dispensation_at = now or utcnow()
    rules.save(meeting)
    return row
