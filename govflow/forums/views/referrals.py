"""Local to central: referring an agenda item of a local group's meeting (or an item, from
its own page) to the central forum with a note, and the central forum's answer going back
(govflow.forums.referrals)."""

from __future__ import annotations

from flask import abort, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea
from wtforms import SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from govflow.errors import Restricted
from govflow.extensions import db
from govflow.forums import referrals
from govflow.forums.views.common import (
    bp,
    done,
    load_entry,
    load_meeting,
    require,
    running,
    take_form,
    user,
)
from govflow.items.models import Item
from govflow.permissions import can


class ReferForm(FlaskForm):
    note = TextAreaField("What is the central forum asked?", widget=GovTextArea(),
                         description="It goes on the central forum's next agenda with this note.",
                         validators=[InputRequired(message="Enter what you are asking the "
                                                           "central forum"), Length(max=10000)])
    submit = SubmitField("Refer to the central forum", widget=GovSubmitInput())


class AnswerForm(FlaskForm):
    answer = TextAreaField("The central forum's answer", widget=GovTextArea(),
                           description="It goes back to the local group's next agenda as a "
                                       "matter arising.",
                           validators=[InputRequired(message="Enter the central forum's answer"),
                                       Length(max=10000)])
    submit = SubmitField("Send the answer back", widget=GovSubmitInput())


def _back(meeting, entry, message):
    return done(message, url_for("forums.agenda_item", meeting_id=meeting.id,
                                 agenda_item_id=entry.id))


@bp.route("/meetings/<int:meeting_id>/agenda/<int:agenda_item_id>/refer",
          methods=["GET", "POST"])
def refer(meeting_id, agenda_item_id):
    meeting = load_meeting(meeting_id)
    require("forum.refer", meeting)
    entry = load_entry(meeting, agenda_item_id)
    form = ReferForm()
    return take_form(
        form, lambda: referrals.refer_to_central(user(), forum=meeting.forum, meeting=meeting,
                                                 entry=entry, note=form.note.data),
        then=lambda r: _back(meeting, entry, f"Referred to {r.to_forum.name}. It is on its "
                                             "next agenda; its answer will come back to this "
                                             "group's next meeting."),
        again=lambda status: (render_template(
            "forums/refer.html", page_title="Refer to the central forum", form=form,
            meeting=meeting, entry=entry), status),
        meeting=meeting,
    )


@bp.route("/items/<int:item_id>/refer-to-central", methods=["GET", "POST"])
def refer_item(item_id):
    """The same referral from the item's own page, between meetings: for the local group of
    the item's own area, by those the access policy lets refer for it."""
    item = db.session.get(Item, item_id)
    if item is None:
        abort(404)
    if not can(current_user, "item.view", item):
        raise Restricted(item)  # the restricted page: says whom to ask, nothing of the item
    require("item.refer_to_central", item)
    forum = referrals.local_forum_for(item)
    item_page = url_for("items.show", item_id=item.id)
    form = ReferForm()
    return take_form(
        form, lambda: referrals.refer_to_central(user(), forum=forum, item=item,
                                                 note=form.note.data),
        then=lambda r: done(f"Referred to {r.to_forum.name} for {forum.name}. It is on its "
                            f"next agenda; its answer will come back to {forum.name}'s next "
                            "meeting as a matter arising.", f"{item_page}#referrals"),
        again=lambda status: (render_template(
            "forums/refer.html", page_title="Refer to the central forum", form=form,
            meeting=None, entry=None, item=item, forum=forum), status),
        back=(item_page, f"Go back to the {item.kind}"),
    )


@bp.app_context_processor
def _item_page_referrals() -> dict:
    return {"item_referrals": item_referrals}


def item_referrals(item, has_some: bool = True) -> dict:
    """What an item's page shows of its referrals (templates/forums/_item_referrals.html):
    each one, newest first, and where to refer it, for those who may while none waits and
    the item still waits on someone. `has_some`: False when the page already knows there are
    none (its `has`)."""
    sent = referrals.for_item(item) if has_some else []
    waiting = any(r.answered_at is None for r in sent)
    may = not waiting and item.is_open and can(current_user, "item.refer_to_central", item)
    return {"referrals": sent,
            "refer_url": url_for("forums.refer_item", item_id=item.id) if may else None}


@bp.route("/meetings/<int:meeting_id>/agenda/<int:agenda_item_id>/answer",
          methods=["GET", "POST"])
def answer(meeting_id, agenda_item_id):
    meeting = running(meeting_id)
    entry = load_entry(meeting, agenda_item_id)
    if entry.referral is None:
        abort(404)
    form = AnswerForm()
    return take_form(
        form, lambda: referrals.answer_referral(meeting, user(), entry, form.answer.data),
        then=lambda r: _back(meeting, entry, f"The answer goes back to {r.from_forum.name}'s "
                                             "next meeting as a matter arising."),
        again=lambda status: (render_template(
            "forums/referral_answer.html", page_title="Send the answer back", form=form,
            meeting=meeting, entry=entry, referral=entry.referral), status),
        meeting=meeting,
    )
