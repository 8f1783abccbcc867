"""Sweep step: forget submission keys once no form or client could still send them."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, select

from govflow import transaction
from govflow.db import writing
from govflow.extensions import db
from govflow.submissions.models import SubmissionKey


def sweep_steps():
    return [prune_submission_keys]


def prune_submission_keys(ctx) -> None:
    days = int(current_app.config.get("SUBMISSION_KEYS_KEPT_DAYS", 7))
    cutoff = ctx.now - timedelta(days=days)
    old = SubmissionKey.created_at < cutoff
    if ctx.dry_run:
        n = db.session.scalar(select(func.count()).select_from(SubmissionKey).where(old))
        db.session.rollback()
        if n:
            ctx.did("submission keys forgotten", f"Would forget {n} submission keys older "
                                                 f"than {days} days", n=n)
        return
    with writing():
        n = db.session.execute(delete(SubmissionKey).where(old)).rowcount
        transaction.commit()
    if n:
        ctx.did("submission keys forgotten",
                f"Forgot {n} submission keys older than {days} days", n=n)
