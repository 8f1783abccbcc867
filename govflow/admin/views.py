"""Admin pages: manage people, organisations and local areas."""

from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required

from govflow.permissions import can

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def _admins_only():
    if not can(current_user, "admin.manage"):
        abort(403)


@bp.get("/")
def index():
    return render_template("admin/index.html", page_title="Administration")
