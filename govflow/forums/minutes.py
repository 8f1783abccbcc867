"""Minutes, addenda and decision logs as PDF: a plain record built from the database, rendered
from the print templates. Approved minutes are archived once as PDF/A with the record
embedded, and its fingerprint printed in the footer."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from govflow import workdays
from govflow.accounts.models import LocalArea
from govflow.clock import utcnow
from govflow.decisions.models import OUTCOME_LABELS, REASON_CATEGORIES, Decision
from govflow.extensions import db
from govflow.forums import quorum, services
from govflow.forums.models import Forum, Meeting, MinutesAddendum
from govflow.items.models import Item, ItemArea
from govflow.pdf import render_pdf, sha256
from govflow.permissions import hidden_restricted_ids, item_visible_clause
from govflow.records.roots import root_line
from govflow.workflow import vocabulary

RECORD_NAME = "minutes-record.json"
STATUS_LABELS = {"open": "Open", "done": "Done", "dropped": "Dropped"}
KIND_LABELS = vocabulary.kind_labels()


@dataclass(frozen=True)
class ArchivedMinutes:
    pdf: bytes
    sha256: str
    fingerprint: str
    record: dict


def _date(d) -> str:
    if d is None:
        return ""
    if isinstance(d, datetime):
        return workdays.format_date(workdays.london_date(d))
    return workdays.format_date(d)


def _time(dt: datetime | None) -> str:
    return workdays.format_time(dt) if dt else ""


def _person(user) -> str:
    return user.display_name if user is not None else ""


def _who(user) -> str:
    if user is None:
        return ""
    org = user.organisation.name if user.organisation else ""
    return ", ".join(p for p in (user.job_title, org) if p)


def decision_record(d: Decision) -> dict:
    item = d.item
    return {
        "id": d.id,
        "ref": f"Decision {d.id}",
        "item_ref": f"{KIND_LABELS.get(item.kind, item.kind)} {item.id}",
        "item_title": item.title,
        "tier": d.tier.capitalize(),
        "outcome": d.outcome,
        "outcome_label": OUTCOME_LABELS.get(d.outcome, d.outcome.replace("_", " ").capitalize()),
        "summary": d.summary,
        "rationale": d.rationale,
        "reason_category": REASON_CATEGORIES.get(d.reason_category or "", ""),
        "why_not": d.why_not,
        "what_would_make_yes": d.what_would_make_yes,
        "conditions": d.conditions,
        "alternatives": d.alternatives,
        "decided_by": ("By default (no decision in time)" if d.by_default
                       else _person(d.decided_by) + (f" as deputy for {d.deputy_for_name}"
                                                     if d.deputy_for_name else "")),
        "decided_at": _date(d.decided_at),
        "meeting": (f"{d.meeting.forum.name}, {_date(d.meeting.starts_at)}" if d.meeting_id else ""),
        "without_quorum": d.without_quorum or "",
        "supersedes": f"decision {d.supersedes_id}" if d.supersedes_id else "",
        "superseded_by": f"decision {d.superseded_by.id}" if d.superseded_by is not None else "",
        "superseded_on": _date(d.superseded_by.decided_at) if d.superseded_by is not None else "",
    }


def action_record(a, agenda_position: int | None = None) -> dict:
    return {
        "id": a.id,
        "ref": f"{a.id}",
        "what": a.what,
        "owner": _person(a.owner),
        "sponsor": _person(a.sponsor),
        "area": a.area.name if a.area else "",
        "due_on": _date(a.due_on),
        "status": STATUS_LABELS.get(a.status, a.status),
        "outcome_note": a.outcome_note,
        "agenda_position": agenda_position,
    }


def item_ids_in(meeting: Meeting) -> set[int]:
    """Every item the meeting's minutes mention (agenda, decisions, actions)."""
    ids = {e.item_id for e in meeting.agenda if e.item_id is not None}
    ids |= {d.item_id for d in services.decisions_at(meeting)}
    ids |= {a.item_id for a in services.actions_at(meeting) if a.item_id is not None}
    return ids


def left_out_for(meeting: Meeting, reader) -> set[int]:
    """The items in these minutes that `reader` may not see (restricted, not theirs)."""
    if reader is None:
        return set()
    return item_ids_in(meeting) & set(hidden_restricted_ids(reader))


def minutes_record(meeting: Meeting, leave_out: set[int] = frozenset()) -> dict:
    """Everything the minutes say, as plain values: what the template renders, what is
    embedded in the archive, and what the fingerprint is taken of. `leave_out`: items (and
    their agenda entries, decisions and actions) a reader's copy does not mention."""
    forum = meeting.forum
    decisions = [d for d in services.decisions_at(meeting) if d.item_id not in leave_out]
    actions = [a for a in services.actions_at(meeting) if a.item_id not in leave_out]
    agenda = sorted((e for e in meeting.agenda if e.item_id not in leave_out),
                    key=lambda a: a.position)
    position_of_item = {}
    for entry in agenda:
        if entry.item_id is not None:
            position_of_item.setdefault(entry.item_id, entry.position)

    agenda_records = []
    for entry in agenda:
        item = entry.item
        action = entry.sponsor_action
        agenda_records.append({
            "position": entry.position,
            "kind": entry.kind,
            "kind_label": services.AGENDA_KIND_LABELS.get(entry.kind, entry.kind),
            "title": entry.title or (item.title if item else ""),
            "item_ref": f"{KIND_LABELS.get(item.kind, item.kind)} {item.id}" if item else "",
            "item_area": item.area.name if item else "",
            "item_tier": item.tier.capitalize() if item else "",
            "action": action_record(action) if action is not None else None,
            "notes": entry.notes,
            "decisions": [decision_record(d) for d in decisions
                          if item is not None and d.item_id == item.id
                          and position_of_item.get(d.item_id) == entry.position],
            "actions": [action_record(a, entry.position) for a in actions
                        if item is not None and a.item_id == item.id
                        and position_of_item.get(a.item_id) == entry.position],
        })

    _referrals_into(meeting, agenda, agenda_records)
    conflicts = conflict_records(meeting, {e.id: e.position for e in agenda})
    for record in agenda_records:
        record["interests"] = [c for c in conflicts if c["agenda_position"] == record["position"]]

    def attendee(a):
        return {"name": a.name, "role": a.guest_role if a.user is None else _who(a.user),
                "guest": a.user is None}

    return {
        "forum": {
            "name": forum.name,
            "slug": forum.slug,
            "kind": "Central governance forum" if forum.kind == "central" else "Local governance group",
            "area": forum.area.name if forum.area else "",
        },
        "meeting": {
            "id": meeting.id,
            "date": _date(meeting.starts_at),
            "starts": _time(meeting.starts_at),
            "ends": _time(meeting.ends_at),
            "place": meeting.place,
            "chair": _person(meeting.chair),
            "summary": meeting.summary,
            "status": meeting.status,
            "closed_on": _date(meeting.closed_at),
            "approved_by": _approver(meeting),
            "approved_on": _date(meeting.approved_at),
            "quorum": quorum.describe(forum),
        },
        "present": [attendee(a) for a in in_minutes_order(meeting, "present")],
        "apologies": [attendee(a) for a in in_minutes_order(meeting, "apologies")],
        "absent": [{"name": u.display_name, "role": _who(u)} for u in absent_members(meeting)],
        "conflicts": conflicts,
        "agenda": agenda_records,
        "actions": [action_record(a, position_of_item.get(a.item_id)) for a in actions],
        "decision_log": [decision_record(d) for d in decisions],
    } | _referred_out(meeting)


def _referred_out(meeting: Meeting) -> dict:
    from govflow.forums import referrals

    out = referrals.minutes_referred_out(meeting)
    return {"referred_to_central": out} if out else {}


def conflict_records(meeting: Meeting, positions: dict) -> list[dict]:
    """Each declaration, and whether the person took part: a member who declared an interest
    in an agenda item did not, unless the chair recorded a dispensation (printed with it)."""
    out = []
    for c in meeting.conflicts:
        position = positions.get(c.agenda_item_id)
        name = _person(c.user) if c.user else c.person_name
        if c.dispensation:
            part = (f"{name} declared an interest and took part under a dispensation from "
                    f"{_person(c.dispensation_by)}: {c.dispensation}")
        elif c.user_id and position is not None:
            part = f"{name} declared an interest and did not take part"
        else:
            part = ""
        out.append({"name": name, "agenda_position": position, "declaration": c.declaration,
                    "dispensation": c.dispensation or "", "part": part})
    return out


def absent_members(meeting: Meeting) -> list:
    """Members of the forum neither present nor sending apologies."""
    recorded = {a.user_id for a in meeting.attendance if a.user_id is not None}
    return [u for u in meeting.forum.members if u.id not in recorded]


def _approver(meeting: Meeting) -> str:
    """Who approved the minutes, and in what capacity ("Ann Smith (chair)")."""
    user = meeting.approved_by
    if user is None:
        return ""
    if user.id == meeting.chair_id:
        return f"{user.display_name} (chair)"
    if user.id == meeting.vice_chair_id:
        return f"{user.display_name} (vice-chair)"
    return user.display_name


def _referrals_into(meeting: Meeting, agenda: list, records: list[dict]) -> None:
    """Referrals between a local group and the central forum, in both sets of minutes.
    Added only where there are any, so minutes without them keep their record as it was."""
    from govflow.forums import referrals

    for entry, record in zip(agenda, records, strict=True):
        said = referrals.minutes_entry(meeting, entry)
        if said is not None:
            record["referral"] = said
            record["kind_label"] = said["label"] or record["kind_label"]


def in_minutes_order(meeting: Meeting, status: str) -> list:
    """The chair first, then members by name, then guests in the order they were added."""
    rows = [a for a in meeting.attendance if a.status == status]
    return sorted(rows, key=lambda a: (
        a.user_id is None or a.user_id != meeting.chair_id,
        a.user_id is None,
        a.name.casefold() if a.user_id is not None else "",
        a.id or 0,
    ))


def canonical(record: dict) -> bytes:
    return json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def fingerprint(record: dict) -> str:
    return hashlib.sha256(canonical(record)).hexdigest()


def _title(meeting: Meeting) -> str:
    return f"Minutes of the {meeting.forum.name}, {_date(meeting.starts_at)}"


def render_draft_minutes(meeting: Meeting, fetcher=None, leave_out: set[int] = frozenset()) -> bytes:
    """Draft minutes (watermarked DRAFT), rendered fresh from the current record."""
    return _render_fresh(meeting, leave_out, fetcher, draft=True)


def render_readers_copy(meeting: Meeting, leave_out: set[int], fetcher=None) -> bytes:
    """Approved minutes for a reader who may not see some of the items in them: rendered
    fresh without those items (the archived copy, which mentions them, is not theirs to
    read). It says so, and carries no archive fingerprint."""
    return _render_fresh(meeting, leave_out, fetcher, draft=False)


def _render_fresh(meeting: Meeting, leave_out: set[int], fetcher, *, draft: bool) -> bytes:
    """Minutes rendered from the current record, not the archive: no fingerprint."""
    return render_pdf(
        "print/minutes.html",
        title=("DRAFT " if draft else "") + _title(meeting),
        author=meeting.forum.name,
        record=minutes_record(meeting, leave_out),
        draft=draft,
        fingerprint="",
        record_root=root_line(),
        left_out=len(leave_out),
        fetcher=fetcher,
    )


def render_approved_minutes(meeting: Meeting, fetcher=None) -> ArchivedMinutes:
    """The archival copy: PDF/A-3b with the record embedded; its fingerprint in the footer."""
    record = minutes_record(meeting)
    embedded = canonical(record)
    print_fingerprint = hashlib.sha256(embedded).hexdigest()
    pdf = render_pdf(
        "print/minutes.html",
        title=_title(meeting),
        author=meeting.forum.name,
        created=meeting.approved_at,
        pdf_variant="pdf/a-3b",
        attachments=[(RECORD_NAME, embedded, "The approved minutes as data (UTF-8 JSON); "
                      "its SHA-256 is the record fingerprint printed in the footer")],
        record=record,
        draft=False,
        fingerprint=print_fingerprint,
        record_root=root_line(),
        fetcher=fetcher,
    )
    return ArchivedMinutes(pdf=pdf, sha256=sha256(pdf), fingerprint=print_fingerprint, record=record)


def minutes_pdf(meeting: Meeting, reader=None) -> tuple[bytes, bool]:
    """(bytes, is_archived): the stored archive for approved minutes, else a fresh draft; for
    a reader who may not see an item in them, a fresh copy that leaves it out."""
    leave_out = left_out_for(meeting, reader)
    if meeting.status == "approved":
        if leave_out:
            return render_readers_copy(meeting, leave_out), False
        stored = db.session.scalar(select(Meeting.minutes_pdf).where(Meeting.id == meeting.id))
        return stored, True
    return render_draft_minutes(meeting, leave_out=leave_out), False


@dataclass(frozen=True)
class NumberedAddendum:
    """An addendum as the meeting page and the addenda PDF show it: numbered in the order
    added, with the number it corrects and the number that corrected it, if any."""
    n: int
    addendum: MinutesAddendum
    corrects: int | None
    corrected_by: int | None


def numbered_addenda(meeting: Meeting) -> list[NumberedAddendum]:
    rows = sorted(meeting.addenda, key=lambda a: a.id)
    number = {a.id: n for n, a in enumerate(rows, start=1)}
    corrected_by = {a.supersedes_id: number[a.id] for a in rows if a.supersedes_id}
    return [NumberedAddendum(number[a.id], a, number.get(a.supersedes_id),
                             corrected_by.get(a.id)) for a in rows]


def render_addenda(meeting: Meeting) -> bytes:
    record = {
        "forum": meeting.forum.name,
        "meeting_date": _date(meeting.starts_at),
        "minutes_sha256": meeting.minutes_sha256,
        "fingerprint": meeting.minutes_fingerprint,
        "approved_on": _date(meeting.approved_at),
        "addenda": [
            {"n": row.n, "author": _person(row.addendum.author),
             "date": _date(row.addendum.created_at), "body": row.addendum.body,
             "corrects": row.corrects, "corrected_by": row.corrected_by}
            for row in numbered_addenda(meeting)
        ],
        "corrections": [decision_record(d) for d in services.later_corrections(meeting)],
    }
    return render_pdf(
        "print/addenda.html",
        title=f"Addenda to the minutes of the {meeting.forum.name}, {_date(meeting.starts_at)}",
        author=meeting.forum.name,
        record=record,
        record_root=root_line(),
    )


# ---------------------------------------------------------------- decision logs


@dataclass(frozen=True)
class LogScope:
    reader: object = None  # the person printing it: the log holds what they may see
    forum: Forum | None = None
    area: LocalArea | None = None
    date_from: date | None = None
    date_to: date | None = None

    def describe(self) -> str:
        parts = []
        if self.forum is not None:
            parts.append(f"decisions taken at {self.forum.name}")
        if self.area is not None:
            parts.append(f"decisions on {self.area.name}'s blockers and ideas")
        if not parts:
            parts.append("all decisions")
        if self.date_from and self.date_to:
            parts.append(f"from {_date(self.date_from)} to {_date(self.date_to)}")
        elif self.date_from:
            parts.append(f"from {_date(self.date_from)}")
        elif self.date_to:
            parts.append(f"up to {_date(self.date_to)}")
        text = ", ".join(parts)
        return text[0].upper() + text[1:]


def _london_midnight(d: date) -> datetime:
    return workdays._london_to_naive_utc(d, time(0, 0))


def log_decisions(scope: LogScope, limit: int | None = None) -> list[Decision]:
    query = select(Decision).options(
        selectinload(Decision.item),
        selectinload(Decision.decided_by),
        selectinload(Decision.event),  # "as deputy for …", kept on the event
        selectinload(Decision.superseded_by),
        selectinload(Decision.meeting).selectinload(Meeting.forum),
    )
    if scope.reader is not None:
        query = query.where(item_visible_clause(scope.reader, Decision.item_id))
    if scope.forum is not None:
        query = query.where(Decision.meeting_id.in_(
            select(Meeting.id).where(Meeting.forum_id == scope.forum.id)
        ))
    if scope.area is not None:
        extra = select(ItemArea.item_id).where(ItemArea.area_id == scope.area.id)
        in_area = select(Item.id).where(or_(Item.area_id == scope.area.id, Item.id.in_(extra)))
        query = query.where(Decision.item_id.in_(in_area))
    if scope.date_from is not None:
        query = query.where(Decision.decided_at >= _london_midnight(scope.date_from))
    if scope.date_to is not None:
        day_after = date.fromordinal(scope.date_to.toordinal() + 1)
        query = query.where(Decision.decided_at < _london_midnight(day_after))
    query = query.order_by(Decision.decided_at, Decision.id)
    if limit:
        query = query.limit(limit)
    return list(db.session.scalars(query))


def render_decision_log(scope: LogScope, author: str = "govflow", fetcher=None) -> bytes:
    entries = [decision_record(d) for d in log_decisions(scope)]
    title = f"Decision log: {scope.describe()}"
    return render_pdf(
        "print/decision_log.html",
        title=title,
        author=author,
        scope=scope.describe(),
        printed_on=_date(utcnow()),
        entries=entries,
        superseded=sum(1 for e in entries if e["superseded_by"]),
        record_root=root_line(),
        fetcher=fetcher,
    )
