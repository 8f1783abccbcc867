"""Flask-Login wiring: session epochs and lifetimes, safe redirects, and API bearer tokens."""

from __future__ import annotations

import functools
import hashlib
import secrets
import time
from datetime import timedelta
from typing import NamedTuple

from flask import Flask, current_app, flash, request, session
from flask_login import login_user
from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.orm import joinedload

from govflow import transaction
from govflow.clock import utcnow
from govflow.extensions import db, login_manager

TOKEN_PREFIX = "gf_"  # noqa: S105 - a visible prefix, not a secret
# The idle clock is moved on at most this often, so a busy page does not rewrite the session
# cookie on every request; idle expiry is exact to within this many seconds.
SEEN_EVERY_SECONDS = 60
REMEMBERED, SESSION_ONLY = "r", "s"


class SignIn(NamedTuple):
    """What a session (and a remember cookie) says about the sign-in behind it."""

    user_id: int
    epoch: int
    signed_in_at: int  # seconds since the epoch, UTC, from govflow.clock
    kind: str  # REMEMBERED or SESSION_ONLY

    def encode(self) -> str:
        return ":".join(map(str, self))

    @classmethod
    def decode(cls, value) -> SignIn | None:
        """The sign-in `encode` wrote; None for anything else (a field too many or too few
        is a TypeError from the constructor)."""
        *numbers, kind = str(value).split(":")
        try:
            parsed = cls(*map(int, numbers), kind)
        except (ValueError, TypeError):
            return None
        return parsed if kind in (REMEMBERED, SESSION_ONLY) else None

    def expired(self, now: int) -> bool:
        """Past its absolute lifetime (or from the future: a forged or skewed cookie)."""
        cfg = current_app.config
        if self.kind == REMEMBERED:
            lifetime = timedelta(days=cfg["REMEMBER_DAYS"])
        else:
            lifetime = timedelta(hours=cfg["SESSION_LIFETIME_HOURS"])
        return not (-SEEN_EVERY_SECONDS <= now - self.signed_in_at <= lifetime.total_seconds())


def now_seconds() -> int:
    """Seconds on the wall clock. Not govflow.clock: a session's age is time the person has
    actually been away, whatever moment the domain is asked to act at (clock.fixed_at moves
    deadlines and sweeps for previews and tests, and must not sign anyone out). Tests move
    this clock with time-machine."""
    return int(time.time())


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.session_protection = "strong"
    login_manager.login_view = "accounts.sign_in"
    login_manager.login_message = "Sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.user_loader(load_user)
    login_manager.request_loader(load_user_from_token)
    app.before_request(end_expired_sessions)


def start_session(user, *, remember: bool = False, signed_in_at: int | None = None) -> None:
    """Start a session for the person (and a remember cookie if asked). The session says
    when they signed in and whether they asked to be remembered, so its lifetime is checked
    here on the server, whatever a browser does with cookie expiry dates. `signed_in_at`
    carries an existing sign-in's start over (a password change renews the epoch, not the
    lifetime)."""
    kind = REMEMBERED if remember else SESSION_ONLY
    login_user(user, remember=remember,
               duration=timedelta(days=current_app.config["REMEMBER_DAYS"]))
    now = now_seconds()
    session["_user_id"] = SignIn(user.id, user.session_epoch, signed_in_at or now, kind).encode()
    session["_seen"] = now
    # Set again by a single sign-on (govflow.accounts.sso_views) after this.
    session.pop("_sso", None)


def signed_in_through_provider() -> bool:
    """Did this session start with a single sign-on (govflow.accounts.sso_views)? The
    provider then asked for whatever second factor the organisation requires."""
    return isinstance(session.get("_sso"), dict)


def check_password(email: str, password: str):
    """The person with this email and password (or None), found in a read of its own.

    On SQLite a POST's transaction takes the write lock up front; checking a password (scrypt,
    a few tenths of a second) inside it queued every other writer and every other sign-in
    behind it. The read ends before anything is written."""
    from govflow.accounts import services
    from govflow.db import reading

    with reading():
        user = services.authenticate(email, password)
        transaction.commit()
    return user


def current_sign_in() -> SignIn | None:
    return SignIn.decode(session.get("_user_id"))


def end_expired_sessions():
    """Before any view: a session idle for too long, or past its absolute lifetime, is
    ended before anything loads the person. No database work, and none at all for static
    files (which never need the session)."""
    if request.endpoint == "static" or "_user_id" not in session:
        return None
    cfg = current_app.config
    signed_in = current_sign_in()
    now = now_seconds()
    seen = session.get("_seen")
    if signed_in is None or signed_in.expired(now):
        _end_session()
        flash("Your session has ended. Sign in again to continue.", "info")
        return None
    # A remembered sign-in ("keep me signed in on this device") has no idle limit: that is
    # what the person asked for; its absolute lifetime (at most 30 days) still applies.
    if signed_in.kind == SESSION_ONLY:
        idle = cfg["SESSION_IDLE_MINUTES"]
        if not isinstance(seen, int) or now - seen > idle * 60:
            _end_session()
            flash(f"You have been signed out because you had not used govflow for {idle} "
                  f"minute{'s' if idle != 1 else ''}. Sign in again to continue.", "info")
            return None
    if not isinstance(seen, int) or now - seen >= SEEN_EVERY_SECONDS:
        session["_seen"] = now
    return None


def _end_session() -> None:
    """Flask-Login's logout_user without loading the person first (it would ask the
    database, for a session we are ending anyway)."""
    for key in ("_user_id", "_fresh", "_id", "_seen", "_remember_seconds"):
        session.pop(key, None)
    if current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies:
        session["_remember"] = "clear"


def load_user(session_id: str):
    """Load the person only if the session was issued under their current epoch and is
    within its absolute lifetime (checked here too for a remember cookie, which has no
    session yet)."""
    signed_in = SignIn.decode(session_id)
    if signed_in is None or signed_in.expired(now_seconds()):
        return None
    # With the roles and the unread count in the same statement: every signed-in page's
    # navigation asks for both.
    row = db.session.execute(_user_statement(),
                             {"user_id": signed_in.user_id}).unique().first()
    user = row[0] if row else None
    if user is None or not user.active or user.session_epoch != signed_in.epoch:
        return None
    from govflow.notifications import inbox

    inbox.remember_unread(user, row[1], row[2])
    if "_seen" not in session:
        # Restored from a remember cookie: the idle clock starts now.
        session["_seen"] = now_seconds()
    return user


@functools.cache
def _user_statement():
    """Built once per process (every signed-in request runs it): a third cheaper than
    session.get() with the same load option, which builds its query each time. The second
    and third columns count the person's unread notifications (govflow.notifications.inbox
    decides what the menu shows from them)."""
    from govflow.accounts.models import User
    from govflow.notifications import inbox

    return (select(User, *inbox.unread_of(User.id)).options(joinedload(User.role_assignments))
            .where(User.id == bindparam("user_id")))


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def load_user_from_token(req):
    """API requests authenticate with `Authorization: Bearer <token>`; pages never do."""
    if not req.path.startswith("/api/"):
        return None
    header = req.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    from govflow.accounts.models import ApiToken

    hashed = hash_token(token.strip())
    row = _live_token(hashed)
    if row is None or not row.user.active:
        return None
    now = utcnow()
    if row.last_used_at is None or row.last_used_at < now - timedelta(minutes=1):
        # Note the use at most once a minute, in a transaction of its own: a write after a
        # read in the same SQLite transaction fails under concurrent requests, and a write
        # on every API read would serialise them for nothing.
        transaction.commit()
        db.session.execute(
            update(ApiToken)
            .where(ApiToken.token_hash == hashed, ApiToken.revoked_at.is_(None),
                   or_(ApiToken.last_used_at.is_(None),
                       ApiToken.last_used_at < now - timedelta(minutes=1)))
            .values(last_used_at=now)
            .execution_options(synchronize_session=False)
        )
        transaction.commit()
        row = _live_token(hashed)
        if row is None or not row.user.active:
            return None
    return row.user


def _live_token(hashed: str):
    """The unrevoked token with this hash, its person and their roles in one statement."""
    return db.session.execute(_token_statement(),
                              {"token_hash": hashed}).unique().scalar_one_or_none()


@functools.cache
def _token_statement():
    """Built once per process (every API request runs it), as _user_statement."""
    from govflow.accounts.models import ApiToken, User

    return (select(ApiToken)
            .where(ApiToken.token_hash == bindparam("token_hash"),
                   ApiToken.revoked_at.is_(None))
            .options(joinedload(ApiToken.user).joinedload(User.role_assignments)))


def is_safe_next(target: str | None) -> bool:
    """Only same-site absolute paths: refuse `//x`, `/\\x`, `\\\\x`, schemes and full URLs."""
    if not target or not isinstance(target, str):
        return False
    if any(ord(c) < 32 or c == "\\" for c in target):
        return False
    if not target.startswith("/") or target.startswith("//"):
        return False
    from urllib.parse import urlsplit

    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def client_address() -> str:
    """The address sign-ins are counted by. Behind the load balancer, ProxyFix (configured
    in security) has put the forwarded one in remote_addr and the edge guard has checked it
    is an IP address; the length bound keeps the throttle's key within its column even so."""
    from govflow.edge import MAX_ADDRESS_LENGTH

    return (request.remote_addr or "unknown")[:MAX_ADDRESS_LENGTH]
