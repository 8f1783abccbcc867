"""Quorum and dispensation pages: a forum's quorum (set by its secretary or an
administrator), and the chair's dispensation for someone who declared an interest."""

from __future__ import annotations

from flask import abort, render_template, request, url_for

from govflow.forums import forms, quorum
from govflow.forums.views.common import (
    bp,
    done,
    load_forum,
    load_meeting,
    locked_error,
    refused,
    require,
    take_form,
    user,
)
from govflow.workflow.definition import TIER_LABELS


@bp.route("/forums/<slug>/quorum", methods=["GET", "POST"])
def forum_quorum(slug):
    forum = load_forum(slug)
    require("forum.set_quorum", forum)
    form = forms.QuorumForm(formdata=request.form if request.method == "POST" else None)
    form.tiers.choices = list(TIER_LABELS.items())
    if request.method == "GET":
        form.quorum.data = str(forum.quorum) if forum.quorum else ""
        form.tiers.data = quorum.required_tiers(forum)
        form.decide_without.data = forum.decide_without_quorum
    return take_form(
        form, lambda: quorum.set_quorum(forum, user(), quorum=form.quorum.data,
                                        tiers=form.tiers.data,
                                        decide_without=bool(form.decide_without.data)),
        then=lambda _: done(f"Quorum saved: {quorum.describe(forum)}.",
                            url_for("forums.show", slug=forum.slug)),
        again=lambda status: (render_template(
            "forums/quorum.html", page_title=f"Quorum of {forum.name}", form=form,
            forum=forum), status),
        refusals=None,
    )


@bp.route("/meetings/<int:meeting_id>/conflicts/<int:conflict_id>/dispensation",
          methods=["GET", "POST"])
def dispensation(meeting_id, conflict_id):
    meeting = load_meeting(meeting_id)
    require("meeting.dispense", meeting)
    conflict = next((c for c in meeting.conflicts if c.id == conflict_id), None)
    if conflict is None:
        abort(404)
    if meeting.status == "approved":
        return refused(locked_error(meeting), meeting)
    entry = next((a for a in meeting.agenda if a.id == conflict.agenda_item_id), None)
    form = forms.DispensationForm()
    return take_form(
        form, lambda: quorum.grant_dispensation(meeting, user(), conflict.id,
                                                reason=form.reason.data),
        then=lambda _: done("Dispensation recorded.",
                            url_for("forums.meeting", meeting_id=meeting.id)),
        again=lambda status: (render_template(
            "forums/dispensation.html", page_title="Record a dispensation", form=form,
            meeting=meeting, forum=meeting.forum, conflict=conflict, entry=entry), status),
        meeting=meeting,
    )
