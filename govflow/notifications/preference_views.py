"""Notification preferences: a person's choice per kind (signed in), and the unsubscribe
link in every email, which works without signing in (govflow/notifications/preferences.py)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from govflow.notifications import preferences as prefs

bp = Blueprint("preferences", __name__)


@bp.route("/account/notifications", methods=["GET", "POST"])
@login_required
def edit():
    chosen = prefs.preferences_of(current_user.id)
    errors: dict[str, str] = {}
    if request.method == "POST":
        sent = {kind: request.form.get(f"how-{kind}", "") for kind in prefs.KINDS}
        for kind, how in sent.items():
            if how not in prefs.choices_for(kind):
                errors[kind] = f"Choose how you want emails about {prefs.KINDS[kind].lower()}"
        if not errors:
            for kind, how in sent.items():
                prefs.set_preference(current_user.id, kind, how)
            flash("Your email settings are saved.", "success")
            return redirect(url_for("preferences.edit"), code=303)
        chosen = {kind: sent[kind] or chosen[kind] for kind in prefs.KINDS}
    return render_template("notifications/preferences.html", page_title="Email settings",
                           kinds=prefs.KINDS, choices_for=prefs.choices_for, chosen=chosen,
                           errors=errors), (400 if errors else 200)


def _read(token: str):
    try:
        return prefs.read_token(token), None
    except prefs.BadLink as err:
        return None, err


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token: str):
    """Stop one kind of email, from the link in it: no sign-in, as the link is signed."""
    found, problem = _read(token)
    if problem is not None:
        return render_template("notifications/unsubscribe.html", page_title="Unsubscribe",
                               problem=str(problem), expired=problem.expired), (
            410 if problem.expired else 404)
    user_id, kind = found
    done = False
    if request.method == "POST":
        prefs.set_preference(user_id, kind, "off")
        done = True
    return render_template("notifications/unsubscribe.html", page_title="Unsubscribe",
                           problem=None, kind_label=prefs.KINDS[kind], done=done,
                           token=token)

