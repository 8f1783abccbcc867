"""Raising blockers, the item lists (mine, queue), the item page, its actions and comments."""

from __future__ import annotations

import functools
import logging
from types import SimpleNamespace

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import bindparam, literal_column, null, select, union_all

from govflow import workdays
from govflow.accounts.models import LocalArea, Organisation, User
from govflow.clock import utcnow
from govflow.domain_errors import (
    DomainError,
    Forbidden,
    Invalid,
    Refused,
    StaleVersion,
    Unprocessable,
)
from govflow.errors import Restricted
from govflow.extensions import db
from govflow.items import policy_words, presenters, services
from govflow.items.forms import (
    CommentForm,
    CorrectCommentForm,
    RaiseBlockerForm,
    RaiseChoiceForm,
    RestrictionForm,
    action_form_class,
)
from govflow.items.models import Comment, Event, Item, Tag
from govflow.items.queries import (
    item_page_has,
    load_item,
)
from govflow.permissions import can, can_view_item
from govflow.text import field_name
from govflow.workflow import engine
from govflow.workflow.definition import WORKFLOW_DIR, load

bp = Blueprint("items", __name__)
log = logging.getLogger("govflow.items")

PER_PAGE = 25
KIND_WORDS = {
    "blocker": {"description": "What is blocked", "effect": "The effect on families' support"},
    "idea": {"description": "The idea", "effect": "The effect on families' support"},
}


def _user():
    return current_user._get_current_object()


# --- raising ------------------------------------------------------------------------------


@bp.route("/raise", methods=["GET", "POST"])
@login_required
def new_choice():
    form = RaiseChoiceForm()
    options = [("blocker", "A blocker",
                "Something in the system stops you helping families: a rule, a process, a "
                "room, a missing agreement")]
    if "ideas.new" in current_app.view_functions:
        options.append(("idea", "A new idea",
                        "Something you want to try. The answer is yes unless there is a good "
                        "reason why not"))
    form.kind.choices = [(value, text) for value, text, _ in options]
    if form.validate_on_submit():
        return redirect(url_for("ideas.new" if form.kind.data == "idea" else "items.new_blocker"))
    status = 400 if request.method == "POST" else 200
    return render_template("items/new_choice.html", form=form, options=options,
                           page_title="What do you want to raise?"), status


def _fill_blocker_choices(form: RaiseBlockerForm) -> dict:
    areas = db.session.scalars(
        select(LocalArea).where(LocalArea.active).order_by(LocalArea.name)
    ).all()
    form.area.choices = [(a.slug, a.name) for a in areas]
    orgs = db.session.scalars(
        select(Organisation).where(Organisation.active).order_by(Organisation.name)
    ).all()
    form.organisation.choices = [("", "Not sure")] + [(o.slug, o.name) for o in orgs]
    tags = db.session.scalars(select(Tag).order_by(Tag.position)).all()
    features = [t for t in tags if t.kind == "feature"]
    outcomes = [t for t in tags if t.kind == "outcome"]
    form.features.choices = [(t.slug, t.name) for t in features]
    form.outcomes.choices = [(t.slug, t.name) for t in outcomes]
    return {"features": features, "outcomes": outcomes}


def _personal_data_message(label: str, message: str) -> str:
    # The check's sentence starts "This looks like…"; beside a field and in the error
    # summary it has to say which answer it means.
    if message.startswith("This looks like"):
        return f"{label} looks like" + message[len("This looks like"):]
    return message


def put_errors(form, err: DomainError, aliases: dict | None = None) -> None:
    """Show a domain error's field errors beside the form's fields (text stays as typed)."""
    aliases = aliases or {}
    placed = False
    for name, message in (err.field_errors or {}).items():
        field = getattr(form, aliases.get(name, name), None)
        if field is None:
            continue
        field.errors = list(field.errors) + [_personal_data_message(field_name(field.label.text),
                                                                    message)]
        placed = True
    if not placed:
        form.form_errors.append(err.message)


@bp.route("/blockers/new", methods=["GET", "POST"])
@login_required
def new_blocker():
    user = _user()
    form = RaiseBlockerForm()
    tag_groups = _fill_blocker_choices(form)
    if request.method == "GET" and user.home_area is not None:
        form.area.data = user.home_area.slug
    status = 200
    if form.validate_on_submit():
        try:
            item = services.raise_blocker(
                user,
                title=form.title.data,
                description=form.description.data,
                effect=form.effect.data or "",
                area=form.area.data,
                tags=list(form.features.data or []) + list(form.outcomes.data or []),
                organisation=form.organisation.data or None,
            )
        except (Invalid, Unprocessable) as err:
            db.session.rollback()
            put_errors(form, err, {"tags": "features"})
            status = err.status
        else:
            flash(f"Blocker raised. It is at Bronze: {_deadline_sentence(item)}", "success")
            return redirect(url_for("items.show", item_id=item.id))
    elif request.method == "POST":
        status = 400
    return render_template("items/new_blocker.html", form=form, tag_groups=tag_groups,
                           page_title="Raise a blocker"), status


def _deadline_sentence(item) -> str:
    if item.due_at is None:
        return "it has no deadline."
    return (f"its area's facilitators have until {workdays.format_datetime(item.due_at)} "
            "to act on it.")


# --- one item -----------------------------------------------------------------------------


@functools.cache
def _history_statement():
    """The item's events and comments in one statement, as plain rows ("e" or "c" first,
    then each oldest first): the timeline reads only their columns and the person's name.
    A comment's body comes in the events' reason column, its author in their actor's.
    Built once per process with the item's id as a parameter."""
    item_id = bindparam("item_id")
    history = union_all(
        select(literal_column("'e'").label("source"), Event.id.label("id"), Event.trigger,
               Event.from_state, Event.to_state, Event.from_tier, Event.to_tier,
               Event.reason, Event.details, Event.at, Event.actor_id, User.display_name,
               null().label("supersedes_id"))
        .outerjoin(User, User.id == Event.actor_id)
        .where(Event.item_id == item_id),
        select(literal_column("'c'"), Comment.id, null(), null(), null(), null(), null(),
               Comment.body, null(), Comment.created_at, Comment.author_id, User.display_name,
               Comment.supersedes_id)
        .join(User, User.id == Comment.author_id)
        .where(Comment.item_id == item_id),
    )
    return history.order_by(history.selected_columns.source, history.selected_columns.id)


def load_visible(item_id: int) -> Item:
    """The item with what its page shows (its history apart: see _history), or 404 — also
    when the person may not see it."""
    item = load_item(item_id)
    user = _user()
    if item is None:
        abort(404)
    if not can_view_item(user, item):
        # A restricted item: a page that says so and whom to ask (errors.Restricted).
        log.warning("User %s asked for item %s, which they may not see", user.id, item_id)
        raise Restricted(item)
    return item


def _render_show(item: Item, *, comment_form=None, refused: str | None = None, status=200):
    user = _user()
    now = utcnow()
    spec = engine.definition(item.kind)
    actions = engine.available(item, user)
    forms = {a.trigger.name: bool(spec.form_fields(a.trigger.name)) for a in actions}
    events, comments = _history(item.id)
    return render_template(
        "items/show.html",
        item=item,
        spec=spec,
        words=KIND_WORDS.get(item.kind, KIND_WORDS["blocker"]),
        deadline=presenters.deadline_text(item, now),
        overdue=presenters.is_overdue(item, now),
        actions=actions,
        action_has_form=forms,
        entries=presenters.timeline(spec, events, comments, viewer_id=user.id),
        comment_form=comment_form or (CommentForm() if can(user, "item.comment", item) else None),
        refused=refused,
        who_sees=policy_words.who_can_see(item),
        next_steps=policy_words.next_steps(item, now),
        may_restrict=can(user, "item.unrestrict" if item.restricted else "item.restrict", item),
        has=item_page_has(item.id, user.id),
        page_title=item.title,
    ), status


def _history(item_id: int) -> tuple[list[SimpleNamespace], list[SimpleNamespace]]:
    """The item's events and its comments, each oldest first, with who did or wrote it
    (.actor or .author, with .display_name; an event's is None for govflow itself): what
    the timeline reads, as plain rows. Only the item page shows them, often dozens, and as
    ORM objects (each with its person) they cost the page as much as everything else it
    loads."""
    rows = db.session.execute(_history_statement(), {"item_id": item_id}).all()
    events, comments = [], []
    for r in rows:
        person = (SimpleNamespace(display_name=r.display_name) if r.actor_id is not None
                  else None)
        if r.source == "e":
            events.append(SimpleNamespace(
                id=r.id, trigger=r.trigger, from_state=r.from_state, to_state=r.to_state,
                from_tier=r.from_tier, to_tier=r.to_tier, reason=r.reason, details=r.details,
                at=r.at, actor=person,
            ))
        else:
            comments.append(SimpleNamespace(id=r.id, body=r.reason, created_at=r.at,
                                            author=person, author_id=r.actor_id,
                                            supersedes_id=r.supersedes_id))
    return events, comments


@bp.get("/items/<int:item_id>")
@login_required
def show(item_id: int):
    return _render_show(load_visible(item_id))


@bp.post("/items/<int:item_id>/comments")
@login_required
def comment(item_id: int):
    item = load_visible(item_id)
    user = _user()
    if not can(user, "item.comment", item):
        abort(403)
    form = CommentForm()
    if not form.validate_on_submit():
        return _render_show(item, comment_form=form, status=400)
    try:
        services.add_comment(item, user, form.body.data)
    except (Invalid, Unprocessable) as err:
        db.session.rollback()
        put_errors(form, err)
        return _render_show(load_visible(item_id), comment_form=form, status=err.status)
    flash("Your comment has been added.", "success")
    return redirect(url_for("items.show", item_id=item_id, _anchor="history"))


@bp.route("/items/<int:item_id>/comments/<int:comment_id>/correct", methods=["GET", "POST"])
@login_required
def correct_comment(item_id: int, comment_id: int):
    """Comments are append-only: correcting one adds a comment that supersedes it."""
    item = load_visible(item_id)
    original = db.session.get(Comment, comment_id)
    if original is None or original.item_id != item.id:
        abort(404)
    user = _user()
    if original.author_id != user.id or not can(user, "item.comment", item):
        abort(403)
    form = CorrectCommentForm()
    if request.method == "GET":
        form.body.data = original.body
    status = 200
    if form.validate_on_submit():
        try:
            services.correct_comment(original, user, form.body.data)
        except Forbidden:
            abort(403)
        except DomainError as err:
            db.session.rollback()
            put_errors(form, err)
            status = err.status
        else:
            flash("Your correction has been added. The first comment stays in the history, "
                  "marked as corrected.", "success")
            return redirect(url_for("items.show", item_id=item.id, _anchor="history"))
    elif request.method == "POST":
        status = 400
    return render_template("items/correct_comment.html", page_title="Correct your comment",
                           item=item, original=original, form=form), status


@bp.route("/items/<int:item_id>/restriction", methods=["GET", "POST"])
@login_required
def restriction(item_id: int):
    """Restrict the item to the people involved, or lift that: a reason either way."""
    item = load_visible(item_id)
    user = _user()
    restricting = not item.restricted
    if not can(user, "item.restrict" if restricting else "item.unrestrict", item):
        abort(403)
    form = RestrictionForm()
    status = 200
    if request.method == "GET":
        form.version.data = str(item.version)
    elif form.validate_on_submit():
        try:
            engine.set_restricted(item, user, restricted=restricting, reason=form.reason.data,
                                  version=form.version.data or None)
        except (Invalid, Unprocessable) as err:
            # The request ends with an error status: nothing is committed (transaction.py).
            put_errors(form, err)
            status = err.status
        else:
            flash("Restricted: only the people involved can see it now." if restricting
                  else "No longer restricted: everyone in the partnership can see it.", "success")
            return redirect(url_for("items.show", item_id=item_id))
    else:
        status = 400
    return render_template(
        "items/restriction.html", item=item, form=form, restricting=restricting,
        who=policy_words.restricted_viewers(item),
        page_title=("Restrict: " if restricting else "Lift the restriction: ") + item.title,
    ), status


@bp.route("/items/<int:item_id>/actions/<trigger>", methods=["GET", "POST"])
@login_required
def action(item_id: int, trigger: str):
    item = load_visible(item_id)
    user = _user()
    spec = engine.definition(item.kind)
    if trigger not in spec.triggers:
        abort(404)
    form = action_form_class(spec, trigger)()
    available = {a.trigger.name: a for a in engine.available(item, user)}

    if request.method == "GET":
        if trigger not in available:
            return _not_available(item, spec, trigger)
        form.version.data = str(item.version)
        return _render_action(item, spec, trigger, form, available[trigger])

    sent_version = request.form.get("version") or str(item.version)
    if (trigger not in available and item.state in spec.triggers[trigger].sources
            and sent_version == str(item.version)):
        # Not theirs to do (the policy says so before the form is read): nothing changes.
        # A form sent from an older version of the item gets the "what changed" page below.
        abort(403)
    if not form.validate_on_submit():
        return _render_action(item, spec, trigger, form, available.get(trigger), status=400)
    try:
        engine.fire(item, trigger, user, fields=form.workflow_values(),
                    version=form.version.data or None)
        state = item.state
    except StaleVersion as err:
        db.session.rollback()
        item = load_visible(item_id)
        available = {a.trigger.name: a for a in engine.available(item, user)}
        form.version.data = str(item.version)
        changes = presenters.change_sentences(spec, err.extra.get("changes") or [])
        return _render_action(item, spec, trigger, form, available.get(trigger), status=409,
                              stale=changes)
    except Refused as err:
        db.session.rollback()
        return _render_show(load_visible(item_id), refused=err.message, status=409)
    except (Invalid, Unprocessable) as err:
        db.session.rollback()
        put_errors(form, err)
        return _render_action(item, spec, trigger, form, available.get(trigger),
                              status=err.status)
    done = spec.triggers[trigger]
    message = f"{presenters.event_label(spec, trigger)}."
    if state in spec.states and done.transitions and any(t.dest for t in done.transitions):
        message += f" It is now {spec.state_phrase(state)}."
    flash(message, "success")
    return redirect(url_for("items.show", item_id=item_id))


def _not_available(item, spec, trigger):
    t = spec.triggers[trigger]
    if item.state not in t.sources:
        return _render_show(
            item, status=409,
            refused=f"This {spec.label.lower()} is {spec.state_label(item.state).lower()}, so "
                    f"it cannot be {t.done.lower()} now.",
        )
    abort(403)


def _render_action(item, spec, trigger, form, available, *, status=200, stale=None):
    dest = None
    if available is not None and available.transition.dest:
        dest = spec.state_label(available.transition.dest)
    return render_template(
        "items/action.html",
        item=item,
        spec=spec,
        trigger=spec.triggers[trigger],
        form=form,
        still_available=available is not None,
        dest=dest,
        stale=stale,
        page_title=f"{spec.triggers[trigger].label}: {item.title}",
    ), status


# --- how escalation works -----------------------------------------------------------------


@bp.get("/how-it-works")
def how_it_works():
    from govflow.items import diagram

    kinds = [p.stem for p in sorted(WORKFLOW_DIR.glob("*.yaml"))]
    kinds.sort(key=lambda k: (k != "blocker", k))
    workflows = [diagram.describe(load(k)) for k in kinds]
    return render_template("items/how_it_works.html", workflows=workflows,
                           page_title="How escalation works")
