"""Pages that belong to no one feature: home, accessibility statement, privacy, how it works."""

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required

bp = Blueprint("main", __name__)


@bp.get("/")
def home():
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.sign_in"))
    return render_template("main/home.html", page_title="Home")


@bp.get("/accessibility")
def accessibility():
    return render_template("main/accessibility.html", page_title="Accessibility statement")


@bp.get("/privacy")
def privacy():
    return render_template("main/privacy.html", page_title="Privacy")


@bp.get("/healthz")
def healthz():
    from sqlalchemy import text

    from govflow.extensions import db

    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}


@bp.get("/me")
@login_required
def me():
    return redirect(url_for("accounts.account"))
