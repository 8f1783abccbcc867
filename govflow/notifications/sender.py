"""Delivers the notification outbox by email, at most once per message, retrying with backoff.

Each row goes pending → sending (claimed) → sent, or back to pending with a later
next_attempt_at after a failure, or failed after MAIL_MAX_ATTEMPTS. Without MAIL_SERVER the
rows become not_sent and are logged: people still see them in their in-app inbox.

Claiming is a conditional UPDATE (… WHERE email_status = 'pending') whose row count says
whether this sender won the row; on PostgreSQL the candidates are also read with FOR UPDATE
SKIP LOCKED so two senders do not even queue for the same rows. A message is emailed only by
the sender that claimed it, and marked sent in its own transaction straight after the SMTP
server accepted it.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.utils import formatdate
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import and_, or_, select, update

from govflow import transaction
from govflow.clock import utcnow
from govflow.db import for_update_skip_locked
from govflow.extensions import db
from govflow.notifications import preferences
from govflow.notifications.models import Notification
from govflow.permissions import can

log = logging.getLogger("govflow.notifications")

# Wait before the 2nd, 3rd, 4th … attempt; the last value repeats.
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))
DEFAULT_MAX_ATTEMPTS = 5
# A claimed row whose sender has not reported back within this long was abandoned mid-send
# (process killed). It may or may not have been delivered, so it is never sent again.
CLAIM_LEASE = timedelta(minutes=15)
BATCH = 50
# Why a row was not emailed, by the person's choice for its kind.
HELD = {"digest": "Held for the person's daily digest (their email settings).",
        "off": "Not emailed: the person turned these emails off (their email settings)."}


@dataclass
class SendResult:
    sent: int = 0
    not_sent: int = 0
    retrying: int = 0
    failed: int = 0
    abandoned: int = 0

    def summary(self) -> str:
        parts = [
            (self.sent, "sent"),
            (self.not_sent, "not emailed (no mail server; in the inbox)"),
            (self.retrying, "will be retried"),
            (self.failed, "gave up"),
            (self.abandoned, "abandoned mid-send (not resent)"),
        ]
        said = [f"{n} {what}" for n, what in parts if n]
        return ", ".join(said) if said else "nothing to send"


def backoff(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt."""
    return BACKOFF[min(max(attempts, 1), len(BACKOFF)) - 1]


def _due(now: datetime):
    return and_(
        Notification.email_status == "pending",
        or_(Notification.next_attempt_at.is_(None), Notification.next_attempt_at <= now),
    )


def _claim(now: datetime, to_status: str, limit: int = BATCH) -> list[int]:
    """Move up to `limit` due rows from pending to `to_status`; the ids this sender won."""
    candidates = db.session.scalars(
        for_update_skip_locked(
            select(Notification.id).where(_due(now)).order_by(Notification.id).limit(limit),
            db.session,
        )
    ).all()
    won = []
    for nid in candidates:
        values = {"email_status": to_status}
        if to_status == "sending":
            values["next_attempt_at"] = now + CLAIM_LEASE
        result = db.session.execute(
            update(Notification)
            .where(Notification.id == nid, Notification.email_status == "pending")
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            won.append(nid)
    transaction.commit()
    return won


def _release_abandoned(now: datetime, result: SendResult) -> None:
    rows = db.session.scalars(
        for_update_skip_locked(
            select(Notification).where(
                Notification.email_status == "sending", Notification.next_attempt_at < now
            ),
            db.session,
        )
    ).all()
    for row in rows:
        row.email_status = "failed"
        row.last_error = (
            "The sender stopped while emailing this, so it may or may not have arrived. "
            "It is not sent again, so that nobody gets it twice."
        )
        log.warning("Notification %s abandoned mid-send; not resending", row.id)
        result.abandoned += 1
    transaction.commit()


def send_pending(now: datetime | None = None) -> SendResult:
    """Deliver every due outbox row (needs an app context). Safe to run in several processes."""
    now = now or utcnow()
    result = SendResult()
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        _mark_not_sent(now, result)
        return result
    _release_abandoned(now, result)
    mailer = _Mailer(config)
    try:
        while True:
            ids = _claim(now, "sending")
            if not ids:
                break
            for position, nid in enumerate(ids):
                try:
                    _deliver_one(nid, mailer, now, result)
                except BaseException:
                    # Whatever happened, the rows we claimed but did not reach go back to
                    # the queue (they were never handed to the SMTP server).
                    _unclaim(ids[position + 1:])
                    raise
    finally:
        mailer.close()
    return result


def _mark_not_sent(now: datetime, result: SendResult) -> None:
    while True:
        ids = _claim(now, "not_sent")
        if not ids:
            return
        for row in db.session.scalars(select(Notification).where(Notification.id.in_(ids))):
            log.info("Not emailed (no MAIL_SERVER configured): notification %s to user %s: %s",
                     row.id, row.user_id, row.subject)
        result.not_sent += len(ids)


def _unclaim(ids: list[int]) -> None:
    if not ids:
        return
    db.session.rollback()
    db.session.execute(
        update(Notification)
        .where(Notification.id.in_(ids), Notification.email_status == "sending")
        .values(email_status="pending", next_attempt_at=None)
        .execution_options(synchronize_session=False)
    )
    transaction.commit()


def _deliver_one(nid: int, mailer: _Mailer, now: datetime, result: SendResult) -> None:
    row = db.session.get(Notification, nid)
    user = row.user
    if user is None or not user.active or not user.email:
        row.email_status = "not_sent"
        row.last_error = "The person's account is deactivated."
        transaction.commit()
        result.not_sent += 1
        return
    if not can(user, "notification.view", row):
        # Its item was restricted after it was written, away from this person.
        row.email_status = "not_sent"
        row.last_error = "Its item is restricted and this person is not among those who see it."
        transaction.commit()
        result.not_sent += 1
        return
    how = preferences.how_for(user.id, row.kind)
    if how != "now":
        row.email_status = "not_sent"
        row.last_error = HELD[how]
        transaction.commit()
        result.not_sent += 1
        return
    message = build_message(row, current_app.config)
    error = mailer.send(message)
    row.attempts = (row.attempts or 0) + 1
    if error is None:
        row.email_status = "sent"
        row.sent_at = now
        row.next_attempt_at = None
        row.last_error = ""
        result.sent += 1
    else:
        row.last_error = error[:2000]
        max_attempts = int(current_app.config.get("MAIL_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS))
        if row.attempts >= max_attempts:
            row.email_status = "failed"
            row.next_attempt_at = None
            result.failed += 1
            log.error("Giving up on notification %s after %s attempts: %s", nid, row.attempts, error)
        else:
            row.email_status = "pending"
            row.next_attempt_at = now + backoff(row.attempts)
            result.retrying += 1
            log.warning("Notification %s not delivered (attempt %s), retrying after %s: %s",
                        nid, row.attempts, row.next_attempt_at.isoformat(timespec="seconds"), error)
    transaction.commit()


def _one_line(text: str) -> str:
    # Titles may hold line breaks; an email header must not.
    return " ".join((text or "").split())


# Each header on one line (RFC 5322 allows 998 characters; subjects are cut at 300). With
# Python's usual 78, a subject that fits on a line of its own but not beside "Subject: " is
# folded straight after the colon, and a reader unfolding it sees a subject that begins with
# a space: "Weekly progress report for the whole partnership, week beginning 14 June 2027"
# did, while the same report in a week with a longer date did not.
MAIL_POLICY = policy.default.clone(max_line_length=998)


def build_message(row: Notification, config) -> EmailMessage:
    base = config.get("BASE_URL", "").rstrip("/")
    host = urlsplit(base).hostname or "localhost"
    msg = EmailMessage(policy=MAIL_POLICY)
    msg["From"] = config.get("MAIL_FROM", "govflow <govflow@localhost>")
    msg["To"] = row.user.email
    msg["Subject"] = _one_line(row.subject)
    msg["Date"] = formatdate(usegmt=True)
    # Stable per notification, so a mail system that sees it twice can tell.
    msg["Message-ID"] = f"<notification-{row.id}@{host}>"
    lines = [f"Hello {row.user.display_name},", "", row.body.strip(), ""]
    if row.link:
        lines += [f"Open it in govflow: {base}{row.link}", ""]
    lines += [
        f"All your notifications are in your govflow inbox: {base}/inbox",
        "",
        "You get these emails because you work on blockers and ideas in govflow.",
    ]
    label = preferences.KINDS.get(row.kind)
    if label:
        # A signed link for this person and this kind: it works without signing in.
        stop = f"{base}/unsubscribe/{preferences.unsubscribe_token(row.user_id, row.kind)}"
        msg["List-Unsubscribe"] = f"<{stop}>"
        lines += ["", f"To stop emails about {label[0].lower()}{label[1:]}: {stop}",
                  f"Choose which emails you get: {base}/account/notifications"]
    msg.set_content("\n".join(lines))
    if row.kind == "progress_report":
        # The weekly progress report travels as its PDF, made now for this person.
        from govflow.outcomes.weekly import attach_report

        attach_report(msg, row)
    return msg


class _Mailer:
    """One SMTP connection, opened on first use and reopened after it drops."""

    def __init__(self, config):
        self.config = config
        self.smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        c = self.config
        smtp = smtplib.SMTP(c["MAIL_SERVER"], int(c.get("MAIL_PORT", 25)),
                            timeout=float(c.get("MAIL_TIMEOUT", 30)))
        try:
            if c.get("MAIL_USE_TLS"):
                smtp.starttls(context=ssl.create_default_context())
            if c.get("MAIL_USERNAME"):
                smtp.login(c["MAIL_USERNAME"], c.get("MAIL_PASSWORD", ""))
        except Exception:
            smtp.close()
            raise
        return smtp

    def send(self, message: EmailMessage) -> str | None:
        """Send one message; None on success, else a description of what went wrong."""
        try:
            if self.smtp is None:
                self.smtp = self._connect()
            self.smtp.send_message(message)
            return None
        except smtplib.SMTPRecipientsRefused as err:
            detail = "; ".join(f"{rcpt}: {code} {resp.decode(errors='replace') if isinstance(resp, bytes) else resp}"
                               for rcpt, (code, resp) in err.recipients.items())
            return f"Recipient refused: {detail}"
        except smtplib.SMTPResponseException as err:
            text = err.smtp_error.decode(errors="replace") if isinstance(err.smtp_error, bytes) else err.smtp_error
            self._drop_if_broken()
            return f"SMTP error {err.smtp_code}: {text}"
        except (smtplib.SMTPException, OSError) as err:
            self.close()
            return f"Could not reach the mail server: {err}"

    def _drop_if_broken(self) -> None:
        if self.smtp is None:
            return
        try:
            self.smtp.rset()
        except (smtplib.SMTPException, OSError):
            self.close()

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                self.smtp.close()
            self.smtp = None
