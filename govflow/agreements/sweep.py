"""Sweep steps for the agreements register: remind the owner before an agreement's review
date, and when one passes unreviewed, mark it lapsed and raise a blocker in its areas.

Each happens once per review date, even with two sweeps at once: rows are claimed FOR UPDATE
SKIP LOCKED (PostgreSQL; SQLite serialises writers), and the marker (reminder_sent_for,
lapsed_for) is set by a conditional UPDATE only one sweep can win. Recording a review moves
the review date on, so the next date gets its own reminder (and lapse, if it comes to that).
"""

from __future__ import annotations

from functools import partial

from sqlalchemy import or_, select, update
from sqlalchemy.orm import selectinload

from govflow import workdays
from govflow.agreements.models import Agreement
from govflow.db import for_update_skip_locked
from govflow.extensions import db
from govflow.items.models import ItemArea
from govflow.notifications import outbox
from govflow.notifications.outbox import notify
from govflow.sweep import claimed_batches


def sweep_steps():
    return [remind_owners, lapse_unreviewed]


def reminder_working_days() -> int:
    from flask import current_app

    return int(current_app.config.get("AGREEMENT_REMINDER_WORKING_DAYS", 10))


def _claim(ctx, *conditions):
    q = (select(Agreement).where(*conditions)
         .order_by(Agreement.review_on, Agreement.id).limit(ctx.batch_size)
         .options(selectinload(Agreement.owner), selectinload(Agreement.areas)))
    return db.session.scalars(for_update_skip_locked(q, db.session)).all()


def _mark(agreement, column, *conditions) -> bool:
    """Set the marker to the agreement's review date unless another sweep has: True if we
    won. A Core UPDATE: bookkeeping must not bump the version an open review form holds."""
    result = db.session.execute(
        update(Agreement).where(Agreement.id == agreement.id, *conditions)
        .values({column: agreement.review_on})
        .execution_options(synchronize_session=False))
    return result.rowcount == 1


def _batches(ctx, claim, handle) -> None:
    def each(agreements):
        for agreement in agreements:
            handle(agreement)

    claimed_batches(ctx, claim, each)


def _tell_owner(ctx, agreement, kind: str, key: str, subject: str, body: str) -> None:
    """Notify the agreement's owner, once for its current review date."""
    notify(agreement.owner, kind, subject[:300], body, link=f"/agreements/{agreement.id}",
           dedupe_key=f"{key}:{agreement.id}:{agreement.review_on.isoformat()}", now=ctx.now)


def remind_owners(ctx) -> None:
    """Remind the owner once, from N working days before the review date until it passes."""
    today = workdays.london_date(ctx.now)
    horizon = workdays.add_working_days(today, reminder_working_days())
    not_yet = or_(Agreement.reminder_sent_for.is_(None),
                  Agreement.reminder_sent_for != Agreement.review_on)

    def claim():
        return _claim(ctx, Agreement.review_on >= today, Agreement.review_on <= horizon, not_yet)

    def handle(agreement):
        review = workdays.format_date(agreement.review_on)
        line = f"Remind {agreement.owner.email}: agreement {agreement.id} review by {review}"
        if not ctx.wins("agreement reminders", line,
                        partial(_mark, agreement, "reminder_sent_for", not_yet)):
            return
        areas = ", ".join(a.name for a in agreement.areas)
        _tell_owner(
            ctx, agreement, "agreement_review", "agreement-review",
            f"Agreement due for review by {review}: {agreement.title}",
            f"The {agreement.kind_label.lower()} you own, “{agreement.title}” ({areas}), is "
            f"due for review by {review}.\n\nCheck it with its parties, then record the "
            "review with the next review date. If it is not reviewed by then it lapses, and "
            "a blocker is raised in its areas so practitioners know they cannot rely on it.")
        ctx.did("agreement reminders", line)

    _batches(ctx, claim, handle)


def lapse_unreviewed(ctx) -> None:
    """An agreement past its review date lapses: once per review date, a blocker is raised
    in its areas (at Bronze in the first, the others added as affected) by its owner, and
    the owner is told."""
    today = workdays.london_date(ctx.now)
    not_yet = or_(Agreement.lapsed_for.is_(None), Agreement.lapsed_for != Agreement.review_on)

    def claim():
        return _claim(ctx, Agreement.review_on < today, not_yet)

    def handle(agreement):
        review = workdays.format_date(agreement.review_on)
        line = f"Lapsed: agreement {agreement.id}, review was due by {review}"
        if not ctx.wins("agreements lapsed", line, partial(_mark, agreement, "lapsed_for", not_yet)):
            return
        blocker = _raise_lapse_blocker(ctx, agreement, review)
        db.session.execute(update(Agreement).where(Agreement.id == agreement.id)
                           .values(lapse_item_id=blocker.id)
                           .execution_options(synchronize_session=False))
        _tell_owner(
            ctx, agreement, "agreement_lapsed", "agreement-lapsed",
            f"Agreement lapsed: {agreement.title}",
            f"“{agreement.title}” was not reviewed by {review}, so it has lapsed. A blocker "
            f"has been raised in its areas: {outbox.path_for('items.show', {'item_id': blocker.id})}"
            "\n\nRecord a review on the agreement's page once it has been checked.")
        ctx.did("agreements lapsed", line)

    _batches(ctx, claim, handle)


def _raise_lapse_blocker(ctx, agreement, review):
    from govflow.items import services

    areas = list(agreement.areas)
    title = f"Agreement lapsed: {agreement.title}"
    if len(title) > 200:
        title = title[:199] + "…"
    blocker = services.raise_blocker(
        agreement.owner,
        title=title,
        description=(
            f"The {agreement.kind_label.lower()} “{agreement.title}” was due for review by "
            f"{review} and has not been reviewed, so it has lapsed. Until its owner records a "
            "review, practitioners cannot rely on it. See the agreements register: "
            f"/agreements/{agreement.id}"),
        effect="Practitioners who relied on it may stop sharing, or share without a current "
               "agreement.",
        area=areas[0].slug,
        now=ctx.now,
    )
    for area in areas[1:]:
        db.session.add(ItemArea(item_id=blocker.id, area_id=area.id,
                                added_by_id=agreement.owner_id, created_at=ctx.now,
                                effect=f"The agreement covers {area.name} too."))
    db.session.flush()
    return blocker
