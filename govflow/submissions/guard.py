"""Submission keys at the edge: a form or API call sent again with a key already used gets
the first one's outcome, before any view runs, and changes nothing.

How a send is handled, for a signed-in person:

1. Before the view, the key is claimed: a row (person, key) is inserted in a savepoint of
   the request's transaction. If the row is already there, the key was used: the form is
   redirected to where the first submission went (with a short notice); the API call gets
   the first call's status and body. Two sends of one key at the same moment both insert;
   the primary key lets one commit, and the other (on PostgreSQL it waits for the first
   transaction to end) finds the first one's row and replays it.
2. The view commits its change, and the claim with it: one transaction. A view that fails
   or refuses the submission (a form with errors, a workflow refusal) never commits, so the
   claim is rolled back with everything else and the person can correct and send again.
3. After the view, the outcome (a form's redirect address, an API call's response) is
   written to the row. A view that committed and then answered with an error releases the
   key instead: a refused submission never uses up its key.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from flask import (
    Flask,
    Response,
    current_app,
    flash,
    g,
    has_request_context,
    jsonify,
    redirect,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import delete, event, inspect, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session
from werkzeug.exceptions import BadRequest

from govflow.clock import utcnow
from govflow.extensions import db
from govflow.submissions.models import KEY_LENGTH, SubmissionKey

log = logging.getLogger("govflow.submissions")

FORM_FIELD = "submission_key"
API_HEADER = "Idempotency-Key"
ALREADY_SENT = "This was already sent. Sending it again changed nothing."
# Keys we make are 22 URL-safe characters; a client's Idempotency-Key is any printable
# ASCII (a UUID is usual) up to the column's length.
FORM_KEY = re.compile(r"[A-Za-z0-9_-]{16,64}\Z")
API_KEY = re.compile(rf"[\x21-\x7e]{{1,{KEY_LENGTH}}}\Z")
REDIRECTS = frozenset({301, 302, 303, 307, 308})
CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# A second send that arrives while the first is still finishing waits this long for the
# first one's outcome; a row older than STALE without one never gets one (its request
# answered with a page, not a redirect, or its process died).
WAIT_SECONDS = 3.0
STALE = timedelta(seconds=30)


@dataclass
class Claim:
    row: SubmissionKey
    api: bool
    committed: bool = False


@dataclass
class Used:
    """A key's row as read back: the outcome of its first use, if written yet."""

    created_at: object
    outcome_url: str | None
    request_hash: str | None
    status: int | None
    content_type: str | None
    body: str | None

    def settled(self, api: bool) -> bool:
        return (self.status is not None) if api else (self.outcome_url is not None)


def new_key() -> str:
    """A fresh key for one rendering of a form (templates: new_submission_key())."""
    return secrets.token_urlsafe(16)


def init_submissions(app: Flask) -> None:
    app.jinja_env.globals["new_submission_key"] = new_key
    app.before_request(_before_form)
    app.after_request(_after_form)
    if not event.contains(Session, "after_commit", _note_commit):
        event.listen(Session, "after_commit", _note_commit)


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
    if not claim.committed:
        return response  # nothing was kept, so neither is the key (teardown rolls it back)
    if response.status_code in REDIRECTS and response.location:
        location = response.location
        _settle(claim, outcome_url=location if len(location) <= 2000 else url_for("main.home"))
    elif response.status_code >= 400:
        _release(claim)
    return response


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
    if not claim.committed:
        return response
    if response.status_code >= 400:
        _release(claim)
    elif not response.direct_passthrough:
        _settle(claim, status=response.status_code, content_type=response.content_type,
                body=response.get_data(as_text=True))
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
    for _ in range(3):
        used = _used(user_id, key)
        if used is None:
            row = SubmissionKey(user_id=user_id, key=key, created_at=utcnow(),
                                request_hash=request_hash)
            try:
                with db.session.begin_nested():
                    db.session.add(row)
            except IntegrityError:
                continue  # another send of this key committed first: replay it
            g.submission_claim = Claim(row=row, api=api)
            return None
        used = _wait_for_outcome(user_id, key, used, api)
        if used is not None:
            return used
    raise BadRequest("This form could not be sent. Try again.")


def _used(user_id: int, key: str) -> Used | None:
    found = db.session.execute(
        select(SubmissionKey.created_at, SubmissionKey.outcome_url, SubmissionKey.request_hash,
               SubmissionKey.status, SubmissionKey.content_type, SubmissionKey.body)
        .where(SubmissionKey.user_id == user_id, SubmissionKey.key == key)
    ).first()
    return Used(*found) if found else None


def _wait_for_outcome(user_id: int, key: str, used: Used, api: bool) -> Used | None:
    """The first send committed its change but may not have written its outcome yet (that
    follows its commit): wait a little for it. None if the key was released meanwhile."""
    deadline = time.monotonic() + WAIT_SECONDS
    while not used.settled(api) and time.monotonic() < deadline and \
            utcnow() - used.created_at < STALE:
        # Hold no lock while waiting: on SQLite the first request needs the write lock to
        # write its outcome.
        db.session.rollback()
        time.sleep(0.05)
        used = _used(user_id, key)
        if used is None:
            return None
    return used


def _note_commit(session) -> None:
    """A commit during the request that included the claim: the key is used."""
    if not has_request_context():
        return
    claim = g.get("submission_claim")
    if claim is None or claim.committed:
        return
    state = inspect(claim.row)
    if state.persistent and state.session is session:
        claim.committed = True


def _settle(claim: Claim, **outcome) -> None:
    _finish(claim, update(SubmissionKey).values(**outcome))


def _release(claim: Claim) -> None:
    _finish(claim, delete(SubmissionKey))


def _finish(claim: Claim, statement) -> None:
    row_key = inspect(claim.row).identity
    try:
        # What the view left uncommitted was never meant to be kept: only this is committed.
        db.session.rollback()
        db.session.execute(statement.where(SubmissionKey.user_id == row_key[0],
                                           SubmissionKey.key == row_key[1]))
        db.session.commit()
    except SQLAlchemyError:
        # The change itself is committed; a repeat will find the key with no outcome and
        # go back to the form's page.
        db.session.rollback()
        log.warning("Could not record the outcome of submission key for person %s",
                    row_key[0], exc_info=True)
