"""Submission keys at the edge: a form or API call sent again with a key already used gets
the first one's outcome, before any view runs, and changes nothing.

How a send is handled, for a signed-in person:

1. Before the view, the key is claimed: a row (person, key) is inserted in a savepoint of
   the request's transaction. If the row is already there, the key was used: the form is
   redirected to where the first submission went (with a short notice); the API call gets
   the first call's status and body. Two sends of one key at the same moment both insert;
   the primary key lets one commit, and the other (on PostgreSQL it waits for the first
   transaction to end; on SQLite it waits for the write lock) finds the first one's row and
   replays it.
2. After the view, if it changed something and answered below 400, the outcome (a form's
   redirect address, an API call's status and body) is written on the claim, and the
   request's boundary (govflow/transaction.py) commits it with the change: one
   transaction. A view that fails, refuses the submission (a form sent back with errors, a
   workflow refusal) or changes nothing commits nothing, so the claim is rolled back with
   the rest and the key can be sent again.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import (
    Flask,
    Response,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from werkzeug.exceptions import BadRequest

from govflow import transaction
from govflow.clock import utcnow
from govflow.extensions import db
from govflow.submissions.models import KEY_LENGTH, SubmissionKey

FORM_FIELD = "submission_key"
API_HEADER = "Idempotency-Key"
ALREADY_SENT = "This was already sent. Sending it again changed nothing."
# Keys we make are 22 URL-safe characters; a client's Idempotency-Key is any printable
# ASCII (a UUID is usual) up to the column's length.
FORM_KEY = re.compile(r"[A-Za-z0-9_-]{16,64}\Z")
API_KEY = re.compile(rf"[\x21-\x7e]{{1,{KEY_LENGTH}}}\Z")
REDIRECTS = frozenset({301, 302, 303, 307, 308})
CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass
class Claim:
    row: SubmissionKey
    api: bool


@dataclass
class Used:
    """A key's row as read back: the outcome of its first use."""

    outcome_url: str | None
    request_hash: str | None
    status: int | None
    content_type: str | None
    body: str | None


def new_key() -> str:
    """A fresh key for one rendering of a form (templates: new_submission_key())."""
    return secrets.token_urlsafe(16)


def init_submissions(app: Flask) -> None:
    app.jinja_env.globals["new_submission_key"] = new_key
    app.before_request(_before_form)
    # Runs before the request's boundary commits (after_request functions run in reverse).
    app.after_request(_after_form)


# --- forms ----------------------------------------------------------------------------------


def _before_form():
    if request.method not in CHANGING or request.blueprint == "api":
        return None
    key = request.form.get(FORM_FIELD)
    if not key or not current_user.is_authenticated:
        return None
    if not FORM_KEY.match(key):
        raise BadRequest("The form's submission key is not one we made.")
    used = _claim(current_user.id, key, api=False)
    if used is None:
        return None
    flash(ALREADY_SENT, "notice")
    return redirect(used.outcome_url or _fallback(), code=303)


def _fallback() -> str:
    """Where a repeated form goes when its first outcome is unknown: the page the form was
    on (when it is ours), else the home page."""
    referrer = request.referrer or ""
    parts = urlsplit(referrer)
    if referrer and parts.netloc == request.host and parts.path != request.path:
        return referrer
    return url_for("main.home")


def _after_form(response: Response) -> Response:
    claim = g.get("submission_claim")
    if claim is None or claim.api:
        return response
    g.pop("submission_claim")
    if not _kept(response):
        _unclaim(claim)
    elif response.status_code in REDIRECTS and response.location \
            and len(response.location) <= 2000:
        _kept_claim(claim).outcome_url = response.location
    else:
        # Done, and answered with a page rather than a redirect (a new API token is shown
        # once): a repeat goes back to the page the form was on.
        _kept_claim(claim).outcome_url = _fallback()
    return response


def _kept(response: Response) -> bool:
    """Will the request's boundary commit: it answered below 400 and changed something?"""
    return response.status_code < 400 and transaction.wrote(db.session())


# --- API ------------------------------------------------------------------------------------


def before_api():
    """The API blueprint's hook (after authentication): Idempotency-Key on writes."""
    if request.method not in CHANGING:
        return None
    key = request.headers.get(API_HEADER)
    if key is None or not current_user.is_authenticated:
        return None
    if not API_KEY.match(key):
        return _api_error(400, f"{API_HEADER} must be 1 to {KEY_LENGTH} printable ASCII "
                               "characters without spaces (a UUID is a good choice).")
    fingerprint = _fingerprint()
    used = _claim(current_user.id, key, api=True, request_hash=fingerprint)
    if used is None:
        return None
    if used.request_hash != fingerprint:
        return _api_error(422, f"This {API_HEADER} was already used for a different request. "
                               "Use a new key for a new request.", "idempotency_key_reused")
    if used.status is None:
        return _api_error(409, f"A request with this {API_HEADER} is still being handled. "
                               "Try again in a moment.", "idempotency_key_in_use")
    replay = current_app.response_class(used.body or "", status=used.status,
                                        content_type=used.content_type)
    replay.headers["Idempotent-Replayed"] = "true"
    return replay


def after_api(response: Response) -> Response:
    claim = g.get("submission_claim")
    if claim is None or not claim.api:
        return response
    g.pop("submission_claim")
    if not _kept(response) or response.direct_passthrough:
        _unclaim(claim)
    else:
        row = _kept_claim(claim)
        row.status = response.status_code
        row.content_type = response.content_type
        row.body = response.get_data(as_text=True)
    return response


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for part in (request.method.encode(), request.full_path.encode(), request.get_data()):
        digest.update(part)
        digest.update(b"\0")
    return digest.hexdigest()


def _api_error(status: int, message: str, code: str = "invalid"):
    return jsonify({"error": code, "message": message}), status


# --- the claim ------------------------------------------------------------------------------


def _claim(user_id: int, key: str, *, api: bool, request_hash: str | None = None) -> Used | None:
    """Claim the key for this request (None), or return its earlier use."""
    used = _used(user_id, key)
    if used is not None:
        return used
    row = SubmissionKey(user_id=user_id, key=key, created_at=utcnow(), request_hash=request_hash)
    session = db.session()
    try:
        with transaction.not_the_requests_write(session), session.begin_nested():
            session.add(row)
    except IntegrityError:
        # Another send of this key committed first (we waited for it): replay it.
        used = _used(user_id, key)
        if used is None:
            raise BadRequest("This form could not be sent. Try again.") from None
        return used
    g.submission_claim = Claim(row=row, api=api)
    return None


def _kept_claim(claim: Claim) -> SubmissionKey:
    """The claim's row, to be committed with the change. A view that rolled back and then
    went on to change something took the claim back with it: claim the key again."""
    if inspect(claim.row).persistent:
        return claim.row
    row = SubmissionKey(user_id=claim.row.user_id, key=claim.row.key, created_at=utcnow(),
                        request_hash=claim.row.request_hash)
    db.session.add(row)
    return row


def _unclaim(claim: Claim) -> None:
    """The request keeps nothing: take the claim back now, not only when the session ends
    (the whole transaction is rolled back then anyway), so nothing later can commit it."""
    if not inspect(claim.row).persistent:
        return  # the view rolled back, and the claim with it
    session = db.session()
    try:
        with transaction.not_the_requests_write(session):
            session.delete(claim.row)
            session.flush()
    except SQLAlchemyError:
        session.rollback()


def _used(user_id: int, key: str) -> Used | None:
    found = db.session.execute(
        select(SubmissionKey.outcome_url, SubmissionKey.request_hash, SubmissionKey.status,
               SubmissionKey.content_type, SubmissionKey.body)
        .where(SubmissionKey.user_id == user_id, SubmissionKey.key == key)
    ).first()
    return Used(*found) if found else None
