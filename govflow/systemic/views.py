"""Similar-blocker suggestions (HTML fragment, page and no-JS check) and "we have this too"."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.routing import BuildError

from govflow import permissions
from govflow.domain_errors import DomainError, Forbidden
from govflow.errors import Restricted
from govflow.extensions import db
from govflow.items.models import Item
from govflow.systemic import search, services
from govflow.systemic.forms import AddAreaForm

bp = Blueprint("systemic", __name__)

# Anyone signed in may look for the same blocker elsewhere and say their area has it too
# (permissions: item.find_similar, item.add_area): it makes their area affected, and gives
# them no powers over the blocker.
TITLE_LIMIT = 200
# Fields of the raise form carried through the no-JS check, so nothing typed is lost.
# The submission key goes on as the new form's own key: raising from here is the same
# submission as the raise form it came from.
NOT_CARRIED = {"csrf_token", "check_similar", "submission_key"}


def _item_url(item_id: int) -> str:
    try:
        return url_for("items.show", item_id=item_id)
    except BuildError:  # the item pages are another feature's; fall back to our own form
        return url_for("systemic.add_area", item_id=item_id)


def _raise_url() -> str | None:
    try:
        return url_for("items.new_blocker")
    except BuildError:
        return None


@bp.get("/items/similar")
@login_required
def similar():
    """Open blockers like ?title=: a fragment for the raise form's script, or a page."""
    title = (request.args.get("title") or "")[:TITLE_LIMIT]
    items = search.similar_blockers(title, user=current_user) if title.strip() else []
    context = {"items": items, "title": title, "searched": bool(title.strip()),
               "threshold": services.threshold()}
    if request.args.get("fragment") == "1":
        return render_template("systemic/_results.html", **context)
    return render_template("systemic/similar.html", page_title="Find similar blockers",
                           carried=None, raise_url=None, **context)


@bp.post("/items/similar")
@login_required
def check_from_raise_form():
    """The raise form's "Check for similar blockers" button without JavaScript.

    Shows the suggestions, and carries everything typed into a form that raises the blocker
    after all (posted to the raise form's own handler, which validates it as usual).
    """
    title = (request.form.get("title") or "")[:TITLE_LIMIT]
    items = search.similar_blockers(title, user=current_user) if title.strip() else []
    carried = [(k, v) for k in request.form for v in request.form.getlist(k)
               if k not in NOT_CARRIED]
    return render_template("systemic/similar.html", page_title="Similar blockers",
                           items=items, title=title, threshold=services.threshold(),
                           searched=bool(title.strip()), carried=carried,
                           carried_key=request.form.get("submission_key"),
                           raise_url=_raise_url())


@bp.route("/items/<int:item_id>/we-have-this-too", methods=["GET", "POST"])
@login_required
def add_area(item_id: int):
    item = db.session.get(Item, item_id)
    if item is None or item.kind != "blocker":
        abort(404)
    if not permissions.can(current_user, "item.view", item):
        raise Restricted(item)
    if not permissions.can(current_user, "item.add_area", item):
        abort(403)
    areas = services.affected_areas(item)
    choices = services.areas_person_may_add(current_user, item)
    form = AddAreaForm()
    form.area.choices = [(a.slug, a.name) for a in choices]
    if request.method == "GET" and len(choices) == 1:
        form.area.data = choices[0].slug
    if request.method == "GET" and request.args.get("effect"):
        form.effect.data = request.args["effect"][:2000]
    status = 200
    if form.validate_on_submit():
        try:
            services.add_area(item, current_user, area=form.area.data, effect=form.effect.data)
        except Forbidden:
            db.session.rollback()
            raise
        except DomainError as err:
            db.session.rollback()
            for name, message in err.field_errors.items():
                getattr(form, name, form.effect).errors = [message]
            if not err.field_errors:
                form.form_errors.append(err.message)
            status = err.status
        else:
            added = next(a.name for a in choices if a.slug == form.area.data)
            message = f"{added} added to this blocker."
            if item.systemic:
                message += " It now affects enough areas to be a systemic blocker"
                message += " and has moved to Silver." if item.tier == "silver" else "."
            flash(message, "success")
            return redirect(_item_url(item.id))
    elif request.method == "POST":
        status = 400
    return render_template(
        "systemic/add_area.html", page_title="We have this too", item=item, areas=areas,
        form=form, can_add=bool(choices), threshold=services.threshold(),
        open=item.state in services.OPEN_BLOCKER_STATES,
    ), status
