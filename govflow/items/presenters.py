"""Plain-English views of items for pages and CSV: deadlines, timelines and what changed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from govflow import workdays
from govflow.workflow import vocabulary
from govflow.workflow.definition import WorkflowDefinition

OPEN_CLOCK_STATES = frozenset(vocabulary.clock_states())


def is_overdue(item, now: datetime) -> bool:
    return bool(
        item.due_at is not None
        and item.state in OPEN_CLOCK_STATES
        and item.due_at < now
    )


def deadline_text(item, now: datetime) -> str:
    """"Due in 2 working days", "Overdue by 1 working day", or what the clock is doing."""
    if item.state == "paused":
        if item.pause_ends_at is not None:
            return ("Paused: the clock is stopped until it is resumed, or until "
                    f"{workdays.format_datetime(item.pause_ends_at)} at the latest")
        return "Paused: the clock is stopped"
    if item.due_at is None:
        return ""
    if item.state == "unblocked":
        return (f"Closes itself on {workdays.format_date(item.due_at)} unless the person who "
                "raised it reopens it")
    if item.state not in OPEN_CLOCK_STATES:
        return ""
    return workdays.due_text(item.due_at, now)


@dataclass
class ItemRow:
    """An item as a list shows it: the item's own attributes plus its deadline wording."""

    item: object
    due_text: str
    is_overdue: bool

    def __getattr__(self, name):
        return getattr(self.item, name)


def rows_for(items, now: datetime) -> list[ItemRow]:
    return [ItemRow(i, deadline_text(i, now), is_overdue(i, now)) for i in items]


class AreaName:
    """An item's area as a card shows it."""

    __slots__ = ("name", "slug")

    def __init__(self, name: str, slug: str):
        self.name = name
        self.slug = slug


class CardRow:
    """An item as a list page's card shows it, from a row of queries.card_page: what
    templates/items/_cards.html reads (id, kind, title, state, tier, area.name) and its
    deadline wording.
    Plain attributes, no ORM instance behind them."""

    __slots__ = ("id", "kind", "title", "state", "tier", "due_at", "pause_ends_at", "area",
                 "due_text", "is_overdue")

    def __init__(self, row, area, now: datetime):
        self.id = row.id
        self.kind = row.kind
        self.title = row.title
        self.state = row.state
        self.tier = row.tier
        self.due_at = row.due_at
        self.pause_ends_at = row.pause_ends_at
        self.area = area
        self.due_text = deadline_text(self, now)
        self.is_overdue = is_overdue(self, now)


def card_rows(rows, now: datetime) -> list[CardRow]:
    """CardRows for queries.card_page's rows (an area read once however many rows share it)."""
    areas: dict = {}
    out = []
    for r in rows:
        area = None
        if r.area_name is not None:
            key = (r.area_name, r.area_slug)
            area = areas.get(key)
            if area is None:
                area = areas[key] = AreaName(*key)
        out.append(CardRow(r, area, now))
    return out


@dataclass
class TimelineEntry:
    """One line of an item's history (an event or a comment) for items/_timeline.html."""

    at: datetime
    actor: object
    trigger_label: str
    reason: str = ""
    from_state: str | None = None
    to_state: str | None = None
    from_tier: str | None = None
    to_tier: str | None = None
    kind: str = "event"
    order: int = 0
    # Comments only: its number, the comment it corrects, whether a later one corrects it,
    # and whether the person looking may correct it (they wrote it and it stands).
    comment_id: int | None = None
    corrects: int | None = None
    corrected: bool = False
    may_correct: bool = False
    # Events only: whom the actor stood in for as their deputy, and whether the text starts
    # with a bare reason (screen readers hear "Reason: " before it) rather than an answer
    # under its own label ("What was done to unblock it: …").
    deputy_for: str | None = None
    bare_reason: bool = False


# Events the workflow engine writes that are not triggers in the workflow files.
OTHER_EVENTS = {"restrict": "Restricted to the people involved",
                "unrestrict": "No longer restricted"}


def event_label(spec: WorkflowDefinition, trigger: str) -> str:
    if trigger == "raise":
        return f"{spec.label} raised"
    if trigger in OTHER_EVENTS:
        return OTHER_EVENTS[trigger]
    found = spec.triggers.get(trigger)
    if found is None:
        return trigger.replace("_", " ").capitalize()
    return found.done


def _answered(label: str, value) -> str:
    """An answer after the fact, under its form label without the form's "(optional)": "Why
    not? Too dear", "Conditions: Tell the library"."""
    label = label.replace("(optional)", "").strip().rstrip(":").strip()
    return f"{label} {value}" if label.endswith("?") else f"{label}: {value}"


def _as_date(value):
    """A date answer (kept as ISO text in the event's details) as GOV.UK writes dates."""
    try:
        return workdays.format_date(date.fromisoformat(str(value)[:10]))
    except ValueError:
        return value


def event_text(spec: WorkflowDefinition, event) -> str:
    """Each answer the action's form asked for, with its label ("What was done to unblock
    it: …"); a reason with no form field behind it (the sweep's), or under the plain label
    "Reason" (govflow's own, moving a systemic blocker), is shown as it is: the history
    already says it is the reason."""
    details = event.details or {}
    parts = []
    said_reason = False
    fields = spec.form_fields(event.trigger) if event.trigger in spec.triggers else []
    for field in fields:
        value = details.get(field.name)
        if field.name == "reason":
            value = event.reason
        if value in (None, ""):
            continue
        if value == event.reason:
            said_reason = True
            if field.label == "Reason":
                parts.append(value)
                continue
        if field.type == "money" and isinstance(value, int):
            value = f"£{value / 100:,.2f}".removesuffix(".00")
        elif field.type == "select":
            value = dict(field.choices).get(str(value), value)
        elif field.type == "date":
            value = _as_date(value)
        parts.append(_answered(field.label, value))
    if event.reason and not said_reason:
        parts.insert(0, event.reason)
    return "\n\n".join(parts)


def deputy_for(details) -> str | None:
    """The name an event kept of the person its actor stood in for as deputy (details may
    come as JSON text from the history's union of events and comments)."""
    if isinstance(details, str):
        # Most events were not done as a deputy: their text is not parsed at all.
        if "as_deputy_for" not in details:
            return None
        import json

        details = json.loads(details)
    return ((details or {}).get("as_deputy_for") or {}).get("name")


def timeline(spec: WorkflowDefinition, events, comments,
             viewer_id: int | None = None) -> list[TimelineEntry]:
    """Every event and comment, newest first. A corrected comment stays, marked as
    corrected; its author (`viewer_id`) may correct a comment that still stands."""
    corrected = {c.supersedes_id for c in comments if c.supersedes_id is not None}
    entries = [
        TimelineEntry(
            at=e.at, actor=e.actor, trigger_label=event_label(spec, e.trigger),
            reason=text, from_state=e.from_state, to_state=e.to_state,
            from_tier=e.from_tier, to_tier=e.to_tier, order=e.id * 2,
            deputy_for=deputy_for(e.details),
            bare_reason=bool(e.reason) and text.startswith(e.reason),
        )
        for e in events
        for text in (event_text(spec, e),)
    ]
    entries += [
        TimelineEntry(
            at=c.created_at, actor=c.author,
            trigger_label="Correction of a comment" if c.supersedes_id else "Comment",
            reason=c.body, kind="comment", order=c.id * 2 + 1, comment_id=c.id,
            corrects=c.supersedes_id, corrected=c.id in corrected,
            may_correct=c.id not in corrected and viewer_id is not None
            and c.author_id == viewer_id,
        )
        for c in comments
    ]
    return sorted(entries, key=lambda e: (e.at, e.kind == "comment", e.order), reverse=True)


def change_sentences(spec: WorkflowDefinition, changes: list[dict]) -> list[str]:
    """StaleVersion's `changes` as sentences: "Rachel Dunn escalated it (Bronze to Silver) …"."""
    out = []
    for c in changes:
        what = event_label(spec, c.get("trigger", ""))
        moved = ""
        if c.get("from_state") and c.get("to_state") and c["from_state"] != c["to_state"]:
            moved = (f" ({spec.state_label(c['from_state'])} to "
                     f"{spec.state_label(c['to_state'])})")
        when = ""
        if c.get("at"):
            try:
                at = datetime.fromisoformat(c["at"].removesuffix("Z"))  # naive UTC
                when = f" on {workdays.format_datetime(at)}"
            except ValueError:
                when = f" at {c['at']}"
        sentence = f"{what}{moved} by {c.get('actor') or 'someone'}{when}."
        if c.get("reason"):
            sentence += f" “{c['reason']}”"
        out.append(sentence)
    return out
