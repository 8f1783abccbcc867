"""Writes notifications into the outbox in the same transaction as the change they report.

Inside a sweep run the item notifications are grouped (`grouping`): one notification per
person per run, listing every item the run told them about, instead of one per person per
item (see RunNotices).
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import bindparam, insert, select, update

from govflow import transaction
from govflow.extensions import db

_grouping: ContextVar[RunNotices | None] = ContextVar("govflow_run_notices", default=None)


def notify(user, kind: str, subject: str, body: str = "", *, item=None, link: str = "",
           dedupe_key: str | None = None, now=None, forwarded: bool = False):
    """Add one notification for one person (skipped if its dedupe key was already written).

    While a sweep run groups notifications (`grouping`), one about an item is added to the
    person's one notification for the run instead; its dedupe key is not needed then, as the
    sweep marks on the item what it has done."""
    from govflow.notifications.models import Notification

    if user is None or not user.active:
        return None
    if not forwarded:  # a deputy's copy goes no further (two people may deputise for each other)
        _tell_deputy(user, kind, subject, body, item=item, link=link, dedupe_key=dedupe_key,
                     now=now)
    run = _grouping.get()
    if run is not None and (item is not None or link):
        run.add(user.id, kind, subject, body, item.id if item is not None else None,
                link or f"/items/{item.id}")
        return None
    if dedupe_key is not None:
        exists = db.session.scalar(
            select(Notification.id).where(Notification.dedupe_key == dedupe_key)
        )
        if exists:
            return None
    row = Notification(
        user_id=user.id,
        kind=kind,
        subject=subject[:300],
        body=body,
        item_id=item.id if item is not None else None,
        link=link or (f"/items/{item.id}" if item is not None else ""),
        dedupe_key=dedupe_key,
    )
    if now is not None:
        row.created_at = now
    db.session.add(row)
    return row


def _tell_deputy(user, kind, subject, body, *, item, link, dedupe_key, now) -> None:
    """While someone is away, their deputy is told what they are told (and sees it in their
    own inbox, marked as for the person away)."""
    from govflow.accounts.deputies import deputy_today

    deputy = deputy_today(user.id)
    if deputy is None or not deputy.active:
        return
    notify(deputy, kind, f"For {user.display_name}, who is away: {subject}"[:300], body,
           item=item, link=link, now=now, forwarded=True,
           dedupe_key=f"{dedupe_key}:deputy:{deputy.id}"[:200] if dedupe_key else None)


@dataclass(frozen=True)
class Person:
    """What the sweep needs of a person it tells something (kept for a whole run, so it must
    not be a User bound to a session that commits every batch)."""

    id: int
    display_name: str
    active: bool = True


def tier_people(item) -> list:
    """The people who work an item at its current tier (within a sweep run: looked up once per
    tier, areas and organisation, as Person records)."""
    from govflow.permissions import item_area_ids

    areas = item_area_ids(item)
    run = _grouping.get()
    if run is None:
        return _tier_people_query(item.tier, areas, item.organisation_id)
    key = (item.tier, frozenset(areas), item.organisation_id if item.tier == "silver" else None)
    people = run.tier_people.get(key)
    if people is None:
        people = [Person(u.id, u.display_name) for u in
                  _tier_people_query(item.tier, areas, item.organisation_id)]
        run.tier_people[key] = people
    return people


def _tier_people_query(tier: str, areas: set[int], organisation_id: int | None) -> list:
    from govflow.accounts.models import RoleAssignment, User

    if tier == "bronze":
        q = select(User).join(RoleAssignment).where(
            RoleAssignment.role.in_(("facilitator", "sponsor")), RoleAssignment.area_id.in_(areas)
        )
    elif tier == "silver":
        hos = select(RoleAssignment.user_id).where(RoleAssignment.role == "head_of_service")
        in_scope = User.home_area_id.in_(areas)
        if organisation_id is not None:
            in_scope = in_scope | (User.organisation_id == organisation_id)
        sponsors = select(RoleAssignment.user_id).where(
            RoleAssignment.role == "sponsor", RoleAssignment.area_id.in_(areas)
        )
        q = select(User).where((User.id.in_(hos) & in_scope) | User.id.in_(sponsors))
    else:
        q = select(User).join(RoleAssignment).where(
            (RoleAssignment.role == "executive")
            | ((RoleAssignment.role == "sponsor") & RoleAssignment.area_id.in_(areas))
        )
    return list(db.session.scalars(q.where(User.active.is_(True)).distinct()))


def with_article(noun: str) -> str:
    """ "a blocker", "an idea"."""
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def notify_transition(item, event, *, actor, trigger, now=None):
    """The raiser hears of every change; a tier's people hear when an item reaches them."""
    from govflow.workflow.definition import load

    spec = load(item.kind)
    who = actor.display_name if actor is not None else "govflow (automatic)"
    what = trigger.done if trigger is not None else "Raised"
    subject = f"{what}: {item.title}"
    body = f"{who} — {what.lower()}. It is now {spec.state_phrase(event.to_state)}."
    if event.reason:
        body += f"\n\n{event.reason}"
    told = set()
    if item.raised_by_id and (actor is None or actor.id != item.raised_by_id):
        notify(item.raised_by, "item_changed", subject, body, item=item, now=now)
        told.add(item.raised_by_id)
    _tell_followers(item, subject, body, told, actor, now)
    reached_tier = event.from_tier != event.to_tier or event.from_state is None or (
        # back at a tier from a state that has none (paused, unblocked, closed)
        spec.states[event.from_state].tier is None and spec.states[event.to_state].tier
    )
    if reached_tier and spec.states[event.to_state].open:
        for person in tier_people(item):
            if person.id in told or (actor is not None and person.id == actor.id):
                continue
            notify(
                person,
                "reached_tier",
                f"New at {item.tier.capitalize()}: {item.title}",
                f"{with_article(spec.label.lower()).capitalize()} in {item.area.name} has "
                f"reached {item.tier.capitalize()} and needs someone there to act. {body}",
                item=item,
                now=now,
            )
            told.add(person.id)


def _tell_followers(item, subject: str, body: str, told: set[int], actor, now) -> None:
    """People following the item (or an area it is in) hear of each change, if they may see
    it. One query for the followers; none more unless someone follows it."""
    from govflow.accounts.models import User
    from govflow.follows.queries import follower_ids
    from govflow.permissions import can_view_item

    ids = follower_ids(item) - told - ({actor.id} if actor is not None else set())
    if not ids:
        return
    for person in db.session.scalars(select(User).where(User.id.in_(sorted(ids)),
                                                        User.active.is_(True))):
        if can_view_item(person, item):
            notify(person, "followed", subject, body, item=item, now=now)
            told.add(person.id)


# --- one notification per person per sweep run ------------------------------------------

# What a sweep run can tell a person, in the order its notification lists them: kind ->
# (short phrase for the subject, heading in the body, the list holding the rest: None for the
# person's queue, or their own items for item_changed).
SECTIONS = {
    "reached_tier": ("new at your tier", "Now at a tier you work", None),
    "forum_flag": ("flagged for the central forum",
                   "Overdue at Gold, so on the next central forum's agenda", None),
    "deadline_warning": ("due soon", "Due soon: if nothing happens by the deadline, each moves "
                         "on automatically", None),
    "item_changed": ("of your items changed", "Changes to items you raised", None),
    "followed": ("of the items you follow changed", "Changes to what you follow", None),
    "action_reminder": ("of your sponsor actions due soon", "Your sponsor actions falling due",
                        ("sponsors.actions", {"owner": "me", "status": "open"})),
    "action_overdue": ("overdue sponsor actions", "Sponsor actions in your areas past their "
                       "due date", ("sponsors.actions", {"overdue": "1"})),
    "agreement_review": ("of your agreements due for review", "Your agreements due for review",
                         ("agreements.index", {})),
    "agreement_lapsed": ("of your agreements lapsed", "Your agreements that have lapsed: a "
                         "blocker is raised in their areas", ("agreements.index", {})),
}
QUEUE_ROLES = ("facilitator", "sponsor", "head_of_service", "executive")  # see queues_for
LISTED = 20  # items named under each heading; the rest are counted and linked to the list
HOLD = timedelta(hours=1)  # not emailed before the run ends (or this long, if it never does)


def _section(kind: str) -> tuple[str, str, tuple | None]:
    return SECTIONS.get(kind, (kind.replace("_", " "), kind.replace("_", " ").capitalize(), None))


@dataclass
class _Told:
    """What one run has told one person so far (bounded: counts, and LISTED lines a heading)."""

    first: tuple  # (kind, subject, body, item_id, link) of the first thing: alone, it is sent as is
    counts: dict = field(default_factory=dict)
    listed: dict = field(default_factory=dict)

    def add(self, kind: str, subject: str, link: str) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + 1
        lines = self.listed.setdefault(kind, [])
        if len(lines) < LISTED:
            lines.append((subject, link))

    def copy(self) -> _Told:
        return _Told(self.first, dict(self.counts), {k: list(v) for k, v in self.listed.items()})

    @property
    def total(self) -> int:
        return sum(self.counts.values())


class RunNotices:
    """The notifications of one sweep run: at most one per person.

    Each batch the sweep commits writes (or rewrites) each affected person's one notification
    for the run in the same transaction as the batch's changes. Somebody told about a single
    item gets the usual notification for it; somebody told about several gets one listing
    them under headings (reached their tier, flagged for the forum, due soon, their own items
    changed), each with its link, and linking to their queue (or their items) for the rest.
    The rows are held back from email (next_attempt_at) until the run ends and `release`s
    them, so an email never goes out half-written; the inbox shows them at once. Every item
    keeps its own events and stays in the queues, so nothing anyone must act on is lost.
    """

    def __init__(self, now: datetime):
        self.now = now
        self.hold_until = now + HOLD
        self.token = f"sweep:{now:%Y%m%dT%H%M%S}:{uuid.uuid4().hex[:8]}"
        self.tier_people: dict = {}
        self._told: dict[int, _Told] = {}
        self._pending: list[tuple] = []
        self._staged: dict[int, _Told] = {}
        self._with_queue: set[int] | None = None

    def key(self, user_id: int) -> str:
        return f"{self.token}:{user_id}"

    @property
    def people(self) -> int:
        return len(self._told)

    def add(self, user_id, kind, subject, body, item_id, link) -> None:
        # The same item's lines go to many people: hold one copy of each (memory stays
        # bounded by people × LISTED lines, however many items the run handles).
        self._pending.append((user_id, kind, sys.intern(subject), sys.intern(body), item_id,
                              sys.intern(link)))

    def flush(self) -> int:
        """Write this batch's notifications (in the caller's transaction); people told."""
        from govflow.notifications.models import Notification

        if not self._pending:
            return 0
        staged: dict[int, _Told] = {}
        for user_id, kind, subject, body, item_id, link in self._pending:
            told = staged.get(user_id)
            if told is None:
                known = self._told.get(user_id)
                told = known.copy() if known else _Told((kind, subject, body, item_id, link))
                staged[user_id] = told
            told.add(kind, subject, link)
        new, changed = [], []
        for user_id, told in staged.items():
            row = self._render(user_id, told) | {"b_key": self.key(user_id)}
            (changed if user_id in self._told else new).append((user_id, row))
        table = Notification.__table__
        if new:
            db.session.execute(insert(table), [
                {"user_id": user_id, "dedupe_key": row.pop("b_key"), "created_at": self.now,
                 "email_status": "pending", "next_attempt_at": self.hold_until, "attempts": 0,
                 "last_error": "", **row}
                for user_id, row in new
            ])
        if changed:
            db.session.execute(
                update(table).where(table.c.dedupe_key == bindparam("b_key")).values(
                    kind=bindparam("kind"), subject=bindparam("subject"),
                    body=bindparam("body"), item_id=bindparam("item_id"),
                    link=bindparam("link"), read_at=None),  # more in it: unread again
                [row for _user_id, row in changed],
            )
        self._staged = staged
        self._pending = []
        return len(staged)

    def committed(self) -> None:
        self._told.update(self._staged)
        self._staged = {}

    def discard(self) -> None:
        """The batch was rolled back: forget what it would have told people."""
        self._pending = []
        self._staged = {}

    def release(self) -> None:
        """The run is over: its notifications may be emailed now."""
        from govflow.notifications.models import Notification

        table = Notification.__table__
        keys = [self.key(user_id) for user_id in self._told]
        for start in range(0, len(keys), 500):
            db.session.execute(
                update(table)
                .where(table.c.dedupe_key.in_(keys[start:start + 500]),
                       table.c.email_status == "pending")
                .values(next_attempt_at=None)
            )
        transaction.commit()

    def _render(self, user_id: int, told: _Told) -> dict:
        if told.total == 1:
            kind, subject, body, item_id, link = told.first
            return {"kind": kind, "subject": subject[:300], "body": body, "item_id": item_id,
                    "link": link}
        from flask import current_app

        from govflow import workdays

        base = current_app.config.get("BASE_URL", "")
        order = list(SECTIONS)
        kinds = sorted(told.counts, key=lambda k: (order.index(k) if k in order else len(order), k))
        queue = path_for("items.queue") if user_id in self._people_with_queues() else None
        mine = path_for("items.mine")
        lists = {}
        for kind in kinds:
            more = _section(kind)[2]
            lists[kind] = (mine if kind == "item_changed" else queue or mine) if more is None \
                else path_for(*more)
        parts = ", ".join(f"{told.counts[k]:,} {_section(k)[0]}" for k in kinds)
        lines = [f"What govflow's sweep of {workdays.format_datetime(self.now)} did to "
                 f"items you work on or raised ({told.total:,} in all). Each item keeps its "
                 "own history, and your queue lists everything waiting for you."]
        for kind in kinds:
            heading = _section(kind)[1]
            lines += ["", f"{heading} ({told.counts[kind]:,}):"]
            for subject, link in told.listed[kind]:
                lines += [f"- {subject}", f"  {base}{link}"]
            more = told.counts[kind] - len(told.listed[kind])
            if more:
                lines.append(f"- …and {more:,} more: {base}{lists[kind]}")
        # The link: their queue if anything reached it, else the first list named.
        queued = [k for k in kinds if k != "item_changed" and _section(k)[2] is None]
        link = queue if queue and queued else lists[kinds[0]]
        return {"kind": "sweep", "subject": f"From govflow's sweep: {parts}"[:300],
                "body": "\n".join(lines), "item_id": None, "link": link}

    def _people_with_queues(self) -> set[int]:
        if self._with_queue is None:
            from govflow.accounts.models import RoleAssignment

            self._with_queue = set(db.session.scalars(
                select(RoleAssignment.user_id).where(RoleAssignment.role.in_(QUEUE_ROLES))
                .distinct()))
        return self._with_queue


def path_for(endpoint: str, values: dict | None = None, fallback: str = "/") -> str:
    """An app path outside a request (the sweep runs from the command line)."""
    from flask import current_app
    from werkzeug.routing import BuildError

    try:
        return current_app.url_map.bind("localhost").build(endpoint, values)
    except BuildError:
        return fallback


@contextmanager
def grouping(run: RunNotices | None) -> Iterator[None]:
    """Within this block, notifications about items go into `run` (None: written as usual)."""
    token = _grouping.set(run)
    try:
        yield
    finally:
        _grouping.reset(token)
