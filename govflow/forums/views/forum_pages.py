"""Forum pages: the list of forums, setting one up, its members, its own page."""

from __future__ import annotations

from flask import render_template, request, url_for
from flask_login import current_user

from govflow.clock import utcnow
from govflow.forums import forms, queries, quorum, recurrence, services
from govflow.forums.models import Forum
from govflow.forums.views.common import (
    bp,
    can_run,
    done,
    load_forum,
    require,
    take_form,
    user,
)
from govflow.permissions import can


@bp.get("/forums")
def index():
    require("forums.view")
    forums = queries.forums_in_order()
    now = utcnow()
    upcoming, last = {}, {}
    for forum in forums:
        meetings = services.meetings_of(forum)
        future = [m for m in meetings if m.starts_at >= now and not m.cancelled]
        past = [m for m in meetings if m.starts_at < now]
        upcoming[forum.id] = future[-1] if future else None
        last[forum.id] = past[0] if past else None
    return render_template("forums/index.html", page_title="Forums", forums=forums,
                           upcoming=upcoming, last=last, can_manage=can(current_user, "forums.manage"))


def _forum_form(forum: Forum | None = None) -> forms.ForumForm:
    form = forms.ForumForm(obj=None if request.method == "POST" else forum)
    areas = queries.areas_by_name(active_only=True)
    form.area.choices = [("", "Choose an area")] + [(a.slug, a.name) for a in areas]
    if request.method == "GET" and forum is not None:
        form.area.data = forum.area.slug if forum.area else ""
    return form


def _save_forum(form, forum: Forum | None = None) -> Forum:
    return services.save_forum(user(), forum=forum, slug=form.slug.data, name=form.name.data,
                               kind=form.kind.data, area_slug=form.area.data,
                               place=form.place.data or "", active=bool(form.active.data))


def _forum_form_page(form, forum: Forum | None = None):
    """The page again for setting up a forum, or changing `forum`, at the status given."""
    return lambda status: (render_template(
        "forums/forum_form.html",
        page_title="Set up a forum" if forum is None else f"Change {forum.name}",
        form=form, forum=forum), status)


@bp.route("/forums/new", methods=["GET", "POST"])
def new_forum():
    require("forums.manage")
    form = _forum_form()
    return take_form(
        form, lambda: _save_forum(form),
        then=lambda forum: done(f"{forum.name} has been set up. Now add its members and secretary.",
                                url_for("forums.members", slug=forum.slug)),
        again=_forum_form_page(form), refusals=None,
    )


@bp.route("/forums/<slug>/edit", methods=["GET", "POST"])
def edit_forum(slug):
    require("forums.manage")
    forum = load_forum(slug)
    form = _forum_form(forum)
    return take_form(
        form, lambda: _save_forum(form, forum),
        then=lambda _: done("The forum's details have been saved.",
                            url_for("forums.show", slug=forum.slug)),
        again=_forum_form_page(form, forum), refusals=None,
    )


@bp.route("/forums/<slug>/members", methods=["GET", "POST"])
def members(slug):
    require("forums.manage")
    forum = load_forum(slug)
    form = forms.MembersForm()
    people = services.active_users()
    choices = [(str(u.id), f"{u.display_name}{' — ' + u.job_title if u.job_title else ''}") for u in people]
    form.members.choices = choices
    form.secretaries.choices = choices
    if request.method == "GET":
        form.members.data = [str(u.id) for u in forum.members]
        form.secretaries.data = [str(u.id) for u in services.forum_secretaries(forum)]
    return take_form(
        form, lambda: services.set_members(forum, member_ids=form.members.data,
                                           secretary_ids=form.secretaries.data),
        then=lambda _: done("Members saved.", url_for("forums.show", slug=forum.slug)),
        again=lambda status: (render_template("forums/members.html",
                                              page_title=f"Members of {forum.name}", form=form,
                                              forum=forum), status),
        refusals=None,
    )


@bp.get("/forums/<slug>")
def show(slug):
    require("forums.view")
    forum = load_forum(slug)
    meetings = services.meetings_of(forum)
    now = utcnow()
    return render_template(
        "forums/show.html", page_title=forum.name, forum=forum,
        upcoming=sorted([m for m in meetings if m.starts_at >= now], key=lambda m: m.starts_at),
        past=[m for m in meetings if m.starts_at < now],
        secretaries=services.forum_secretaries(forum),
        rhythm=recurrence.describe(recurrence.current_rhythm(forum)),
        can_run=can_run(forum), can_manage=can(current_user, "forums.manage"),
        quorum_words=quorum.describe(forum),
        can_set_quorum=can(current_user, "forum.set_quorum", forum),
    )
