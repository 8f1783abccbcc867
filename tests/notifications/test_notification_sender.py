"""The outbox sender: real SMTP (aiosmtpd on 127.0.0.1), retries with backoff, never twice."""

from __future__ import annotations

import logging
import os
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update

from govflow.extensions import db
from govflow.notifications import outbox, sender
from govflow.notifications.models import Notification

NOW = datetime(2026, 12, 29, 9, 0)


@pytest.fixture
def empty_outbox(app):
    """Park the demo data's own notifications so each test sees only the ones it writes."""
    db.session.execute(
        update(Notification).where(Notification.email_status == "pending").values(email_status="not_sent")
    )
    db.session.commit()


def write(user, subject="Escalated: Room booking", link="/items/7", **kw):
    row = outbox.notify(user, "item_changed", subject, "Sam Jones — escalated. It is now Silver.",
                        link=link, **kw)
    db.session.commit()
    return row


def reload(row) -> Notification:
    db.session.expire_all()
    return db.session.get(Notification, row.id)


def test_without_a_mail_server_rows_are_not_sent_logged_and_still_in_the_inbox(
        app, people, empty_outbox, caplog, auth, client):
    person = people["practitioner"]
    row = write(person, subject="Escalated: No interpreter at the Tuesday clinic")
    with caplog.at_level(logging.INFO, logger="govflow.notifications"):
        result = sender.send_pending(now=NOW)
    assert result.not_sent == 1 and result.sent == 0
    assert result.summary() == "1 not emailed (no mail server; in the inbox)"
    assert reload(row).email_status == "not_sent"
    assert "No interpreter at the Tuesday clinic" in caplog.text
    auth.login(person.email)
    assert "No interpreter at the Tuesday clinic" in client.get("/inbox").get_data(as_text=True)


def test_delivers_by_smtp_with_a_link_to_the_item_and_never_twice(app, people, empty_outbox,
                                                                    mail_config):
    person = people["practitioner"]
    row = write(person, subject="Escalated: Room booking\nat the hub", link="/items/42")
    result = sender.send_pending(now=NOW)
    assert result.sent == 1, result.summary()
    [message] = mail_config.to(person.email)
    assert message["Subject"] == "Escalated: Room booking at the hub"
    assert message["From"] == app.config["MAIL_FROM"]
    assert message["Message-ID"] == f"<notification-{row.id}@127.0.0.1>"
    body = message.get_content()
    assert f"{app.config['BASE_URL']}/items/42" in body
    assert "It is now Silver." in body
    sent = reload(row)
    assert (sent.email_status, sent.attempts, sent.sent_at) == ("sent", 1, NOW)

    again = sender.send_pending(now=NOW + timedelta(hours=1))
    assert again.sent == 0
    assert len(mail_config.to(person.email)) == 1


@pytest.mark.parametrize("subject", [
    # 77 characters: with Python's usual 78-character folding this fits on a line of its own
    # but not beside "Subject: ", so it was folded straight after the colon and arrived
    # beginning with a space.
    "Weekly progress report for the whole partnership, week beginning 14 June 2027",
    "Weekly progress report for the whole partnership, week beginning 30 November 2026",
    "Escalated: " + "a very long title about the room booking at the family hub " * 4,
])
def test_a_long_subject_arrives_exactly_as_written(app, people, empty_outbox, mail_config,
                                                  subject):
    person = people["practitioner"]
    write(person, subject=subject)
    assert sender.send_pending(now=NOW).sent == 1
    [message] = mail_config.to(person.email)
    assert message["Subject"] == subject.strip()


def test_a_refused_recipient_is_retried_after_backoff_then_delivered_once(app, people,
                                                                          empty_outbox, mail_config):
    person = people["facilitator"]
    row = write(person)
    mail_config.reject_next(1)

    first = sender.send_pending(now=NOW)
    assert (first.sent, first.retrying) == (0, 1)
    failed = reload(row)
    assert failed.email_status == "pending"
    assert failed.attempts == 1
    assert failed.next_attempt_at == NOW + timedelta(minutes=1)
    assert "550" in failed.last_error
    assert mail_config.refused == [person.email]
    assert mail_config.to(person.email) == []

    # Not due yet: nothing is attempted.
    assert sender.send_pending(now=NOW + timedelta(seconds=30)).summary() == "nothing to send"

    retry = sender.send_pending(now=NOW + timedelta(minutes=2))
    assert retry.sent == 1
    assert len(mail_config.to(person.email)) == 1
    assert reload(row).email_status == "sent"
    assert reload(row).attempts == 2

    sender.send_pending(now=NOW + timedelta(hours=3))
    assert len(mail_config.to(person.email)) == 1


def test_server_down_then_back_up(app, people, empty_outbox, mail_config):
    person = people["head_of_service"]
    row = write(person)
    mail_config.stop()
    down = sender.send_pending(now=NOW)
    assert down.retrying == 1
    assert "Could not reach the mail server" in reload(row).last_error

    mail_config.start()
    up = sender.send_pending(now=NOW + timedelta(minutes=1))
    assert up.sent == 1
    assert len(mail_config.to(person.email)) == 1


def test_backoff_grows_and_it_gives_up_after_the_last_attempt(app, people, empty_outbox,
                                                              mail_config, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_MAX_ATTEMPTS", 4)
    person = people["executive"]
    row = write(person)
    mail_config.reject_next(10)
    at = NOW
    waits = []
    for _ in range(3):
        assert sender.send_pending(now=at).retrying == 1
        state = reload(row)
        waits.append(state.next_attempt_at - at)
        at = state.next_attempt_at
    assert waits == [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30)]
    last = sender.send_pending(now=at)
    assert last.failed == 1 and last.summary() == "1 gave up"
    gave_up = reload(row)
    assert (gave_up.email_status, gave_up.attempts) == ("failed", 4)
    assert sender.send_pending(now=at + timedelta(days=1)).summary() == "nothing to send"
    assert mail_config.to(person.email) == []


def test_a_row_claimed_by_another_sender_is_left_alone_and_an_abandoned_one_is_not_resent(
        app, people, empty_outbox, mail_config):
    person = people["sponsor"]
    row = write(person)
    # Another sender claimed it a moment ago (and may be talking to the SMTP server now).
    db.session.execute(update(Notification).where(Notification.id == row.id).values(
        email_status="sending", next_attempt_at=NOW + sender.CLAIM_LEASE))
    db.session.commit()
    assert sender.send_pending(now=NOW).sent == 0
    assert reload(row).email_status == "sending"

    # That sender died mid-send: it may have been delivered, so it is never sent again.
    later = sender.send_pending(now=NOW + sender.CLAIM_LEASE + timedelta(minutes=1))
    assert later.abandoned == 1 and later.sent == 0
    assert reload(row).email_status == "failed"
    assert mail_config.to(person.email) == []


def test_deactivated_people_are_not_emailed(app, people, empty_outbox, mail_config):
    person = people["secretary"]
    row = write(person)
    person.active = False
    db.session.commit()
    result = sender.send_pending(now=NOW)
    assert result.not_sent == 1
    assert reload(row).email_status == "not_sent"
    assert mail_config.messages == []


def test_the_notifications_send_command(app, people, empty_outbox, mail_config, runner):
    write(people["practitioner"])
    write(people["facilitator"])
    out = runner.invoke(args=["notifications", "send", "--as-of", "2026-12-29T09:00"])
    assert out.exit_code == 0, out.output
    assert out.output.strip() == "Notifications: 2 sent"
    out = runner.invoke(args=["notifications", "send"])
    assert out.output.strip() == "Notifications: nothing to send"
    bad = runner.invoke(args=["notifications", "send", "--as-of", "yesterday"])
    assert bad.exit_code != 0 and "ISO date-time" in bad.output


@pytest.mark.postgres_only
def test_two_senders_at_once_never_send_the_same_message_twice(smtp_server):
    from govflow import create_app
    from govflow.accounts.models import User
    from tests.support.races import race
    from tests.support.served import ScratchDatabase, app_config

    scratch = ScratchDatabase(os.environ["GOVFLOW_TEST_DATABASE_URL"])
    try:
        scratch.migrate_and_seed()
        config = app_config(scratch.url) | {"MAIL_SERVER": "127.0.0.1",
                                            "MAIL_PORT": smtp_server.port}
        app = create_app(config)
        with app.app_context():
            people = db.session.scalars(select(User).order_by(User.id)).all()
            for i in range(300):
                outbox.notify(people[i % len(people)], "item_changed", f"Message {i}", "body",
                              link=f"/items/{i}")
            db.session.commit()
            expected = db.session.scalar(select(db.func.count(Notification.id))
                                         .where(Notification.email_status == "pending"))

        results, errors = race(config, lambda _sync: sender.send_pending(), timeout=120)
        with app.app_context():
            statuses = db.session.scalars(select(Notification.email_status).distinct()).all()
            db.session.remove()
            db.engine.dispose()
    finally:
        scratch.drop()

    assert errors == []
    ids = [m["Message-ID"] for m in smtp_server.messages]
    assert len(ids) == expected >= 300
    assert len(set(ids)) == len(ids), "a message was emailed twice"
    assert sum(r.sent for r in results) == expected
    assert all(r.sent > 0 for r in results), "both senders should have shared the work"
    assert statuses == ["sent"]
