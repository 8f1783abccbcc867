"""Pages that belong to no one feature: home, accessibility statement, privacy, how it works."""

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required

bp = Blueprint("main", __name__)


@bp.get("/")
def home():
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.sign_in"))
    from govflow.home.queries import home as home_view

    view = home_view(current_user._get_current_object())
    return render_template("main/home.html", page_title="Home", view=view)


@bp.get("/accessibility")
def accessibility():
    return render_template("main/accessibility.html", page_title="Accessibility statement")


@bp.get("/privacy")
def privacy():
    return render_template("main/privacy.html", page_title="Privacy")


@bp.get("/healthz")
def healthz():
    """For the load balancer: 200 when the database answers, 503 (quickly: the database
    timeouts bound the wait) when it does not."""
    import contextlib
    import logging

    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError, SQLAlchemyError

    from govflow.extensions import db

    try:
        db.session.execute(text("SELECT 1"))
    except (DBAPIError, SQLAlchemyError) as err:
        logging.getLogger("govflow.health").error("Health check: database not answering: %s",
                                                  err)
        with contextlib.suppress(Exception):  # the connection is already gone
            db.session.rollback()
        return {"status": "unavailable", "database": "not answering"}, 503
    return {"status": "ok"}


@bp.get("/me")
@login_required
def me():
    return redirect(url_for("accounts.account"))
