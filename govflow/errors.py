"""Error pages in the GOV.UK style, and JSON errors for the API."""

from __future__ import annotations

import contextlib
import logging

from flask import Flask, Response, current_app, g, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from govflow.domain_errors import DomainError
from govflow.edge import HostileInput

log = logging.getLogger("govflow.errors")

TITLES = {
    400: "The form could not be sent",
    401: "Sign in to continue",
    403: "You do not have access to this page",
    404: "Page not found",
    405: "This page cannot be used that way",
    409: "This item changed since you opened it",
    413: "What you sent is too large",
    422: "Some of what you sent could not be accepted",
    429: "Too many attempts",
    500: "Sorry, there is a problem with the service",
    503: "Sorry, the service is unavailable",
}
TEMPLATES = {400, 403, 404, 405, 409, 413, 429, 500, 503}
# The API's `error` code when a handler gives none (stable: clients branch on these).
CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 409: "conflict", 413: "too_large", 422: "invalid",
    429: "too_many_requests", 500: "server_error", 503: "unavailable",
}


class Restricted(HTTPException):
    """A restricted item asked for by someone who may not see it: not "page not found", but
    a page that says it is restricted and whom to ask (and nothing of what it is about)."""

    code = 403

    def __init__(self, item):
        super().__init__()
        self.item_id = item.id
        self.area_name = item.area.name if item.area is not None else ""
        people = []
        if item.area is not None:
            people = [*item.area.facilitators, *item.area.sponsors]
        seen: set[int] = set()
        self.ask = [p.display_name for p in people if not (p.id in seen or seen.add(p.id))]


def restricted_message(err: Restricted) -> str:
    ask = ", ".join(err.ask) if err.ask else "an administrator"
    return (f"Item {err.item_id} is restricted: only the people involved can see it. "
            f"If you need it, ask {ask}"
            + (f" ({err.area_name}'s facilitators and sponsors)." if err.ask else "."))


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(status: int, message: str = "", *, code: str | None = None, extra=None):
    """The error page (or the API's JSON error). It must never fail itself: with the
    database down it is drawn signed out (503), and if drawing it fails for any other
    reason the person still gets the status and its title as plain text."""
    try:
        return _error_response(status, message, code=code, extra=extra)
    except (OperationalError, InterfaceError) as err:
        log.error("Database unavailable drawing the %s page for %s: %s", status,
                  _safe(request.path), err)
        g.database_down = True
        _forget_user()
        from govflow.extensions import db

        with contextlib.suppress(Exception):
            db.session.rollback()
        try:
            return _error_response(503, "Please try again in a few minutes.")
        except Exception:  # noqa: BLE001 - the plain text below needs nothing
            log.exception("The 503 page failed too")
    except Exception:  # noqa: BLE001 - an error page that fails must not become a 500
        log.exception("The %s page failed for %s", status, _safe(request.path))
    status = 503 if g.get("database_down") else status
    return Response(TITLES.get(status, "Error"), mimetype="text/plain"), status


def _safe(text: str) -> str:
    """Text for a log line: what cannot be encoded (a lone surrogate) shown escaped."""
    return text[:200].encode("utf-8", "backslashreplace").decode("utf-8")


def _error_response(status: int, message: str = "", *, code: str | None = None, extra=None):
    if wants_json():
        body = {"error": code or CODES.get(status, "error"),
                "message": message or TITLES.get(status, "Error")}
        body.update(extra or {})
        return jsonify(body), status
    template = f"errors/{status if status in TEMPLATES else (500 if status >= 500 else 400)}.html"
    _signed_in_person_or_nobody()
    context = {"page_title": TITLES.get(status, "Error"), "message": message}
    context.update(extra or {})
    return render_template(template, **context), status


def _forget_user() -> None:
    """Render the page as signed out: Flask-Login's template context would otherwise load the
    person from the database that has just failed, turning our 503 into a bare 500."""
    from govflow.extensions import login_manager

    g._login_user = login_manager.anonymous_user()


def _signed_in_person_or_nobody() -> None:
    """Load the signed-in person for the page's header now, and if the database cannot say
    who they are, render the page as signed out: a 404 or a refused form met during a
    database outage is still that page, not a bare 500 from inside the error handler."""
    from flask_login import current_user

    try:
        current_user.is_authenticated  # noqa: B018 - loading is the point
    except (OperationalError, InterfaceError, PoolTimeout) as err:
        log.error("Database unavailable while showing an error page on %s %s: %s",
                  request.method, request.path, err)
        g.database_down = True
        _forget_user()
        from govflow.extensions import db

        with contextlib.suppress(Exception):  # the connection is already gone
            db.session.rollback()


NOT_TYPED = {"csrf_token", "version", "next", "submit"}


def typed_text() -> list[tuple[str, str]]:
    """The free text a person sent with a form that could not be saved, to show it back:
    nothing they typed is lost even when the database is not answering."""
    if request.method != "POST" or wants_json():
        return []
    try:
        fields = request.form.items(multi=True)
    except Exception:  # noqa: BLE001 - a body we cannot read has nothing to show back
        return []
    return [
        (name.replace("_", " ").capitalize(), value)
        for name, value in fields
        if name not in NOT_TYPED and "password" not in name and len(value.strip()) > 1
    ]


class _NothingSavedUnderExpiredToken(RuntimeError):
    pass


def _refuse_commit_under_expired_token(session, *_args) -> None:
    if g and g.get("csrf_expired"):
        raise _NothingSavedUnderExpiredToken("a form sent with an expired token saves nothing")


def _form_again_after_expiry(app: Flask, err: CSRFError):
    """A form left open for longer than the token lasts comes back with what was typed.

    Only for an expired token: its signature shows this session's own page issued it, so
    showing the text again (with a fresh token) helps no attacker. The view runs again as
    it would for a form with errors (its form's own token check fails the same way, and the
    error summary says the page timed out); nothing can be saved on the way, because any
    commit is refused. A view that does not show its form again gets the plain 400 page.
    """
    if (request.method != "POST" or wants_json() or "expired" not in (err.description or "")
            or request.endpoint not in app.view_functions):
        return None
    from govflow.extensions import db

    g.csrf_expired = True
    try:
        response = app.make_response(
            app.view_functions[request.endpoint](**(request.view_args or {})))
    except Exception:  # noqa: BLE001 - nothing was saved, whatever it was: the plain 400 page
        response = None
    finally:
        with contextlib.suppress(Exception):
            db.session.rollback()
        g.csrf_expired = False
    if response is None or response.status_code not in (200, 400, 409, 422):
        return None
    if response.status_code == 200:
        response.status_code = 400
    return response


def _csrf(err):
    log.warning("CSRF refused on %s %s: %s", request.method, _safe(request.path),
                err.description)
    again = _form_again_after_expiry(current_app, err)
    if again is not None:
        return again
    return error_response(
        400,
        "The form had expired or was missing its security token. Go back, reload the page "
        "and send it again.",
        code="csrf_failed",
    )


def _hostile(err: HostileInput):
    log.warning("Refused at the edge: %s %s: %s", request.method, _safe(request.path),
                err.description)
    fields = getattr(err, "fields", None)
    return error_response(400, err.description, code=err.code_name,
                          extra={"fields": fields} if fields and wants_json() else None)


def _domain(err: DomainError):
    if wants_json():
        return jsonify(err.to_json()), err.status
    return error_response(err.status, err.message, extra={"details": err.extra})


def _restricted(err: Restricted):
    log.warning("Restricted item %s asked for on %s", err.item_id, request.path)
    if wants_json():
        return error_response(403, restricted_message(err), code="restricted")
    return render_template("errors/restricted.html", page_title="This item is restricted",
                           item_id=err.item_id, ask=err.ask, area_name=err.area_name), 403


def _http(err: HTTPException):
    status = err.code or 500
    message = "" if status in (404, 403, 405) else (err.description or "")
    response = error_response(status, message)
    if status == 405 and hasattr(err, "valid_methods") and err.valid_methods:
        body, code = response
        return body, code, {"Allow": ", ".join(err.valid_methods)}
    if status == 429:
        retry = getattr(err, "retry_after", None)
        if retry:
            body, code = response
            return body, code, {"Retry-After": str(retry)}
    return response


def _database_down(err):
    log.error("Database unavailable on %s %s: %s", request.method, _safe(request.path), err)
    g.database_down = True
    _forget_user()
    from govflow.extensions import db

    with contextlib.suppress(Exception):  # the connection is already gone
        db.session.rollback()
    return error_response(503, "Please try again in a few minutes.",
                          extra={"typed": typed_text()})


def _unexpected(err):
    log.exception("Unhandled error on %s %s", request.method, _safe(request.path))
    _forget_user()
    from govflow.extensions import db

    with contextlib.suppress(Exception):  # on PostgreSQL a failed statement ends the
        db.session.rollback()  # transaction: the error page could not read anything
    return error_response(500)


def init_errors(app: Flask) -> None:
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    # Refused at the flush as well as the commit: use-cases flush, and the request commits
    # only at its end, after a view may already have acted on what it flushed.
    for name in ("before_commit", "before_flush"):
        if not event.contains(Session, name, _refuse_commit_under_expired_token):
            event.listen(Session, name, _refuse_commit_under_expired_token)

    for error, handler in (
        (CSRFError, _csrf),
        (HostileInput, _hostile),
        (DomainError, _domain),
        (Restricted, _restricted),
        (HTTPException, _http),
        (OperationalError, _database_down),
        (InterfaceError, _database_down),
        (PoolTimeout, _database_down),  # every pooled connection busy for DB_POOL_TIMEOUT s
        (Exception, _unexpected),
    ):
        app.register_error_handler(error, handler)
