"""Raising blockers, the item lists (mine, queue), the item page, its actions and comments."""

from __future__ import annotations

import functools
import logging
import math
from functools import cache
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
from sqlalchemy import bindparam, literal_column, null, select, text, union_all
from sqlalchemy.orm import selectinload

from govflow import csvexport, workdays
from govflow.accounts.models import LocalArea, Organisation, User
from govflow.clock import utcnow
from govflow.domain_errors import (
    DomainError,
    Invalid,
    Refused,
    StaleVersion,
    Unprocessable,
)
from govflow.errors import Restricted
from govflow.extensions import db
from govflow.items import policy_words, presenters, services, tallies
from govflow.items.forms import (
    CommentForm,
    RaiseBlockerForm,
    RaiseChoiceForm,
    RestrictionForm,
    action_form_class,
)
from govflow.items.models import Comment, Event, Item, Tag
from govflow.items.queries import (
    ItemFilters,
    apply_filters,
    card_page,
    count_of,
    filter_condition,
    load_item,
    overdue_first,
    queue_scopes,
    visible_items,
)
from govflow.permissions import can, can_view_item
from govflow.workflow import engine
from govflow.workflow.definition import TIER_LABELS, WORKFLOW_DIR, load

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
        field.errors = list(field.errors) + [_personal_data_message(str(field.label.text),
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
               Event.reason, Event.details, Event.at, Event.actor_id, User.display_name)
        .outerjoin(User, User.id == Event.actor_id)
        .where(Event.item_id == item_id),
        select(literal_column("'c'"), Comment.id, null(), null(), null(), null(), null(),
               Comment.body, null(), Comment.created_at, Comment.author_id, User.display_name)
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
        entries=presenters.timeline(spec, events, comments),
        comment_form=comment_form or (CommentForm() if can(user, "item.comment", item) else None),
        refused=refused,
        who_sees=policy_words.who_can_see(item),
        next_steps=policy_words.next_steps(item, now),
        may_restrict=can(user, "item.unrestrict" if item.restricted else "item.restrict", item),
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
                                            author=person))
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


# --- lists --------------------------------------------------------------------------------


@cache
def _workflow_options() -> dict:
    """The filter choices that come from the workflow files, which (like load()) are read
    once per process; areas and tags are the database's, so they are read every time."""
    kinds = [p.stem for p in sorted(WORKFLOW_DIR.glob("*.yaml"))]
    states = []
    for kind in kinds:
        spec = load(kind)
        states += [(name, s.label) for name, s in spec.states.items()
                   if name not in dict(states)]
    return {
        "kinds": tuple((k, load(k).label) for k in kinds),
        "states": tuple(states),
        "tiers": tuple(TIER_LABELS.items()),
    }


def _filter_options() -> dict:
    """The workflow's choices, and the active areas (by name) and tags (in their order) as
    they are now: an administrator may change them at any time, so they are read on every
    list page, as two columns each in one statement."""
    areas, tags = [], []
    for part, _, slug, name in db.session.execute(_area_and_tag_choices()):
        (tags if part else areas).append((slug, name))
    return _workflow_options() | {"areas": areas, "tags": tags}


@cache
def _area_and_tag_choices():
    # Built once per process (it has no parameters). Two ORM queries cost a list page about
    # 0.5 ms; this, a tenth of that on SQLite, and one round trip on PostgreSQL.
    areas = select(literal_column("0").label("part"), literal_column("0").label("position"),
                   LocalArea.slug.label("slug"), LocalArea.name.label("name")
                   ).where(LocalArea.active)
    tags = select(literal_column("1"), Tag.position, Tag.slug, Tag.name)
    return union_all(areas, tags).order_by(text("part"), text("position"), text("name"))


def _list_loads():
    # Built per call: an ORM option at import time would configure the mappers before every
    # model module is imported.
    return (
        selectinload(Item.area), selectinload(Item.raised_by), selectinload(Item.owner),
        selectinload(Item.tags),
    )


CSV_HEADER = ["Number", "Type", "Title", "Status", "Tier", "Area", "Raised by", "Owner",
              "Raised on", "Deadline", "Deadline status", "Tags", "Link"]


def _csv(filename: str, query, now):
    items = db.session.scalars(query.options(*_list_loads())).all()
    root = request.host_url.rstrip("/")
    rows = (
        [
            i.id, i.kind, i.title, load(i.kind).state_label(i.state), i.tier.capitalize(),
            i.area.name, i.raised_by.display_name, i.owner.display_name if i.owner else "",
            workdays.format_date(i.created_at),
            workdays.format_datetime(i.due_at) if i.due_at else "",
            presenters.deadline_text(i, now), "; ".join(t.name for t in i.tags),
            root + url_for("items.show", item_id=i.id),
        ]
        for i in items
    )
    return csvexport.csv_response(filename, CSV_HEADER, rows)


def _page_number() -> int:
    try:
        return max(1, int(request.args.get("page", 1)))
    except ValueError:
        return 1


def _list_page(*, endpoint: str, tabs: list[dict], current: dict | None, query, heading: str,
               empty: str, intro: str = "", counted: int | None = None):
    """A filtered, paginated list (or its CSV) of the query's items, overdue first.

    `counted` is the filtered total when the caller has it (with the current tab's count
    already in `current`); otherwise both are counted here, in one pass."""
    now = utcnow()
    filters = ItemFilters.from_args(request.args)
    page_args = {k: v for k, v in request.args.to_dict(flat=False).items()
                 if k not in ("page", "format")}
    tab_query = query
    if query is not None:
        query = overdue_first(apply_filters(query, filters, now=now), now)
    if request.args.get("format") == "csv":
        if query is None:
            abort(404)
        name = endpoint.split(".")[-1] + (f"-{current['key']}" if current else "")
        return _csv(f"{name}.csv", query, now)
    total, rows, page, pages = 0, [], _page_number(), 1
    if query is not None:
        # The current tab's count and the filtered total come from one pass over the tab.
        narrower = filter_condition(filters, now=now)
        if counted is not None:
            total = counted
        elif current.get("count") is not None:  # a queue: filters the tallies cannot answer
            total = count_of(query)
        elif narrower is None:
            total = current["count"] = count_of(tab_query)
        else:
            current["count"], total = count_of(tab_query, also=narrower)
        pages = max(1, math.ceil(total / PER_PAGE))
        page = min(page, pages)
        rows = presenters.card_rows(
            card_page(query, (page - 1) * PER_PAGE, PER_PAGE), now)
    for tab in tabs:
        tab["href"] = url_for(endpoint, **(page_args | {"show": tab["key"]}))
    active_filters = bool(filters.kind or filters.states or filters.tiers or filters.areas
                          or filters.tags or filters.q)
    return render_template(
        "items/list.html",
        endpoint=endpoint,
        tabs=tabs,
        current=current,
        heading=heading,
        intro=intro,
        empty=empty,
        rows=rows,
        total=total,
        page=page,
        pages=pages,
        first=(page - 1) * PER_PAGE + 1,
        filters=filters,
        options=_filter_options(),
        active_filters=active_filters,
        page_args=page_args,
        csv_url=url_for(endpoint, **(page_args | {"format": "csv"})),
        page_url=lambda n: url_for(endpoint, **(page_args | {"page": n})),
        page_title=heading + (f": {current['label']}" if current else ""),
    )


@bp.get("/items/mine")
@login_required
def mine():
    user = _user()
    lists = {
        "raised": ("Raised by me", Item.raised_by_id == user.id),
        "owned": ("Owned by me", Item.owner_id == user.id),
    }
    show = request.args.get("show", "raised")
    if show not in lists:
        show = "raised"
    base = visible_items(user)
    counts = _counts(user, {k: c for k, (_, c) in lists.items() if k != show})
    tabs = [{"key": k, "label": label, "count": counts.get(k), "current": k == show}
            for k, (label, _) in lists.items()]
    current = next(t for t in tabs if t["current"])
    return _list_page(
        endpoint="items.mine", tabs=tabs, current=current,
        query=base.where(lists[show][1]), heading="My items",
        empty=("You have not raised anything yet." if show == "raised"
               else "You have not taken ownership of anything."),
    )


def _counts(user, clauses: dict) -> dict:
    """The other tabs' counts (_list_page counts the current one), one query per tab: each
    is answered from an index on its own, where one query with a FILTER per tab had to
    read every item."""
    visible = visible_items(user)
    return {key: count_of(visible.where(clause)) for key, clause in clauses.items()}


@bp.get("/queue")
@login_required
def queue():
    user = _user()
    queues = queue_scopes(user)
    if not queues:
        return _list_page(
            endpoint="items.queue", tabs=[], current=None, query=None, heading="Queue",
            empty="You have no queue. Queues are for facilitators and local area sponsors "
                  "(Bronze), Heads of Service (Silver) and executives (Gold).",
        )
    show = request.args.get("show") or queues[0][0]
    if show not in {k for k, _, _ in queues}:
        show = queues[0][0]
    # Every tab's count, and the filtered total when the filters are on kind, state or tier
    # only, from the tallies in one statement (govflow/items/tallies.py). A queue is within
    # what its person may see, so it needs no visibility clause (queries.QueueScope).
    filters = ItemFilters.from_args(request.args)
    narrow = tallies.narrowing(filters)
    counts, total = tallies.queue_counts({k: s for k, _, s in queues}, current=show,
                                         narrow=narrow)
    tabs = [{"key": k, "label": label, "count": counts[k], "current": k == show}
            for k, label, _ in queues]
    current = next(t for t in tabs if t["current"])
    scope = next(s for k, _, s in queues if k == show)
    return _list_page(
        endpoint="items.queue", tabs=tabs, current=current, query=select(Item).where(
            scope.clause()),
        heading="Queue", empty="Nothing is waiting in this queue.",
        intro="Open items waiting at each tier you work at, overdue first.",
        counted=total,
    )


# --- how escalation works -----------------------------------------------------------------


@bp.get("/how-it-works")
def how_it_works():
    from govflow.items import diagram

    kinds = [p.stem for p in sorted(WORKFLOW_DIR.glob("*.yaml"))]
    kinds.sort(key=lambda k: (k != "blocker", k))
    workflows = [diagram.describe(load(k)) for k in kinds]
    return render_template("items/how_it_works.html", workflows=workflows,
                           page_title="How escalation works")
