"""Writes notifications into the outbox in the same transaction as the change they report."""

from __future__ import annotations

from sqlalchemy import select

from govflow.extensions import db


def notify(user, kind: str, subject: str, body: str = "", *, item=None, link: str = "",
           dedupe_key: str | None = None, now=None):
    """Add one notification for one person (skipped if its dedupe key was already written)."""
    from govflow.notifications.models import Notification

    if user is None or not user.active:
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


def tier_people(item) -> list:
    """The people who work an item at its current tier."""
    from govflow.accounts.models import RoleAssignment, User
    from govflow.permissions import item_area_ids

    areas = item_area_ids(item)
    if item.tier == "bronze":
        q = select(User).join(RoleAssignment).where(
            RoleAssignment.role.in_(("facilitator", "sponsor")), RoleAssignment.area_id.in_(areas)
        )
    elif item.tier == "silver":
        hos = select(RoleAssignment.user_id).where(RoleAssignment.role == "head_of_service")
        in_scope = User.home_area_id.in_(areas)
        if item.organisation_id is not None:
            in_scope = in_scope | (User.organisation_id == item.organisation_id)
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


def notify_transition(item, event, *, actor, trigger, now=None):
    """The raiser hears of every change; a tier's people hear when an item reaches them."""
    from govflow.workflow.definition import load

    spec = load(item.kind)
    state_label = spec.state_label(event.to_state)
    who = actor.display_name if actor is not None else "govflow (automatic)"
    what = trigger.done if trigger is not None else "Raised"
    subject = f"{what}: {item.title}"
    body = f"{who} — {what.lower()}. It is now {state_label}."
    if event.reason:
        body += f"\n\n{event.reason}"
    told = set()
    if item.raised_by_id and (actor is None or actor.id != item.raised_by_id):
        notify(item.raised_by, "item_changed", subject, body, item=item, now=now)
        told.add(item.raised_by_id)
    reached_tier = event.from_tier != event.to_tier or event.from_state is None or (
        event.from_state in ("paused", "unblocked", "closed") and spec.states[event.to_state].tier
    )
    if reached_tier and spec.states[event.to_state].open:
        for person in tier_people(item):
            if person.id in told or (actor is not None and person.id == actor.id):
                continue
            notify(
                person,
                "reached_tier",
                f"New at {item.tier.capitalize()}: {item.title}",
                f"A {spec.label.lower()} in {item.area.name} needs {item.tier.capitalize()}. "
                f"{body}",
                item=item,
                now=now,
            )
            told.add(person.id)
