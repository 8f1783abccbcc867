"""The sweep reminds an agreement's owner before its review date (by email, through a real
SMTP server), and when the date passes unreviewed marks it lapsed and raises a blocker in its
areas — each once per review date; recording a review starts again from the new date."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from govflow.agreements import services
from govflow.agreements.models import Agreement
from govflow.clock import fixed_at
from govflow.extensions import db
from govflow.items.models import Item, ItemArea
from govflow.notifications import sender
from govflow.notifications.models import Notification
from govflow.sweep import SweepContext
from tests.ideas.idea_pages import text_of

pytestmark = pytest.mark.clock

# November 2026 has no bank holidays; London is on GMT, so 9am UTC is 9am London.
MADE = datetime(2026, 11, 2, 9, 0)  # Monday
REVIEW = date(2026, 11, 20)  # Friday


def at(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 11, day, hour, 0)


def run_agreement_steps(now):
    from govflow.agreements.sweep import sweep_steps

    ctx = SweepContext(now=now)
    try:
        for step in sweep_steps():
            step(ctx)
    finally:
        ctx.finish()
    return ctx


@pytest.fixture
def agreement(people):
    rachel = people["rachel.dunn@dmbc.example"]
    # The demo partnership's agreements are seeded at the suite's moment: when that is late
    # October, their reviews fall in these November weeks too, and the sweep tells Rachel of
    # them in the same run (one notification listing them all). Reviewed years ahead, they
    # stay out of this test whatever the moment.
    for other in db.session.scalars(select(Agreement)).all():
        services.record_review(people["admin"], other, review_on=date(2030, 1, 7))
    agreement = services.record_agreement(
        rachel, kind="data_sharing", title="Sweep test information-sharing protocol",
        parties="The council and the trust", what_shared="Whether a family is known",
        areas=["denaby", "balby"], owner_id=rachel.id, review_on=REVIEW, now=MADE)
    db.session.commit()  # as the request that recorded it would (the test rolls back after)
    return agreement


def _told(agreement, kind):
    return db.session.scalars(select(Notification).where(
        Notification.kind == kind, Notification.link == f"/agreements/{agreement.id}")
        .order_by(Notification.id)).all()


def test_the_owner_is_emailed_once_in_the_weeks_before_the_review_date(
        app, agreement, people, mail_config):
    rachel = people["rachel.dunn@dmbc.example"]
    run_agreement_steps(at(2))  # 14 working days before: outside the 10-day window
    assert _told(agreement, "agreement_review") == []

    ctx = run_agreement_steps(at(9))  # 9 working days before
    [reminder] = _told(agreement, "agreement_review")
    assert reminder.user_id == rachel.id
    assert reminder.subject == ("Agreement due for review by 20 November 2026: "
                                "Sweep test information-sharing protocol")
    assert ctx.counts["agreement reminders"] == 1
    run_agreement_steps(at(9, 15))
    run_agreement_steps(at(19))
    assert len(_told(agreement, "agreement_review")) == 1

    assert sender.send_pending(now=at(19, 10)).sent >= 1
    [email] = [m for m in mail_config.to(rachel.email)
               if "Sweep test information-sharing protocol" in m["Subject"]]
    assert email["Subject"] == reminder.subject
    body = email.get_content()
    assert "is due for review by 20 November 2026" in body
    assert f"{app.config['BASE_URL']}/agreements/{agreement.id}" in body


def test_an_agreement_not_reviewed_lapses_once_and_raises_a_blocker_in_its_areas(
        client, auth, agreement, people, mail_config):
    rachel = people["rachel.dunn@dmbc.example"]
    run_agreement_steps(at(20))  # the review date itself: reminded, not lapsed yet
    assert agreement.lapse_item_id is None
    assert len(_told(agreement, "agreement_review")) == 1

    ctx = run_agreement_steps(at(23))  # Monday after
    assert ctx.counts["agreements lapsed"] == 1
    db.session.refresh(agreement)
    assert agreement.lapsed_for == REVIEW
    blocker = db.session.get(Item, agreement.lapse_item_id)
    assert (blocker.kind, blocker.state, blocker.area.slug, blocker.raised_by_id) == (
        "blocker", "bronze", "balby", rachel.id)
    assert blocker.title == "Agreement lapsed: Sweep test information-sharing protocol"
    assert "was due for review by 20 November 2026 and has not been reviewed" in (
        blocker.description)
    added = db.session.scalars(select(ItemArea).where(ItemArea.item_id == blocker.id)).all()
    assert [a.area.slug for a in added] == ["denaby"]
    [told] = _told(agreement, "agreement_lapsed")
    assert told.subject == "Agreement lapsed: Sweep test information-sharing protocol"

    run_agreement_steps(at(24))
    run_agreement_steps(at(25))
    assert db.session.scalar(select(db.func.count()).select_from(Item).where(
        Item.title == blocker.title)) == 1
    assert len(_told(agreement, "agreement_lapsed")) == 1
    sender.send_pending(now=at(25, 10))
    assert [m["Subject"] for m in mail_config.to(rachel.email)
            if "lapsed" in m["Subject"]] == [told.subject]

    auth.login(rachel.email)
    with fixed_at(at(25, 11)):  # seen after it lapsed, whatever the suite's moment
        page = text_of(client.get(f"/agreements/{agreement.id}"))
    assert "Status Lapsed" in page
    assert f"Blocker raised when it lapsed {blocker.title}" in page

    # Reviewed: current again from the new date, which gets its own reminder in time.
    services.record_review(rachel, agreement, review_on=date(2027, 3, 31), now=at(26))
    run_agreement_steps(at(27))
    assert len(_told(agreement, "agreement_lapsed")) == 1
    assert len(_told(agreement, "agreement_review")) == 1  # none yet for 31 March 2027
