"""Area pages: every local area at a glance, readable by anyone signed in."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, url_for
from flask_login import current_user, login_required

from govflow.clock import utcnow
from govflow.domain_errors import NotFound
from govflow.permissions import can
from govflow.sponsors import queries, services
from govflow.sponsors.views import list_limit

bp = Blueprint("areas", __name__, url_prefix="/areas")


@bp.get("")
@login_required
def index():
    if not can(current_user, "area.view"):
        abort(403)
    return render_template("areas/index.html", page_title="Local areas",
                           summaries=queries.area_summaries(user=current_user))


@bp.get("/<slug>")
@login_required
def show(slug: str):
    if not can(current_user, "area.view"):
        abort(403)
    try:
        area = services.get_area(slug)
    except NotFound:
        abort(404)
    now = utcnow()
    view = queries.area_page(area, current_user._get_current_object(), now, limit=list_limit())
    return render_template(
        "areas/show.html",
        page_title=area.name,
        view=view,
        now=now,
        may_record=can(current_user, "action.record", area),
        limit=list_limit(),
        all_href=url_for("areas.show", slug=area.slug, show="all"),
    )
