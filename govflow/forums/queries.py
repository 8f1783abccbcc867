"""The forum pages' statements: forums and areas for lists and choices, and one by its slug."""

from __future__ import annotations

from sqlalchemy import select

from govflow.accounts.models import LocalArea
from govflow.extensions import db
from govflow.forums.models import Forum


def forums_in_order() -> list[Forum]:
    """Every forum, the central governance forum first, then the local groups by name."""
    return list(db.session.scalars(select(Forum).order_by((Forum.kind != "central"), Forum.name)))


def forum_by_slug(slug: str) -> Forum | None:
    return db.session.scalar(select(Forum).where(Forum.slug == slug))


def areas_by_name(*, active_only: bool = False) -> list[LocalArea]:
    query = select(LocalArea).order_by(LocalArea.name)
    if active_only:
        query = query.where(LocalArea.active)
    return list(db.session.scalars(query))


def area_by_slug(slug: str) -> LocalArea | None:
    return db.session.scalar(select(LocalArea).where(LocalArea.slug == slug))
