"""The person's own absences page: when they are away, who stands in for them, and whom
they stand in for."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from govflow.accounts import deputies
from govflow.accounts.deputy_models import Absence
from govflow.accounts.forms import AbsenceForm
from govflow.accounts.models import User
from govflow.accounts.views import bp, own_row
from govflow.domain_errors import Invalid
from govflow.extensions import db
from govflow.workdays import format_date


def _page(form: AbsenceForm, status: int = 200):
    user = current_user._get_current_object()
    return render_template(
        "accounts/absences.html", page_title="Absences and deputies", form=form,
        absences=deputies.absences_of(user), standing_in_for=deputies.standing_in_for(user),
        can_name_deputy=len(form.deputy.choices) > 1), status


def _form() -> AbsenceForm:
    form = AbsenceForm()
    people = deputies.possible_deputies(current_user._get_current_object())
    form.deputy.choices = [("", "No deputy")] + [
        (str(p.id), f"{p.display_name}, {p.job_title}" if p.job_title else p.display_name)
        for p in people]
    return form


@bp.route("/account/absences", methods=["GET", "POST"])
@login_required
def absences():
    form = _form()
    if request.method == "GET" or not form.validate_on_submit():
        return _page(form, 200)
    user = current_user._get_current_object()
    deputy = db.session.get(User, int(form.deputy.data)) if form.deputy.data else None
    try:
        absence = deputies.record_absence(user, form.starts_on.data, form.ends_on.data, deputy)
    except Invalid as err:
        for name, message in err.field_errors.items():
            getattr(form, name).errors = list(getattr(form, name).errors) + [message]
        return _page(form, 200)
    who = f"{absence.deputy.display_name} stands in for you" if absence.deputy else (
        "You have named no deputy: the sweep will warn of deadlines that fall while you are away")
    flash(f"You are away from {format_date(absence.starts_on)} to "
          f"{format_date(absence.ends_on)}. {who}.", "success")
    return redirect(url_for("accounts.absences"))


@bp.post("/account/absences/<int:absence_id>/end")
@login_required
def end_absence(absence_id: int):
    deputies.end_absence(own_row(Absence, absence_id))
    flash("That absence has ended. Your deputy no longer acts for you.", "success")
    return redirect(url_for("accounts.absences"))
