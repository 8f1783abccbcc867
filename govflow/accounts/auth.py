"""Flask-Login wiring: session epochs, safe redirects, and API bearer tokens."""

from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import timedelta

from flask import Flask, request
from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.orm import joinedload

from govflow import transaction
from govflow.clock import utcnow
from govflow.extensions import db, login_manager

TOKEN_PREFIX = "gf_"  # noqa: S105 - a visible prefix, not a secret


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.session_protection = "strong"
    login_manager.login_view = "accounts.sign_in"
    login_manager.login_message = "Sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.user_loader(load_user)
    login_manager.request_loader(load_user_from_token)


def load_user(session_id: str):
    """Load the person only if the session was issued under their current epoch."""

    try:
        user_id, epoch = (int(part) for part in session_id.split(":", 1))
    except (ValueError, AttributeError):
        return None
    # With the roles in the same statement: every signed-in page's navigation asks for them.
    user = db.session.execute(_user_statement(), {"user_id": user_id}).unique().scalar()
    if user is None or not user.active or user.session_epoch != epoch:
        return None
    return user


@functools.cache
def _user_statement():
    """Built once per process (every signed-in request runs it): a third cheaper than
    session.get() with the same load option, which builds its query each time."""
    from govflow.accounts.models import User

    return (select(User).options(joinedload(User.role_assignments))
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
