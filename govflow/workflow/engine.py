"""The workflow engine: the only code that changes an item's state.

One shared transitions.Machine per workflow file (model=None, no auto transitions). Firing a
trigger checks it is allowed from the current state, the actor's roles, the required fields
and the version the person saw; then moves the state and writes the event, the decision (if
any) and the notifications, and sets the next deadline — all in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError
from transitions import Machine

from govflow import dates, workdays
from govflow.clock import utcnow
from govflow.deputy_acts import deputising_for
from govflow.domain_errors import Forbidden, Invalid, Refused, StaleVersion
from govflow.extensions import db
from govflow.model_parts import sent_version
from govflow.permissions import item_roles
from govflow.text import check_texts
from govflow.workflow.definition import (
    TIER_ORDER,
    TransitionSpec,
    TriggerSpec,
    WorkflowDefinition,
    in_a_sentence,
    load,
)

FIELD_LIMITS = {"reason": 5000, "resolution": 5000, "support_given": 5000}
# Fields a workflow file may declare as dates: the engine accepts a date, a datetime or an
# ISO string for them, so forms and the API can send whichever they have.
DATE_FIELDS = ("review_on_date", "decided_at")


def _within_challenge_window(item, now) -> bool:
    from govflow.items import ideas

    ends = ideas.challenge_deadline(item)
    return ends is not None and now <= ends


def _within_sponsor_limit(item, now) -> bool:
    limit = definition(item.kind).settings.get("sponsor_limit_pounds")
    if limit is None:
        return False
    return (item.funding_pence or 0) <= int(limit) * 100


# Named conditions a workflow file can use in `when:` (join several with " and "). Each takes
# the item and the moment the trigger is fired, reads data and returns a real boolean.
CONDITIONS = {
    "tier_is_bronze": lambda item, now: item.tier == "bronze",
    "tier_is_silver": lambda item, now: item.tier == "silver",
    "tier_is_gold": lambda item, now: item.tier == "gold",
    "tier_below_gold": lambda item, now: item.tier != "gold",
    "within_challenge_window": _within_challenge_window,
    "within_sponsor_limit": _within_sponsor_limit,
}


def condition_names(when: str | None) -> list[str]:
    return [part.strip() for part in (when or "").split(" and ") if part.strip()]


def conditions_hold(when: str | None, item, now: datetime) -> bool:
    return all(bool(CONDITIONS[name](item, now)) for name in condition_names(when))


def definition(kind: str) -> WorkflowDefinition:
    return load(kind)


@cache
def machine(kind: str) -> Machine:
    spec = definition(kind)
    m = Machine(
        model=None,
        states=list(spec.states),
        initial=spec.initial,
        auto_transitions=False,
        send_event=True,
    )
    for trigger in spec.triggers.values():
        for t in trigger.transitions:
            conditions = []
            if t.when:
                unknown = [n for n in condition_names(t.when) if n not in CONDITIONS]
                if unknown:
                    raise KeyError(f"{kind}.yaml, trigger {trigger.name}: unknown condition {unknown}")
                conditions.append(
                    lambda event_data, when=t.when: conditions_hold(
                        when, event_data.model, event_data.kwargs.get("now") or utcnow()
                    )
                )
            m.add_transition(trigger.name, list(t.sources), t.dest, conditions=conditions)
    return m


def _matching_transition(item, trigger: TriggerSpec, now: datetime | None = None) -> TransitionSpec | None:
    """The transition the machine would take from the item's state, in file order."""
    now = now or utcnow()
    for t in trigger.transitions:
        if item.state in t.sources and conditions_hold(t.when, item, now):
            return t
    return None


@dataclass(frozen=True)
class Available:
    trigger: TriggerSpec
    transition: TransitionSpec


def available(item, user, now: datetime | None = None) -> list[Available]:
    """The triggers this person may fire on this item now (what the page and API offer)."""
    spec = definition(item.kind)
    roles = item_roles(user, item)
    now = now or utcnow()
    result = []
    for trigger in spec.triggers.values():
        t = _matching_transition(item, trigger, now)
        if t is not None and roles & t.roles:
            result.append(Available(trigger, t))
    return result


def _next_tier(tier: str, step: int) -> str:
    index = TIER_ORDER.index(tier) + step
    return TIER_ORDER[max(0, min(index, len(TIER_ORDER) - 1))]


def changes_since(item, seen_version: int) -> list:
    from govflow.items.models import Event

    rows = db.session.scalars(select(Event).where(Event.item_id == item.id).order_by(Event.id))
    return [e for e in rows if (e.details or {}).get("version_before", 0) >= seen_version]


def _check_version(item, version) -> None:
    if version is None:
        return
    seen = sent_version(version)
    if seen != item.version:
        raise _stale(item, seen)


def _stale(item, seen: int) -> StaleVersion:
    changed = [
        {
            "trigger": e.trigger,
            "from_state": e.from_state,
            "to_state": e.to_state,
            "actor": e.actor.display_name if e.actor else "govflow (automatic)",
            "at": e.at.isoformat(timespec="seconds") + "Z",  # naive UTC, said so (RFC 3339)
            "reason": e.reason,
        }
        for e in changes_since(item, seen)
    ]
    return StaleVersion(
        "This item changed since you opened it. Nothing you sent has been applied: "
        "check what changed, then try again.",
        changes=changed,
        current_version=item.version,
    )


def fire(
    item,
    trigger_name: str,
    actor,
    *,
    fields: dict | None = None,
    version: int | str | None = None,
    now: datetime | None = None,
    meeting=None,
):
    """Fire a trigger on an item as `actor` (None for the sweep). Returns the new Event.

    Written and flushed, never committed: the request, command or sweep batch that fired it
    commits at its end (govflow.transaction). Flushing here is what turns a concurrent change
    to the item into a stale-version answer rather than a failure at the commit."""
    fields = {k: v for k, v in (fields or {}).items() if v is not None}
    now = now or utcnow()
    spec = definition(item.kind)
    label = spec.label.lower()
    trigger = spec.triggers.get(trigger_name)
    if trigger is None:
        raise Refused(f"'{trigger_name}' is not something that can be done to a {label}.")

    _check_version(item, version)
    transition = _matching_transition(item, trigger, now)
    if transition is None:
        raise Refused(
            f"This {label} is {spec.state_label(item.state).lower()}, so it cannot be "
            f"{trigger.done.lower()} now."
        )
    roles = item_roles(actor, item)
    if not roles & transition.roles:
        raise Forbidden(f"You cannot do this: '{trigger.label}' is not open to you on this {label}.")
    # Someone standing in for the raiser or owner: the history says so.
    deputy_for = deputising_for(actor, item, transition.roles)

    labels = {name: spec.field_label(trigger_name, name) for name in fields}
    missing = {
        name: spec.field_spec(trigger_name, name, required=True).missing_message
        for name in trigger.required
        if not str(fields.get(name, "")).strip()
    }
    if missing:
        raise Invalid("Some required information is missing.", field_errors=missing)
    fields = _coerce_dates(fields, spec, trigger_name, now)
    _check_choices(fields, spec, trigger_name)
    texts = {k: v for k, v in fields.items() if isinstance(v, str)}
    check_texts(texts, FIELD_LIMITS, labels)
    fields.pop("without_quorum", None)  # said only by the meeting's quorum, below
    if transition.decision or trigger.decision:
        from govflow.decisions.services import check_recording_delay

        check_recording_delay(fields.get("decided_at"), now, fields.get("delay_explanation"))
        if meeting is not None:
            # At a meeting: no decision by someone with a declared interest in the item (no
            # dispensation), none while it is not quorate unless the forum allows it.
            from govflow.forums.quorum import check_decision

            shortfall = check_decision(meeting, item, actor)
            if shortfall:
                fields["without_quorum"] = shortfall

    seen = int(version) if version is not None else item.version
    try:
        event = _apply(item, spec, trigger, transition, actor, fields, now, meeting,
                       deputy_for=deputy_for)
    except StaleDataError:
        # Another transaction changed the item between our read and our write: the UPDATE
        # matched no row at the flush. Nothing of ours is applied.
        db.session.rollback()
        db.session.refresh(item)
        raise _stale(item, seen) from None
    return event


def _coerce_dates(fields: dict, spec, trigger_name: str, now: datetime) -> dict:
    """Date fields as dates (decided_at as a naive UTC datetime); a bad date is a field error."""
    out = dict(fields)
    errors = {}
    for name in DATE_FIELDS:
        value = out.get(name)
        if value in (None, ""):
            out.pop(name, None)
            continue
        label = spec.field_label(trigger_name, name)
        try:
            # One parser and one range (govflow.dates) for every date: a number, a list or
            # year 1 is a field error here, never a value the database refuses.
            if isinstance(value, date):
                value = dates.check_range(value, label)
                if isinstance(value, datetime) and value.tzinfo is not None:
                    value = value.astimezone(UTC).replace(tzinfo=None)
            else:
                value = dates.parse_iso_moment(value, label)
        except dates.OutOfRange as err:
            errors[name] = str(err)
            continue
        except ValueError:
            errors[name] = f"Enter {in_a_sentence(label)} as a real date"
            continue
        if name == "decided_at" and not isinstance(value, datetime):
            if value == workdays.london_date(now):
                value = now
            else:
                # A day, not a moment: noon London time on that day.
                noon = datetime.combine(value, time(12), tzinfo=workdays.LONDON)
                value = noon.astimezone(UTC).replace(tzinfo=None)
        elif name != "decided_at" and isinstance(value, datetime):
            value = value.date()
        out[name] = value
    if errors:
        raise Invalid("Some dates could not be read.", field_errors=errors)
    return out


def _check_choices(fields: dict, spec, trigger_name: str) -> None:
    """A field the workflow file gives `choices:` must be one of them."""
    errors = {}
    for name, value in fields.items():
        choices = spec.field_spec(trigger_name, name).choices
        if choices and value not in {v for v, _label in choices}:
            errors[name] = f"Choose {spec.field_label(trigger_name, name).lower()} from the list"
    if errors:
        raise Invalid("Some answers are not one of the choices.", field_errors=errors)


def _apply(item, spec, trigger, transition, actor, fields, now, meeting, *, deputy_for=None):
    from govflow.items.models import Event
    from govflow.notifications import outbox

    from_state, from_tier = item.state, item.tier
    version_before = item.version

    ok = machine(item.kind).events[trigger.name].trigger(item, now=now)
    if not ok:  # the condition disagreed with our pre-check: data changed under us
        raise Refused("That action no longer applies to this item; reload the page.")
    expected = transition.dest or from_state
    if item.state != expected:  # pragma: no cover - would mean the file and engine disagree
        raise RuntimeError(f"workflow moved {item.id} to {item.state}, expected {expected}")

    dest = spec.states[item.state]
    if transition.tier_change == "next":
        item.tier = _next_tier(item.tier, +1)
    elif transition.tier_change == "previous":
        item.tier = _next_tier(item.tier, -1)
    elif dest.tier:
        item.tier = dest.tier

    if trigger.sets_owner and actor is not None:
        item.owner_id = actor.id
    if trigger.clears_owner:
        item.owner_id = None
    if fields.get("review_on_date") is not None:
        item.review_on = fields["review_on_date"]

    # Staying in the same state at the same tier (taking ownership, say) keeps the clock
    # running as it was: only entering a state or a tier sets a new deadline.
    if transition.dest is not None or item.tier != from_tier:
        _set_clock(item, spec, from_state, dest, now)
    item.last_event_at = now
    item.updated_at = now

    # The one line the timeline shows: the field that best says why.
    reason = next((fields[k] for k in REASON_FIELDS if fields.get(k)), "")
    details = {"version_before": version_before}
    details.update({
        k: (v.isoformat() if isinstance(v, date) else v)
        for k, v in fields.items()
        if k not in ("reason",) and (_jsonable(v) or isinstance(v, date))
    })
    if deputy_for is not None:
        # Their name as it was then, in the hashed record: "as deputy for …" everywhere.
        details["as_deputy_for"] = {"id": deputy_for.id, "name": deputy_for.display_name}
    event = Event(
        item_id=item.id,
        trigger=trigger.name,
        from_state=from_state,
        to_state=item.state,
        from_tier=from_tier,
        to_tier=item.tier,
        actor_id=actor.id if actor is not None else None,
        reason=str(reason),
        details=details,
        meeting_id=meeting.id if meeting is not None else None,
        at=now,
    )
    db.session.add(event)
    outcome = transition.decision or trigger.decision
    # Flushed now: a concurrent change to the item shows here (the version check), and the
    # decision refers to the event by id.
    db.session.flush()

    if outcome:
        record_decision(item, event, outcome, from_tier, actor, fields, now, meeting)
    outbox.notify_transition(item, event, actor=actor, trigger=trigger, now=now)
    db.session.flush()  # all of it written (never committed): the caller's boundary commits
    return event


REASON_FIELDS = ("reason", "resolution", "support_given", "why_not", "what_learnt", "conditions")


def _jsonable(value) -> bool:
    return isinstance(value, str | int | float | bool) or value is None


def _set_clock(item, spec, from_state, dest, now):
    """Set the next deadline for the state the item has just entered."""
    s = spec.settings
    if dest.clock == "tier":
        if from_state == "paused" and item.due_at is not None and item.paused_at is not None:
            # The clock stopped while paused (at most the cap): move the deadline on by
            # the working days it was paused, so the time left is what it was.
            paused_days = workdays.working_days_between(
                workdays.to_london(item.paused_at).date(), workdays.to_london(now).date()
            )
            paused_days = min(paused_days, int(s.get("pause_cap_working_days", 10)))
            item.due_at = workdays.extend_by_working_days(item.due_at, paused_days)
        else:
            item.due_at = workdays.deadline_after(now, spec.deadlines.get(item.tier, 2))
        item.paused_at = None
        item.pause_ends_at = None
        item.warning_sent_for = None
    elif dest.clock == "paused":
        item.paused_at = now
        item.pause_ends_at = workdays.deadline_after(now, int(s.get("pause_cap_working_days", 10)))
    elif dest.clock == "quiet_period":
        item.due_at = workdays.deadline_after(now, int(s.get("quiet_period_working_days", 5)))
        item.unblocked_at = now
    else:
        item.due_at = None
        item.paused_at = None
        item.pause_ends_at = None
    if dest.final:
        item.closed_at = now


def record_decision(item, event, outcome, tier, actor, fields, now, meeting):
    """Write the decision-log entry for a transition (same transaction as its event)."""
    from govflow.decisions.models import Decision

    decided_at = fields.get("decided_at") or now
    if isinstance(decided_at, str):
        decided_at = datetime.fromisoformat(decided_at)
    decision = Decision(
        item_id=item.id,
        event_id=event.id,
        tier=tier,
        outcome=outcome,
        summary=str(fields.get("summary") or event_summary(item, outcome, fields)),
        rationale=str(
            fields.get("rationale") or fields.get("resolution") or fields.get("support_given")
            or fields.get("reason") or ""
        ),
        reason_category=fields.get("reason_category"),
        why_not=str(fields.get("why_not") or ""),
        what_would_make_yes=str(fields.get("what_would_make_yes") or ""),
        conditions=str(fields.get("conditions") or ""),
        alternatives=str(fields.get("alternatives") or ""),
        conflicts=str(fields.get("conflicts") or ""),
        review_on=fields.get("review_on_date"),
        decided_by_id=actor.id if actor is not None else None,
        by_default=actor is None,
        decided_at=decided_at,
        recorded_at=now,
        delay_explanation=str(fields.get("delay_explanation") or ""),
        meeting_id=meeting.id if meeting is not None else None,
        without_quorum=fields.get("without_quorum") or None,
    )
    db.session.add(decision)
    return decision


def event_summary(item, outcome: str, fields: dict) -> str:
    words = {
        "unblocked": "Unblocked",
        "referred_down": "Referred down with support or permission given",
        "approved": "Approved",
        "declined": "Declined",
        "escalation_refused": "Escalation refused",
    }
    return f"{words.get(outcome, outcome.replace('_', ' ').capitalize())}: {item.title}"


def start(item, actor, *, now: datetime | None = None, reason: str = "", tier: str | None = None):
    """Put a new item into its workflow's initial state and write its first event."""
    from govflow.items.models import Event
    from govflow.notifications import outbox

    now = now or utcnow()
    spec = definition(item.kind)
    item.state = spec.initial
    initial = spec.states[spec.initial]
    item.tier = tier or initial.tier or item.tier or "bronze"
    item.created_at = item.created_at or now
    item.last_event_at = now
    item.updated_at = now
    _set_clock(item, spec, None, initial, now)
    db.session.add(item)
    db.session.flush()
    event = Event(
        item_id=item.id,
        trigger="raise",
        from_state=None,
        to_state=item.state,
        from_tier=None,
        to_tier=item.tier,
        actor_id=actor.id if actor is not None else None,
        reason=reason,
        details={"version_before": 0},
        at=now,
    )
    db.session.add(event)
    db.session.flush()
    outbox.notify_transition(item, event, actor=actor, trigger=None, now=now)
    db.session.flush()
    return event


# ---------------------------------------------------------------- restricting an item

RESTRICT_REASON_LIMIT = 2000


def set_restricted(item, actor, *, restricted: bool, reason: str, version=None,
                   now: datetime | None = None):
    """Mark an item restricted (or lift it), with a reason; both are events in its history.

    Who may is the access policy's (permissions.may_restrict). The state does not move: the
    event records the same state and tier on both sides. Flushes, never commits."""
    from govflow.items.models import Event
    from govflow.permissions import may_restrict

    now = now or utcnow()
    label = definition(item.kind).label.lower()
    if not may_restrict(actor, item):
        raise Forbidden(f"You cannot restrict or unrestrict this {label}: its raiser, a "
                        "facilitator or sponsor of its area, Silver or Gold can.")
    _check_version(item, version)
    if bool(item.restricted) == restricted:
        raise Refused(f"This {label} is already {'restricted' if restricted else 'not restricted'}.")
    reason = (reason or "").strip()
    if not reason:
        raise Invalid("Give a reason.", field_errors={"reason": (
            "Say why it must be restricted (a staff matter, something commercially sensitive, "
            "a live safeguarding concern)" if restricted else "Say why it no longer needs to be "
            "restricted")})
    check_texts({"reason": reason}, {"reason": RESTRICT_REASON_LIMIT}, {"reason": "Reason"})
    version_before = item.version
    item.restricted = restricted
    item.restricted_reason = reason if restricted else ""
    item.updated_at = now
    item.last_event_at = now
    event = Event.in_place(item, "restrict" if restricted else "unrestrict", actor=actor,
                           reason=reason, details={"version_before": version_before}, at=now)
    db.session.add(event)
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        db.session.refresh(item)
        raise _stale(item, version_before) from None
    return event
