"""The JSON API at /api/v1: bearer-token (or session) authentication and JSON errors.

Each domain adds its endpoints in its own module (govflow/api/<domain>.py) on this one
blueprint, and describes them in govflow/api/openapi.yaml (served as /api/v1/openapi.json).
"""

from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify, request
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from govflow.edge import OPENAPI_FILE  # noqa: F401 - where the description lives
from govflow.extensions import csrf
from govflow.hooks import present_modules

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Token-authenticated JSON calls carry no cookie-bound form, so CSRF does not apply; requests
# authenticated by a session cookie are refused for writes unless they carry a bearer token.
csrf.exempt(bp)

API_MODULES = ("items", "decisions", "areas", "actions", "metrics", "forums", "outcomes")


class ApiError(Exception):
    def __init__(self, status: int, message: str, code: str = "bad_request", **extra):
        super().__init__(message)
        self.status, self.message, self.code, self.extra = status, message, code, extra


@bp.errorhandler(ApiError)
def _api_error(err: ApiError):
    body = {"error": err.code, "message": err.message}
    body.update(err.extra)
    return jsonify(body), err.status


@bp.before_request
def _authenticate():
    if request.endpoint == "api.openapi":
        return None
    if "Authorization" in request.headers:
        # A request that names its credentials is answered for them alone: a bad token
        # beside a browser's session cookie is refused, not served as the session's person.
        from govflow.accounts.auth import load_user_from_token

        user = load_user_from_token(request)
        if user is None:
            raise ApiError(401, "The API token is not valid: send a valid token as "
                           "'Authorization: Bearer <token>'.", "unauthorized")
        g._login_user = user  # Flask-Login's per-request person; the session is not consulted
    if not current_user.is_authenticated:
        raise ApiError(401, "Send a valid API token as 'Authorization: Bearer <token>'.",
                       "unauthorized")
    if request.method not in ("GET", "HEAD", "OPTIONS") and not request.headers.get(
        "Authorization", ""
    ).lower().startswith("bearer "):
        # A browser session must not be usable for cross-site JSON writes.
        raise ApiError(401, "Writes to the API need an API token.", "unauthorized")
    return None


@bp.before_request
def _idempotency_key():
    # After _authenticate: a key belongs to the person sending it.
    from govflow.submissions.guard import before_api

    return before_api()


@bp.after_request
def _idempotency_outcome(response):
    from govflow.submissions.guard import after_api

    return after_api(response)


def json_body() -> dict:
    """The request's JSON object, or a 400 with a clear message."""
    if not request.is_json:
        raise ApiError(400, "Send a JSON body with Content-Type: application/json.", "invalid")
    try:
        data = request.get_json(silent=True)
    except RequestEntityTooLarge:
        limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
        raise ApiError(413, f"The body is too large: send at most {limit:,} bytes.",
                       "too_large") from None
    if not isinstance(data, dict):
        raise ApiError(400, "The body must be a JSON object.", "invalid")
    return data


MAX_PAGE = 100_000


def page_args(default_size: int = 25, max_size: int = 100) -> tuple[int, int]:
    try:
        page = int(request.args.get("page", 1))
        size = int(request.args.get("per_page", default_size))
    except ValueError:
        raise ApiError(400, "page and per_page must be whole numbers.", "invalid") from None
    if page < 1 or size < 1:
        raise ApiError(400, "page and per_page must be 1 or more.", "invalid")
    if page > MAX_PAGE:
        raise ApiError(400, f"page must be {MAX_PAGE:,} or less.", "invalid")
    return page, min(size, max_size)


@bp.get("/openapi.json")
def openapi():
    from govflow import edge

    return jsonify(edge.openapi())


def register_api_modules() -> None:
    """Import each domain's API module so its routes attach to `bp` (missing ones skipped)."""
    for _module in present_modules(f"govflow.api.{name}" for name in API_MODULES):
        pass


register_api_modules()
