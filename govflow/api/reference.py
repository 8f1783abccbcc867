"""The API reference page: the OpenAPI file rendered by Swagger UI, served from our own static
build, linked from the account page where tokens are made."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, url_for
from flask_login import current_user, login_required

from govflow.permissions import can

bp = Blueprint("api_reference", __name__)


@bp.get("/api-reference")
@login_required
def index():
    if not can(current_user, "api.reference"):
        abort(403)
    return render_template("api/reference.html", openapi_url=url_for("api.openapi"),
                           page_title="API reference")
