"""Fixtures for the sponsor tests: recording actions and making blockers at a given tier."""

from __future__ import annotations

import pytest
from sponsor_support import PRACTITIONER, SPONSOR, working_days_ahead
from sqlalchemy import select

from govflow.extensions import db


@pytest.fixture
def make_action(app, people):
    """Record a sponsor action through the use-case (as the Denaby sponsor by default)."""
    from govflow.sponsors import services

    def make(actor=None, *, area="denaby", what="Ask the IG leads for a one-page note",
             due_on=None, owner=None, item=None, now=None):
        action = services.record_action(
            actor or people[SPONSOR],
            area_slug=area,
            what=what,
            due_on=due_on or working_days_ahead(5),
            owner_id=owner.id if owner is not None else None,
            item_id=item.id if item is not None else None,
            now=now,
        )
        db.session.commit()  # as the request that recorded it does at its end
        return action

    return make


@pytest.fixture
def make_blocker(app, people):
    """A new blocker raised in an area and escalated to the tier asked for."""
    from govflow.items.services import raise_blocker
    from govflow.workflow import engine

    def make(area="denaby", tier="bronze", title="Rooms cannot be booked by community groups",
             raiser=PRACTITIONER, now=None, organisation=None):
        item = raise_blocker(people[raiser], title=title,
                             description="The booking system only takes council accounts.",
                             area=area, now=now, organisation=organisation)
        steps = {"bronze": 0, "silver": 1, "gold": 2}[tier]
        admin = people["admin"]
        for _ in range(steps):
            engine.fire(item, "escalate", admin, fields={"reason": "Needs the next tier"},
                        now=now)
        db.session.commit()  # as the requests that raised and escalated it did
        return item

    return make


@pytest.fixture
def notifications(app):
    from govflow.notifications.models import Notification

    def of_kind(kind):
        return db.session.scalars(
            select(Notification).where(Notification.kind == kind).order_by(Notification.id)
        ).all()

    return of_kind
