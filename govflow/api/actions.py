"""API: sponsor actions — list with filters, record, mark done, drop (with the version seen)."""

from __future__ import annotations

from flask import jsonify, request
from flask_login import current_user
from sqlalchemy import func, select

from govflow import dates
from govflow.api import ApiError, bp, json_body, page_args
from govflow.domain_errors import Invalid
from govflow.errors import Restricted
from govflow.extensions import db
from govflow.permissions import can, may_see_email


def _person(u, action=None) -> dict:
    """Email addresses only where the access policy says the reader needs them."""
    email = u.email if may_see_email(current_user, u, action) else None
    return {"email": email, "display_name": u.display_name}


def action_json(a, today, history: bool = False) -> dict:
    from govflow.sponsors.services import is_overdue

    body = {
        "id": a.id,
        "area": a.area.slug,
        "what": a.what,
        "sponsor": _person(a.sponsor, a),
        "owner": _person(a.owner, a),
        "due_on": a.due_on.isoformat(),
        "status": a.status,
        "overdue": is_overdue(a, today),
        "outcome_note": a.outcome_note,
        "item_id": a.item_id,
        "meeting_id": a.meeting_id,
        "created_at": a.created_at.isoformat() + "Z",
        "completed_at": a.completed_at.isoformat() + "Z" if a.completed_at else None,
        "version": a.version,
    }
    if history:
        body["history"] = [
            {"from_status": e.from_status, "to_status": e.to_status, "note": e.note,
             "actor": _person(e.actor, a)["email"] if e.actor else None,
             "at": e.at.isoformat() + "Z"}
            for e in a.history
        ]
    return body


def _user():
    return current_user._get_current_object()


@bp.get("/actions")
def actions_index():
    from govflow.sponsors import queries, services

    if not can(current_user, "action.view"):
        raise ApiError(403, "You cannot see sponsor actions.", "forbidden")
    page, size = page_args()
    q = queries.actions_query(queries.ActionFilters.from_args(request.args), _user())
    total = db.session.scalar(select(func.count()).select_from(q.order_by(None).subquery()))
    rows = db.session.scalars(q.limit(size).offset((page - 1) * size)).unique().all()
    today = services.london_today()
    return jsonify({"actions": [action_json(a, today) for a in rows], "page": page,
                    "per_page": size, "total": total})


@bp.get("/actions/<int:action_id>")
def actions_show(action_id: int):
    from govflow.sponsors import services

    if not can(current_user, "action.view"):
        raise ApiError(403, "You cannot see sponsor actions.", "forbidden")
    action = services.get_action(action_id)
    if not can(current_user, "action.view", action):
        raise Restricted(action.item)
    return jsonify(action_json(action, services.london_today(), history=True))


def _email_to_id(data, key) -> int | None:
    from govflow.accounts.services import find_user

    value = data.get(key)
    if value in (None, ""):
        return None
    user = find_user(str(value)) if isinstance(value, str) else None
    if user is None:
        raise Invalid("Unknown person", field_errors={key: f"No one has the email address {value}"})
    return user.id


def _int_or_none(data, key) -> int | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid(f"{key} must be a whole number", field_errors={key: "Must be a whole number"})
    return value


@bp.post("/actions")
def actions_create():
    from govflow.sponsors import services

    if not can(current_user, "action.record"):
        raise ApiError(403, "Only local area sponsors and forum secretaries record sponsor "
                            "actions.", "forbidden")
    data = json_body()
    due = data.get("due_on")
    due_on = None
    if due not in (None, ""):
        try:
            due_on = dates.parse_iso(due, "due_on")
        except dates.OutOfRange as err:
            raise Invalid(str(err), field_errors={"due_on": str(err)}) from None
        except ValueError:
            raise Invalid("due_on must be a date like 2027-03-27",
                          field_errors={"due_on": "Must be a date like 2027-03-27"}) from None
    what = data.get("what")
    if what is not None and not isinstance(what, str):
        raise Invalid("what must be text", field_errors={"what": "Must be text"})
    area = data.get("area")
    action = services.record_action(
        _user(),
        area_slug=area if isinstance(area, str) else None,
        what=what or "",
        due_on=due_on,
        sponsor_id=_email_to_id(data, "sponsor"),
        owner_id=_email_to_id(data, "owner"),
        item_id=_int_or_none(data, "item_id"),
        meeting_id=_int_or_none(data, "meeting_id"),
    )
    return jsonify(action_json(action, services.london_today(), history=True)), 201


def _close(action_id: int, kind: str):
    from govflow.sponsors import services

    action = services.get_action(action_id)
    data = json_body()
    if data.get("version") in (None, ""):
        raise Invalid("Send the version of the action you saw",
                      field_errors={"version": "Required: the action's version when you read it"})
    note_key = "outcome" if kind == "done" else "reason"
    note = data.get(note_key)
    if note is not None and not isinstance(note, str):
        raise Invalid(f"{note_key} must be text", field_errors={note_key: "Must be text"})
    use_case = services.complete_action if kind == "done" else services.drop_action
    use_case(action, _user(), **{note_key: note or ""}, version=data.get("version"))
    return jsonify(action_json(action, services.london_today(), history=True))


@bp.post("/actions/<int:action_id>/done")
def actions_done(action_id: int):
    return _close(action_id, "done")


@bp.post("/actions/<int:action_id>/drop")
def actions_drop(action_id: int):
    return _close(action_id, "drop")
