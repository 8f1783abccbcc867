"""Printing a decision log: the form that scopes it, and the PDF."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user

from govflow.forums import forms, minutes, queries
from govflow.forums.views.common import bp, pdf_response, require


def _log_form():
    form = forms.DecisionLogForm(request.args)
    forums_ = queries.forums_in_order()
    areas = queries.areas_by_name()
    form.forum.choices = [("", "Any forum")] + [(f.slug, f.name) for f in forums_]
    form.area.choices = [("", "Any area")] + [(a.slug, a.name) for a in areas]
    return form


@bp.get("/forums/decision-log")
def decision_log():
    require("decisions.view")
    return render_template("forums/decision_log.html", page_title="Print a decision log",
                           form=_log_form())


def _range_ok(form) -> bool:
    if form.date_from.data and form.date_to.data and form.date_to.data < form.date_from.data:
        form.date_to.errors = list(form.date_to.errors) + ["The end date must be on or after the start date"]
        return False
    return True


@bp.get("/forums/decision-log.pdf")
def decision_log_pdf():
    require("decisions.view")
    form = _log_form()
    if not form.validate() or not _range_ok(form):
        return render_template("forums/decision_log.html", page_title="Print a decision log",
                               form=form), 400
    forum = queries.forum_by_slug(form.forum.data) if form.forum.data else None
    area = queries.area_by_slug(form.area.data) if form.area.data else None
    scope = minutes.LogScope(reader=current_user._get_current_object(), forum=forum, area=area,
                             date_from=form.date_from.data, date_to=form.date_to.data)
    pdf = minutes.render_decision_log(scope, author=forum.name if forum else "govflow")
    name = "decision-log" + (f"-{forum.slug}" if forum else "") + (f"-{area.slug}" if area else "")
    if form.date_from.data:
        name += f"-from-{form.date_from.data.isoformat()}"
    if form.date_to.data:
        name += f"-to-{form.date_to.data.isoformat()}"
    return pdf_response(pdf, f"{name}.pdf")
