"""Sweep step: forget the nonces of ID tokens too old to be accepted again anyway."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, select

from govflow import transaction
from govflow.accounts.sso_models import UsedNonce
from govflow.db import writing
from govflow.extensions import db

# An ID token is accepted only until it expires (an hour at most from the providers govflow
# is used with, plus a minute's leeway): after a day, its nonce need not be remembered.
KEPT = timedelta(days=1)


def sweep_steps():
    return [prune_used_nonces]


def prune_used_nonces(ctx) -> None:
    old = UsedNonce.used_at < ctx.now - KEPT
    if ctx.dry_run:
        n = db.session.scalar(select(func.count()).select_from(UsedNonce).where(old))
        db.session.rollback()
        if n:
            ctx.did("sign-in nonces forgotten", f"Would forget {n} single sign-on nonces "
                                                "older than a day", n=n)
        return
    with writing():
        n = db.session.execute(delete(UsedNonce).where(old)).rowcount
        transaction.commit()
    if n:
        ctx.did("sign-in nonces forgotten", f"Forgot {n} single sign-on nonces older than a day",
                n=n)
