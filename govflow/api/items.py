"""API: blockers and ideas — list with filters, create, read with history, fire a trigger.

Every list goes through items/queries (what the person may see, the shared filters, overdue
first); every change goes through the same use-cases and workflow engine as the web pages,
so the API can do nothing a person could not do on the page. An item the caller may not see
is 404, exactly like one that does not exist.

Creating an item: each kind names the fields it accepts and the use-case that creates it
(CREATORS below). Any other field in the body is refused with 400 and never applied, so
`state`, `owner_id` or `version` in a create body cannot set anything.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace

from flask import jsonify, request, url_for
from flask_login import current_user
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload, load_only, selectinload

from govflow.accounts.models import TIERS, LocalArea, User
from govflow.api import ApiError, bp, json_body, page_args
from govflow.clock import utcnow
from govflow.errors import Restricted
from govflow.extensions import db
from govflow.items import presenters
from govflow.items.models import BLOCKER_STATES, IDEA_STATES, KINDS, Event, Item
from govflow.items.queries import (
    ItemFilters,
    apply_filters,
    count_of,
    load_item,
    page_of,
    visible_items,
)
from govflow.permissions import can_view_item, emails_shown
from govflow.workflow import engine

NOT_FOUND = "There is no item with that number, or you cannot see it."


def _user():
    return current_user._get_current_object()


def _at(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") + "Z" if value is not None else None


def person_json(person, shown: Callable[[object], bool]) -> dict | None:
    """A person as the API shows them: the email address only where the access policy says
    the reader needs it (`shown`: permissions.emails_shown for the reader and the thing);
    else null."""
    if person is None:
        return None
    email = person.email if shown(person) else None
    return {"id": person.id, "email": email, "display_name": person.display_name}


def item_summary(item: Item, now: datetime, viewer=None, shown=None) -> dict:
    shown = shown or emails_shown(viewer, item)
    return {
        "id": item.id,
        "kind": item.kind,
        "title": item.title,
        "state": item.state,
        "tier": item.tier,
        "area": {"slug": item.area.slug, "name": item.area.name},
        "version": item.version,
        "due_at": _at(item.due_at),
        "overdue": presenters.is_overdue(item, now),
        "deadline": presenters.deadline_text(item, now),
        "owner": person_json(item.owner, shown),
        "raised_by": person_json(item.raised_by, shown),
        "created_at": _at(item.created_at),
        "url": f"/items/{item.id}",
    }


def event_json(event, shown: Callable[[object], bool]) -> dict:
    """One entry of an item's history (a row of _events_statement)."""
    actor = (SimpleNamespace(id=event.actor_id, email=event.email,
                             display_name=event.display_name)
             if event.actor_id is not None else None)
    return {
        "trigger": event.trigger,
        "from_state": event.from_state,
        "to_state": event.to_state,
        "from_tier": event.from_tier,
        "to_tier": event.to_tier,
        # null: govflow itself (the sweep), not a person
        "actor": person_json(actor, shown),
        # The person the actor stood in for as their deputy (their name then), or null.
        "as_deputy_for": presenters.deputy_for(event.details),
        "at": _at(event.at),
        "reason": event.reason or "",
    }


def item_json(item: Item, user, now: datetime) -> dict:
    spec = engine.definition(item.kind)
    shown = emails_shown(user, item)
    body = item_summary(item, now, user, shown)
    available = engine.available(item, user, now)
    body.update({
        "description": item.description,
        "organisation": ({"slug": item.organisation.slug, "name": item.organisation.name}
                         if item.organisation is not None else None),
        "extra_areas": [extra.area.slug for extra in item.extra_areas],
        "tags": [tag.slug for tag in item.tags],
        "paused_until": _at(item.pause_ends_at) if item.state == "paused" else None,
        "flagged_for_forum_at": _at(item.flagged_for_forum_at),
        "allowed_triggers": [a.trigger.name for a in available],
        "actions": [
            {
                "trigger": a.trigger.name,
                "label": a.trigger.label,
                "fields": [
                    {"name": f.name, "label": f.label, "required": f.required, "type": f.type,
                     **({"choices": [value for value, _label in f.choices]} if f.choices else {})}
                    for f in spec.form_fields(a.trigger.name)
                ],
            }
            for a in available
        ],
        "events": [event_json(e, shown) for e in _events(item)],
    })
    if item.kind == "blocker":
        body["effect"] = item.effect
    else:
        body.update({
            "why": item.why,
            "who_involved": item.who_involved,
            "support_needed": item.support_needed,
            "funding_asked": item.funding_pence / 100 if item.funding_pence is not None else None,
        })
    return body


@functools.cache
def _events_statement():
    """Built once per process: an item's events with who made each, in one statement, as
    plain rows (the answer only reads their values; as ORM objects, each with its person,
    they cost more than the rest of the answer)."""
    return (select(Event.trigger, Event.from_state, Event.to_state, Event.from_tier,
                   Event.to_tier, Event.actor_id, User.email, User.display_name, Event.at,
                   Event.reason, Event.details)
            .outerjoin(User, User.id == Event.actor_id)
            .where(Event.item_id == bindparam("item_id")).order_by(Event.id))


def _events(item: Item):
    return db.session.execute(_events_statement(), {"item_id": item.id}).all()


def _load_visible(item_id: int, user) -> Item:
    item = load_item(item_id)
    if item is None:
        raise ApiError(404, NOT_FOUND, "not_found")
    if not can_view_item(user, item):
        raise Restricted(item)
    return item


# --- list ---------------------------------------------------------------------------------

STATES = tuple(dict.fromkeys(BLOCKER_STATES + IDEA_STATES))


def _check_choice(name: str, values: list[str], allowed) -> None:
    unknown = [v for v in values if v not in allowed]
    if unknown:
        message = f"{name} must be one of {', '.join(allowed)} (not {', '.join(unknown)})"
        raise ApiError(400, message, "invalid", fields={name: message})


def _filters() -> ItemFilters:
    f = ItemFilters.from_args(request.args)
    _check_choice("kind", [f.kind] if f.kind else [], KINDS)
    _check_choice("state", f.states, STATES)
    _check_choice("tier", f.tiers, TIERS)
    if f.areas:
        known = set(db.session.scalars(select(LocalArea.slug).where(LocalArea.slug.in_(f.areas))))
        missing = [a for a in f.areas if a not in known]
        if missing:
            message = f"There is no area called {', '.join(missing)}"
            raise ApiError(400, message, "invalid", fields={"area": message})
    return f


@bp.get("/items")
def items_index():
    user = _user()
    filters = _filters()
    page, size = page_args()
    now = utcnow()
    query = apply_filters(visible_items(user), filters, now)
    total = count_of(query)
    # In overdue_first order, reading only this page's rows (and not their descriptions).
    rows = page_of(
        query, (page - 1) * size, size,
        load_only(Item.id, Item.kind, Item.title, Item.state, Item.tier, Item.area_id,
                  Item.version, Item.due_at, Item.pause_ends_at, Item.owner_id,
                  Item.raised_by_id, Item.created_at),
        joinedload(Item.area), selectinload(Item.owner), selectinload(Item.raised_by),
    )
    return jsonify({
        "items": [item_summary(item, now, user) for item in rows],
        "page": page,
        "per_page": size,
        "total": total,
        "pages": max(1, math.ceil(total / size)),
    })


# --- read ---------------------------------------------------------------------------------


@bp.get("/items/<int:item_id>")
def items_show(item_id: int):
    user = _user()
    return jsonify(item_json(_load_visible(item_id, user), user, utcnow()))


# --- create -------------------------------------------------------------------------------

TEXT, TEXT_LIST, MONEY = "text", "list of text", "an amount of money"


@dataclass(frozen=True)
class Creator:
    """What a create body for one kind may hold, and the use-case that makes the item."""

    fields: dict[str, str]  # name → TEXT | TEXT_LIST | MONEY
    create: Callable[..., Item]


def _texts(values: dict, *names: str) -> dict:
    """Each of these texts as sent, or empty."""
    return {name: values.get(name) or "" for name in names}


def _raise_blocker(user, values: dict) -> Item:
    from govflow.items import services

    return services.raise_blocker(
        user, **_texts(values, "title", "description", "effect", "area"),
        tags=values.get("tags") or [], organisation=values.get("organisation") or None,
    )


def _propose_idea(user, values: dict) -> Item:
    from govflow.items import ideas

    return ideas.create_idea(
        user, **_texts(values, "title", "description", "why", "area", "who_involved",
                       "support_needed"),
        outcomes=values.get("outcomes") or [], funding_asked=values.get("funding_asked"),
        organisation=values.get("organisation") or None,
    )


CREATORS: dict[str, Creator] = {
    "blocker": Creator(
        {"title": TEXT, "description": TEXT, "effect": TEXT, "area": TEXT, "tags": TEXT_LIST,
         "organisation": TEXT},
        _raise_blocker,
    ),
    "idea": Creator(
        {"title": TEXT, "description": TEXT, "why": TEXT, "area": TEXT, "outcomes": TEXT_LIST,
         "who_involved": TEXT, "funding_asked": MONEY, "support_needed": TEXT,
         "organisation": TEXT},
        _propose_idea,
    ),
}


def _refuse_unknown(data: dict, accepted, what: str) -> None:
    unknown = sorted(set(data) - set(accepted))
    if unknown:
        message = (f"These fields cannot be sent {what}: {', '.join(unknown)}. "
                   "Nothing has been changed.")
        raise ApiError(400, message, "invalid",
                       fields={name: f"Not accepted {what}" for name in unknown})


def _check_types(data: dict, types: dict[str, str]) -> None:
    wrong = {}
    for name, kind in types.items():
        value = data.get(name)
        if value is None:
            continue
        if kind == TEXT and not isinstance(value, str):
            wrong[name] = "Must be text"
        elif kind == TEXT_LIST and not (
            isinstance(value, list) and all(isinstance(v, str) for v in value)
        ):
            wrong[name] = "Must be a list of text"
        elif kind == MONEY and (isinstance(value, bool) or not isinstance(value, int | float | str)):
            wrong[name] = "Must be an amount of money, like 450 or \"75.50\""
    if wrong:
        raise ApiError(400, "Some fields have the wrong type.", "invalid", fields=wrong)


@bp.post("/items")
def items_create():
    user = _user()
    data = json_body()
    kind = data.get("kind")
    if not isinstance(kind, str) or kind not in CREATORS:  # {} or [] is not hashable
        message = f"kind must be one of {', '.join(CREATORS)}"
        raise ApiError(400, message, "invalid", fields={"kind": message})
    creator = CREATORS[kind]
    _refuse_unknown(data, {"kind", *creator.fields}, f"when creating a {kind}")
    _check_types(data, creator.fields)
    item = creator.create(user, data)
    response = jsonify(item_json(item, user, utcnow()))
    response.status_code = 201
    response.headers["Location"] = url_for("api.items_show", item_id=item.id)
    return response


# --- transitions --------------------------------------------------------------------------

# Values a trigger's field may take in JSON: text, or a number/true/false for typed fields.
FIELD_VALUE_TYPES = (str, int, float, bool)


@bp.post("/items/<int:item_id>/transitions")
def items_transition(item_id: int):
    user = _user()
    item = _load_visible(item_id, user)
    data = json_body()
    spec = engine.definition(item.kind)
    trigger_name = data.get("trigger")
    if not isinstance(trigger_name, str) or trigger_name not in spec.triggers:
        message = (f"trigger must be one of {', '.join(spec.triggers)} for a "
                   f"{spec.label.lower()}")
        raise ApiError(400, message, "invalid", fields={"trigger": message})
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        message = "Send the version of the item you read (a whole number), so a change made " \
                  "since then is not overwritten"
        raise ApiError(400, message, "invalid", fields={"version": message})
    trigger = spec.triggers[trigger_name]
    accepted = set(trigger.required) | set(trigger.optional) | set(trigger.field_labels)
    _refuse_unknown(data, {"trigger", "version", *accepted}, f"with '{trigger_name}'")
    fields = {k: v for k, v in data.items() if k in accepted}
    wrong = {k: "Must be text" for k, v in fields.items()
             if v is not None and not isinstance(v, FIELD_VALUE_TYPES)}
    if wrong:
        raise ApiError(400, "Some fields have the wrong type.", "invalid", fields=wrong)
    now = utcnow()
    engine.fire(item, trigger_name, user, fields=fields, version=version, now=now)
    return jsonify(item_json(item, user, now))
