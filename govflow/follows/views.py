"""Follow and stop following an item, a forum or an area: one small form on each page."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user, login_required

from govflow.accounts.models import LocalArea
from govflow.extensions import db
from govflow.follows import queries
from govflow.forums.models import Forum
from govflow.items.queries import load_item
from govflow.permissions import can

bp = Blueprint("follows", __name__)



def _load(thing: str, thing_id: int):
    """The thing, its page, and what to call it; 404 when missing or not to be seen."""
    user = current_user._get_current_object()
    if thing == "item":
        item = load_item(thing_id)
        if item is None or not can(user, "item.follow", item):
            abort(404)
        return item, url_for("items.show", item_id=item.id), f"this {item.kind}"
    if thing == "forum":
        forum = db.session.get(Forum, thing_id)
        if forum is None or not can(user, "forum.follow", forum):
            abort(404)
        return forum, url_for("forums.show", slug=forum.slug), forum.name
    if thing == "area":
        area = db.session.get(LocalArea, thing_id)
        if area is None or not area.active or not can(user, "area.follow", area):
            abort(404)
        return area, url_for("areas.show", slug=area.slug), area.name
    abort(404)


@bp.post("/follow/<thing>/<int:thing_id>")
@login_required
def follow(thing: str, thing_id: int):
    _obj, page, name = _load(thing, thing_id)
    if request.form.get("do") == "stop":
        queries.unfollow(current_user.id, thing, thing_id)
        flash(f"You no longer follow {name}.", "success")
    else:
        queries.follow(current_user.id, thing, thing_id)
        flash(f"You now follow {name}. Changes will show on your Home page and in your "
              "inbox.", "success")
    return redirect(page, code=303)


@bp.app_template_global()
def following(thing: str, thing_id: int) -> bool:
    """For the follow button: does the signed-in person follow this?"""
    return current_user.is_authenticated and queries.is_following(current_user.id, thing,
                                                                  thing_id)
