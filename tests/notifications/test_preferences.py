"""Notification preferences and the unsubscribe link in every email: each person chooses,
per kind, to be emailed at once, in the daily digest, or not at all; the link in an email
works without signing in, expires, cannot be forged, and changes that one setting only."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update

from govflow.clock import fixed_at, utcnow
from govflow.extensions import db
from govflow.notifications import outbox, preferences, sender
from govflow.notifications.models import Notification, NotificationPreference
from tests.items.blocker_pages import csrf_from, text_of


@pytest.fixture
def empty_outbox(app):
    """Park the demo data's own notifications so each test sees only the ones it writes."""
    db.session.execute(update(Notification).where(Notification.email_status == "pending")
                       .values(email_status="not_sent"))
    db.session.commit()


def _write(user, kind="item_changed", subject="Escalated: Room booking"):
    row = outbox.notify(user, kind, subject, "It is now at Silver.", link="/items/7")
    db.session.commit()
    return row


def _choices(user_id) -> dict[str, str]:
    db.session.expire_all()
    return dict(db.session.execute(select(NotificationPreference.kind, NotificationPreference.how)
                                   .where(NotificationPreference.user_id == user_id)).all())


def _link_in(message) -> str:
    body = message.get_content()
    return re.search(r"https?://[^/\s]+(/unsubscribe/\S+)", body).group(1)


def test_every_email_carries_an_unsubscribe_link_that_works_signed_out(
        app, client, people, empty_outbox, mail_config):
    priya = people["practitioner"]
    before = _choices(priya.id)
    _write(priya)
    assert sender.send_pending().sent == 1
    message = mail_config.to(priya.email)[-1]
    link = _link_in(message)
    assert "Stop emails like this (changes of items you raised" not in message.get_content()
    assert "To stop emails about changes to blockers and ideas you raised, own or work on:" \
        in message.get_content()
    # Nobody is signed in: the link alone is enough, and asks before it changes anything.
    page = client.get(link)
    assert page.status_code == 200
    assert "Stop these emails?" in text_of(page)
    assert _choices(priya.id) == before
    done = client.post(link, data={"csrf_token": csrf_from(page.get_data(as_text=True))})
    assert done.status_code == 200
    assert "You are unsubscribed" in text_of(done)
    # That one setting, and nothing else.
    assert _choices(priya.id) == before | {"item_changed": "off"}
    _write(priya, subject="Escalated again")
    result = sender.send_pending()
    assert result.sent == 0 and result.not_sent == 1
    assert [m["Subject"] for m in mail_config.to(priya.email)] == ["Escalated: Room booking"]


def test_an_unsubscribe_link_expires(app, client, people):
    priya = people["practitioner"]
    token = preferences.unsubscribe_token(priya.id, "deadline_warning")
    days = preferences.link_days()
    with fixed_at(utcnow() + timedelta(days=days - 1)):
        assert client.get(f"/unsubscribe/{token}").status_code == 200
    with fixed_at(utcnow() + timedelta(days=days + 1)):
        page = client.get(f"/unsubscribe/{token}")
        assert page.status_code == 410
        assert "This link has expired" in text_of(page)
        csrf = csrf_from(client.get("/sign-in").get_data(as_text=True))
        posted = client.post(f"/unsubscribe/{token}", data={"csrf_token": csrf})
        assert posted.status_code == 410
    assert _choices(priya.id) == {}


def test_an_unsubscribe_link_cannot_be_forged_or_pointed_at_someone_else(
        app, client, people, make_app):
    priya, rachel = people["practitioner"], people["facilitator"]
    token = preferences.unsubscribe_token(priya.id, "item_changed")
    payload, rest = token.split(".", 1)
    other = preferences.unsubscribe_token(rachel.id, "item_changed").split(".", 1)[0]
    for forged in (other + "." + rest, token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
                   "not-a-token"):
        page = client.get(f"/unsubscribe/{forged}")
        assert page.status_code == 404, forged
        assert "This link does not work" in text_of(page)
    # Signed with another secret: refused too.
    with make_app(SECRET_KEY="x" * 40).test_request_context():
        foreign = preferences.unsubscribe_token(priya.id, "item_changed")
    assert client.get(f"/unsubscribe/{foreign}").status_code == 404
    assert _choices(priya.id) == {} and _choices(rachel.id) == {}


def test_people_choose_per_kind_on_their_email_settings_page(app, client, auth, people):
    priya = people["practitioner"]
    auth.login(priya.email)
    page = client.get("/account/notifications")
    html = page.get_data(as_text=True)
    assert "<h1 class=\"govuk-heading-l\">Email settings</h1>" in html
    assert 'name="how-deadline_warning" type="radio" value="now" checked' in html
    form = {"csrf_token": csrf_from(html)} | {f"how-{k}": "now" for k in preferences.KINDS}
    form |= {"how-deadline_warning": "digest", "how-sponsor_action": "off"}
    saved = client.post("/account/notifications", data=form)
    assert saved.status_code == 303
    assert _choices(priya.id) == {"deadline_warning": "digest", "sponsor_action": "off"}
    assert "Your email settings are saved." in text_of(client.get(saved.location))
    # A tampered answer is refused beside its question, and changes nothing.
    page = client.get("/account/notifications")
    bad = {"csrf_token": csrf_from(page.get_data(as_text=True))} | \
        {f"how-{k}": "now" for k in preferences.KINDS} | {"how-digest": "digest"}
    refused = client.post("/account/notifications", data=bad)
    assert refused.status_code == 400
    assert ('<p id="how-digest-error" class="govuk-error-message"><span class="govuk-visually-'
            'hidden">Error:</span> Choose how you want emails about the daily digest of what '
            'needs you</p>') in refused.get_data(as_text=True)
    assert _choices(priya.id) == {"deadline_warning": "digest", "sponsor_action": "off"}


def test_kinds_held_for_the_digest_are_listed_in_the_next_digest_not_emailed_at_once(
        app, people, empty_outbox, mail_config):
    from govflow.notifications import digest
    from govflow.sweep import SweepContext

    rachel = people["facilitator"]
    preferences.set_preference(rachel.id, "item_changed", "digest")
    db.session.commit()
    now = datetime(2026, 12, 3, 7, 0)  # a Thursday morning
    # Written the afternoon before, whatever the suite's moment: a digest lists only what was
    # kept in the week before it.
    with fixed_at(now - timedelta(hours=16)):
        _write(rachel, subject="Escalated: The hall keys")
        assert sender.send_pending().sent == 0
    with fixed_at(now):
        digest.send_digests(SweepContext(now=now))
        sender.send_pending(now=now)
    mail = mail_config.to(rachel.email)
    assert len(mail) == 1 and mail[0]["Subject"].startswith("Your govflow digest")
    assert "Escalated: The hall keys" in mail[0].get_content()
