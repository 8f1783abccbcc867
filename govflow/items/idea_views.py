"""Pages for ideas: propose one, and the confirmation of who will decide it and by when."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.routing import BuildError

from govflow import workdays
from govflow.accounts.models import LocalArea
from govflow.domain_errors import Invalid, PersonalDataFound, Unprocessable
from govflow.errors import Restricted
from govflow.extensions import db
from govflow.items import ideas
from govflow.items.idea_forms import ProposeIdeaForm
from govflow.items.models import Item, Tag
from govflow.permissions import can, can_view_item, correctable_entries
from govflow.workflow import vocabulary

bp = Blueprint("ideas", __name__)


def _user():
    return current_user._get_current_object()


def _fill_choices(form: ProposeIdeaForm) -> None:
    form.outcomes.choices = [
        (t.slug, t.name)
        for t in db.session.scalars(select(Tag).where(Tag.kind == "outcome").order_by(Tag.position))
    ]
    form.area.choices = [("", "Choose an area")] + [
        (a.slug, a.name)
        for a in db.session.scalars(select(LocalArea).where(LocalArea.active).order_by(LocalArea.name))
    ]


FIELD_NAMES = {
    "title": "The title",
    "description": "What the idea is",
    "why": "Why it will help",
    "who_involved": "Who is involved",
    "support_needed": "Support needed",
}


def put_errors(form, err) -> None:
    """A service's field errors beside the fields; personal-data ones name the field."""
    for name, message in (err.field_errors or {}).items():
        field = getattr(form, name, None)
        if field is None:
            form.form_errors.append(message)
            continue
        if isinstance(err, PersonalDataFound) and name in FIELD_NAMES:
            # Say which answer it is in, so the error summary's links are not all alike.
            message = message.replace("This looks like", f"{FIELD_NAMES[name]} looks like", 1)
        field.errors = list(field.errors or []) + [message]
    if not err.field_errors:
        form.form_errors.append(err.message)


@bp.route("/ideas/new", methods=["GET", "POST"])
@login_required
def new():
    user = _user()
    if not can(user, "item.raise"):
        abort(403)
    form = ProposeIdeaForm()
    _fill_choices(form)
    status = 200
    if request.method == "GET":
        home = db.session.get(LocalArea, user.home_area_id) if user.home_area_id else None
        form.area.data = home.slug if home else ""
    elif form.validate_on_submit():
        try:
            item = ideas.propose_idea(user, **form.answers())
        except (Invalid, Unprocessable) as err:
            db.session.rollback()
            put_errors(form, err)
            status = err.status
        else:
            return redirect(url_for("ideas.proposed", item_id=item.id))
    else:
        status = 400
        # Check the rest too, so every problem shows at once and nothing typed is lost.
        try:
            ideas.parse_funding(form.funding_asked.data)
        except Invalid as err:
            put_errors(form, err)
        if not form.outcomes.data:
            form.outcomes.errors = list(form.outcomes.errors or []) + [
                "Choose at least one outcome the idea serves"]
    return render_template(
        "ideas/new.html", form=form, rules=ideas.tier_rules(), page_title="Propose an idea"
    ), status


def _decision_facts(item: Item) -> dict:
    return {
        "tier": item.tier,
        "deciders": ideas.TIER_DECIDERS[item.tier],
        "due": workdays.format_datetime(item.due_at) if item.due_at else "",
        "days": ideas.decision_days(item.tier),
        "item_url": item_url(item),
    }


def item_url(item) -> str:
    try:
        return url_for("items.show", item_id=item.id)
    except BuildError:
        return url_for("ideas.proposed", item_id=item.id)


@bp.get("/ideas/<int:item_id>/proposed")
@login_required
def proposed(item_id: int):
    item = db.session.get(Item, item_id)
    if item is None or item.kind != "idea":
        abort(404)
    if not can_view_item(_user(), item):
        raise Restricted(item)
    return render_template("ideas/proposed.html", item=item, **_decision_facts(item),
                           page_title="Idea proposed")


# --- the ideas section of an item's page (templates/items/_extra_idea.html) ---------------


def idea_facts(item: Item) -> dict:
    """What the item page shows about an idea: money, who decides, challenge window, decisions."""
    from govflow.clock import utcnow
    from govflow.decisions import queries as decision_queries
    from govflow.decisions.views import item_url as decision_item_url
    from govflow.decisions.views import meeting_url

    now = utcnow()
    decisions = decision_queries.entries_of_item(item.id)  # newest first
    challenge_ends = ideas.challenge_deadline(item)
    challenge = None
    if item.state == "declined":
        if item.tier == "gold":
            challenge = "A Gold decision is final: it cannot be challenged."
        elif challenge_ends is not None and now <= challenge_ends:
            left = workdays.working_days_until(challenge_ends, now)
            time_left = "ends today" if left == 0 else f"{left} working day{'s' if left != 1 else ''} left"
            challenge = (
                f"The proposer can challenge this decision until "
                f"{workdays.format_datetime(challenge_ends)} ({time_left}). "
                f"A challenge goes to {ideas.next_tier(item.tier).capitalize()}."
            )
        elif challenge_ends is not None:
            challenge = (f"The time to challenge this decision ended on "
                         f"{workdays.format_datetime(challenge_ends)}.")
    return {
        "funding": item.funding_pence,
        "tier": item.tier,
        "deciders": ideas.TIER_DECIDERS[item.tier],
        "awaiting": item.state in vocabulary.waiting_states("idea"),
        "due": workdays.format_datetime(item.due_at) if item.due_at else "",
        "challenge": challenge,
        "decisions": decisions,
        "item_url": decision_item_url,
        "meeting_url": meeting_url,
        "correctable": correctable_entries(_user(), decisions),
    }


@bp.app_context_processor
def _idea_helpers() -> dict:
    return {"idea_facts": idea_facts}
