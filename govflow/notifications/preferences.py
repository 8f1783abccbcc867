"""How often each person is emailed about each kind of notification, and the signed links
in every email that turn one kind off without signing in.

A person's choice per kind is "now" (emailed at once, the default when they have made no
choice), "digest" (not emailed on its own; listed in the next daily digest) or "off" (not
emailed at all). Every notification still reaches their in-app inbox: the choice is about
email. The unsubscribe link names the person and one kind, is signed with the app's secret
(itsdangerous) and expires after UNSUBSCRIBE_LINK_DAYS; following it changes that one
setting and nothing else."""

from __future__ import annotations

from datetime import UTC

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import select

from govflow.clock import utcnow
from govflow.extensions import db
from govflow.notifications.models import NotificationPreference

# kind (as notify() writes it) → what a person reads on the preferences page. Record checks
# (record_root, record_broken) go to administrators whatever they choose: not listed.
KINDS: dict[str, str] = {
    "item_changed": "Changes to blockers and ideas you raised, own or work on",
    "followed": "Changes to blockers, ideas and areas you follow",
    "reached_tier": "Blockers and ideas reaching a tier you work at",
    "deadline_warning": "Deadlines about to pass",
    "idea_review": "Ideas due for review",
    "forum_flag": "Items flagged for a forum",
    "sponsor_action": "Sponsor actions you own or recorded",
    "action_reminder": "Your sponsor actions falling due",
    "action_overdue": "Sponsor actions past their due date in your areas",
    "digest": "The daily digest of what needs you",
}
CHOICES: dict[str, str] = {
    "now": "Email me at once",
    "digest": "Put it in my daily digest",
    "off": "Do not email me",
}
DEFAULT = "now"
SALT = "govflow-unsubscribe"
DEFAULT_LINK_DAYS = 30


def choices_for(kind: str) -> dict[str, str]:
    """The digest itself can only be on or off."""
    if kind == "digest":
        return {k: v for k, v in CHOICES.items() if k != "digest"}
    return CHOICES


def preferences_of(user_id: int) -> dict[str, str]:
    """kind → choice for every listed kind (the default where they have made none)."""
    chosen = dict(db.session.execute(
        select(NotificationPreference.kind, NotificationPreference.how)
        .where(NotificationPreference.user_id == user_id)).all())
    return {kind: chosen.get(kind, DEFAULT) for kind in KINDS}


def how_for(user_id: int, kind: str) -> str:
    """How this person is emailed about this kind ("now" unless they chose otherwise)."""
    if kind not in KINDS:
        return DEFAULT
    how = db.session.scalar(select(NotificationPreference.how).where(
        NotificationPreference.user_id == user_id, NotificationPreference.kind == kind))
    return how or DEFAULT


def set_preference(user_id: int, kind: str, how: str) -> bool:
    """Record one choice (flushes; the caller's boundary commits). True if it changed."""
    if kind not in KINDS or how not in choices_for(kind):
        raise ValueError(f"No such choice: {kind}={how}")
    row = db.session.scalar(select(NotificationPreference).where(
        NotificationPreference.user_id == user_id, NotificationPreference.kind == kind))
    if row is None:
        if how == DEFAULT:
            return False
        db.session.add(NotificationPreference(user_id=user_id, kind=kind, how=how))
    elif row.how == how:
        return False
    else:
        row.how = how
    db.session.flush()
    return True


# --- unsubscribe links -------------------------------------------------------------------


class _ClockSigner(TimestampSigner):
    """Signs and checks ages on govflow's clock (govflow.clock), not the machine's."""

    def get_timestamp(self) -> int:
        return int(utcnow().replace(tzinfo=UTC).timestamp())


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT,
                                  signer=_ClockSigner)


def link_days() -> int:
    return int(current_app.config.get("UNSUBSCRIBE_LINK_DAYS", DEFAULT_LINK_DAYS))


def unsubscribe_token(user_id: int, kind: str) -> str:
    return _serializer().dumps({"u": user_id, "k": kind})


class BadLink(Exception):
    """An unsubscribe link that was not made by us, names no listed kind, or has expired."""

    def __init__(self, message: str, expired: bool = False):
        super().__init__(message)
        self.expired = expired


def read_token(token: str) -> tuple[int, str]:
    """(user id, kind) from a link we made within UNSUBSCRIBE_LINK_DAYS; BadLink otherwise."""
    try:
        data = _serializer().loads(token, max_age=link_days() * 86400)
    except SignatureExpired as err:
        raise BadLink("This link has expired.", expired=True) from err
    except BadSignature as err:
        raise BadLink("This link is not one govflow sent.") from err
    if not isinstance(data, dict) or data.get("k") not in KINDS or not isinstance(
            data.get("u"), int):
        raise BadLink("This link is not one govflow sent.")
    return data["u"], data["k"]
