"""Pages for sponsors: their home page, and sponsor actions (list, CSV, record, change, done,
drop)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from govflow import workdays
from govflow.accounts.pickers import people_choices
from govflow.clock import utcnow
from govflow.domain_errors import Refused, StaleVersion
from govflow.edge import id_or_none, page_number
from govflow.errors import Restricted
from govflow.extensions import db
from govflow.form_flow import attempt
from govflow.permissions import can, can_view_item
from govflow.sponsors import queries, services
from govflow.sponsors.forms import (
    ChangeActionForm,
    CompleteActionForm,
    DropActionForm,
    RecordActionForm,
)

bp = Blueprint("sponsors", __name__)

PER_PAGE = 25
LIST_LIMIT = 25
# The action's item and meeting travel hidden: their errors go in the summary.
SUMMARY_ONLY = ("item", "meeting")
# Someone else changed or closed the action first: the page says so above the form.
STALE = (StaleVersion, Refused)
CSV_HEADER = ("Number", "Area", "What", "Sponsor", "Owner", "Due", "Status", "Overdue",
              "Outcome or reason", "Item", "Meeting", "Recorded", "Closed")


def _user():
    return current_user._get_current_object()


def _require(action: str, obj=None) -> None:
    if not can(current_user, action, obj):
        abort(403)


# --------------------------------------------------------------------------- sponsor home


@bp.get("/sponsor")
@login_required
def home():
    _require("sponsor.home")
    view = queries.sponsor_home(_user(), limit=list_limit())
    return render_template("sponsors/home.html", page_title="What needs you now", view=view,
                           now=utcnow(), limit=list_limit(),
                           all_href=url_for("sponsors.home", show="all"))


def list_limit() -> int | None:
    """How many rows each list on a glance page shows: a page of thousands helps nobody, and
    rendering is what costs; `?show=all` shows everything."""
    return None if request.args.get("show") == "all" else LIST_LIMIT


# --------------------------------------------------------------------------- action list


def _filtered(args):
    f = queries.ActionFilters.from_args(args)
    return f, queries.actions_query(f, _user())


@bp.get("/actions")
@login_required
def actions():
    _require("action.view")
    f, q = _filtered(request.args)
    page = page_number(request.args.get("page"))
    rows, total = queries.page_of_actions(q, page, PER_PAGE)
    areas = queries.active_areas()
    today = services.london_today()
    return render_template(
        "sponsors/actions.html",
        page_title="Sponsor actions",
        actions=rows,
        total=total,
        page=page,
        pages=max(1, -(-total // PER_PAGE)),
        page_url=lambda n: url_for("sponsors.actions", page=n, **f.as_args()),
        filters=f,
        areas=areas,
        today=today,
        visible_ids=queries.visible_item_ids(_user(), [a.item_id for a in rows]),
        may_record=can(current_user, "action.record"),
    )


@bp.get("/actions.csv")
@login_required
def actions_csv():
    from govflow.csvexport import csv_response

    _require("action.view")
    _f, q = _filtered(request.args)
    rows = db.session.scalars(q).unique().all()
    visible = queries.visible_item_ids(_user(), [a.item_id for a in rows])
    today = services.london_today()

    def lines():
        for a in rows:
            yield (
                a.id, a.area.name, a.what, a.sponsor.display_name, a.owner.display_name,
                a.due_on, services.STATUS_LABELS[a.status], services.is_overdue(a, today),
                a.outcome_note,
                (f"{a.item_id} {a.item.title}" if a.item_id in visible else a.item_id),
                a.meeting_id, a.created_at, a.completed_at,
            )

    return csv_response(f"sponsor-actions-{today.isoformat()}", CSV_HEADER, lines())


# --------------------------------------------------------------------------- record


def _optional_int(value) -> int | None:
    value = (value or "").strip() if isinstance(value, str) else value
    if value in (None, ""):
        return None
    number = id_or_none(value)
    if number is None:
        abort(404)  # names no item, meeting or person there could be
    return number


def _context_objects(item_id, meeting_id):
    """The item and meeting a new action is linked to, checked: 404 if missing or unseen."""
    from govflow.forums.models import Meeting
    from govflow.items.models import Item

    item = meeting = None
    if item_id is not None:
        item = db.session.get(Item, item_id)
        if item is None or not can_view_item(current_user, item):
            abort(404)
    if meeting_id is not None:
        meeting = db.session.get(Meeting, meeting_id)
        if meeting is None:
            abort(404)
    return item, meeting


def _fill_choices(form, areas, item, meeting):
    user = _user()
    form.area.choices = [(a.slug, a.name) for a in areas]
    sponsors_by_area = services.area_sponsors([a.id for a in areas])
    # A sponsor records their own actions; only someone acting for a sponsor chooses one.
    chooses_sponsor = not any(a.id in user.sponsored_area_ids for a in areas)
    sponsor_choices = [("", "Choose the sponsor")]
    seen = set()
    for a in areas:
        for s in sponsors_by_area.get(a.id, []):
            if s.id not in seen:
                seen.add(s.id)
                names = ", ".join(x.name for x in areas if s in sponsors_by_area.get(x.id, []))
                sponsor_choices.append((str(s.id), f"{s.display_name} ({names})"))
    form.sponsor.choices = sponsor_choices
    form.owner.choices = people_choices(services.possible_owners(), "The sponsor")
    if request.method == "GET":
        default_area = None
        for candidate in (item.area_id if item else None,
                          meeting.forum.area_id if meeting and meeting.forum else None):
            default_area = next((a for a in areas if a.id == candidate), None) or default_area
            if default_area:
                break
        if default_area is None and len(areas) == 1:
            default_area = areas[0]
        if default_area is not None:
            form.area.data = default_area.slug
        form.item_id.data = str(item.id) if item else ""
        form.meeting_id.data = str(meeting.id) if meeting else ""
    return chooses_sponsor


@bp.route("/actions/new", methods=["GET", "POST"])
@login_required
def new_action():
    _require("action.record")
    source = request.form if request.method == "POST" else request.args
    key_item = "item_id" if request.method == "POST" else "item"
    key_meeting = "meeting_id" if request.method == "POST" else "meeting"
    item, meeting = _context_objects(_optional_int(source.get(key_item)),
                                     _optional_int(source.get(key_meeting)))
    areas = services.recordable_areas(_user())
    form = RecordActionForm()
    chooses_sponsor = _fill_choices(form, areas, item, meeting)
    tried = attempt(form, lambda: services.record_action(
        _user(),
        area_slug=form.area.data,
        what=form.what.data,
        due_on=form.due_on.data,
        sponsor_id=_optional_int(form.sponsor.data) if chooses_sponsor else None,
        owner_id=_optional_int(form.owner.data),
        item_id=item.id if item else None,
        meeting_id=meeting.id if meeting else None,
    ), summary_only=SUMMARY_ONLY)
    if tried.done:
        action = tried.result
        flash(f"Sponsor action {action.id} recorded: due {workdays.format_date(action.due_on)}.",
              "success")
        return redirect(url_for("sponsors.show_action", action_id=action.id))
    return render_template(
        "sponsors/new.html",
        page_title="Record a sponsor action",
        form=form,
        item=item,
        meeting=meeting,
        areas=areas,
        chooses_sponsor=chooses_sponsor,
    ), tried.status


# --------------------------------------------------------------------------- show, done, drop


@bp.get("/actions/<int:action_id>")
@login_required
def show_action(action_id: int):
    action = services.get_action(action_id)
    if not can(current_user, "action.view", action):
        if action.item is not None:
            raise Restricted(action.item)  # about a restricted item: says whom to ask
        abort(403)
    today = services.london_today()
    return render_template(
        "sponsors/show.html",
        page_title=f"Sponsor action {action.id}",
        action=action,
        overdue=services.is_overdue(action, today),
        may_close=action.status == "open" and can(current_user, "action.close", action),
        item_visible=action.item is not None and can_view_item(current_user, action.item),
    )


def _close_view(action_id: int, form_class, kind: str):
    action = services.get_action(action_id)
    _require("action.close", action)
    form = form_class()
    if request.method == "GET":
        form.version.data = str(action.version)
    if action.status != "open" and request.method == "GET":
        flash(f"This action is already {action.status}.", "notice")
        return redirect(url_for("sponsors.show_action", action_id=action.id))

    def close():
        if kind == "done":
            return services.complete_action(action, _user(), outcome=form.outcome.data,
                                            version=form.version.data)
        return services.drop_action(action, _user(), reason=form.reason.data,
                                    version=form.version.data)

    tried = attempt(form, close, summary_only=SUMMARY_ONLY, stale=STALE)
    if tried.done:
        flash("The action is marked as done." if kind == "done" else "The action is dropped.",
              "success")
        return redirect(url_for("sponsors.show_action", action_id=action.id))
    template = "sponsors/done.html" if kind == "done" else "sponsors/drop.html"
    title = "Mark the action as done" if kind == "done" else "Drop the action"
    return render_template(template, page_title=title, form=form, action=action,
                           problem=tried.problem), tried.status


@bp.route("/actions/<int:action_id>/done", methods=["GET", "POST"])
@login_required
def complete_action(action_id: int):
    return _close_view(action_id, CompleteActionForm, "done")


@bp.route("/actions/<int:action_id>/drop", methods=["GET", "POST"])
@login_required
def drop_action(action_id: int):
    return _close_view(action_id, DropActionForm, "drop")


@bp.route("/actions/<int:action_id>/change", methods=["GET", "POST"])
@login_required
def change_action(action_id: int):
    """Change what an open action is or when it is due: the old wording and date stay in its
    history (and its hash chain), so a change is visible, never a silent edit."""
    action = services.get_action(action_id)
    _require("action.close", action)
    if action.status != "open":
        flash(f"This action is already {action.status}, so it cannot be changed.", "notice")
        return redirect(url_for("sponsors.show_action", action_id=action.id))
    form = ChangeActionForm()
    if request.method == "GET":
        form.what.data, form.due_on.data = action.what, action.due_on
        form.version.data = str(action.version)
    tried = attempt(form, lambda: services.amend_action(
        action, _user(), what=form.what.data, due_on=form.due_on.data,
        version=form.version.data), summary_only=SUMMARY_ONLY, stale=STALE)
    if tried.done:
        flash("The action is changed. Its history shows what it said before.", "success")
        return redirect(url_for("sponsors.show_action", action_id=action.id))
    return render_template("sponsors/change.html", page_title="Change the action", form=form,
                           action=action, problem=tried.problem), tried.status


# --------------------------------------------------------------------------- item page hook


@bp.app_template_global()
def sponsor_actions_for(item, has_some: bool | None = None) -> list:
    """Sponsor actions linked to an item, oldest first, for its page's timeline section.
    `has_some`: whether there are any, when the page already knows (its `has`)."""
    rows = queries.actions_for_item(item.id, has_some=has_some)
    today = services.london_today()
    for action in rows:
        action.is_overdue = services.is_overdue(action, today)
    return rows


@bp.app_template_global()
def can_record_sponsor_action(item) -> bool:
    user = current_user
    if not user.is_authenticated:
        return False
    # The item's own areas, which its page has already loaded (no query for them again).
    areas = [item.area, *(extra.area for extra in item.extra_areas)]
    return any(can(user, "action.record", area) for area in areas)
