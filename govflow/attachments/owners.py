"""The kinds of thing that can have attachments. To let attachments be kept with a new kind
of thing, add it here (how to load it, its page, its name) and add its rules to
`ATTACHMENT_RULES` in govflow/permissions/attachments.py (who may see its attachments, who may
add them); the upload page is then /attachments/<kind>/<id>/new, and the `attachments_of(kind, thing)`
template function lists them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import url_for

from govflow.extensions import db


@dataclass(frozen=True)
class OwnerKind:
    kind: str
    model: Callable[[], type]  # the model class, imported when first needed
    page: Callable[[object], str]  # the URL of the thing's own page
    name: Callable[[object], str]  # "Blocker 12: Rooms cannot be booked"


def _item():
    from govflow.items.models import Item

    return Item


def _decision():
    from govflow.decisions.models import Decision

    return Decision


def _meeting():
    from govflow.forums.models import Meeting

    return Meeting


def _item_name(item) -> str:
    from govflow.workflow.vocabulary import kind_labels

    return f"{kind_labels().get(item.kind, item.kind)} {item.id}: {item.title}"


def _meeting_name(meeting) -> str:
    from govflow import workdays

    return (f"{meeting.forum.name}, "
            f"{workdays.format_date(workdays.london_date(meeting.starts_at))}")


def _agreement():
    from govflow.agreements.models import Agreement

    return Agreement


OWNERS: dict[str, OwnerKind] = {
    "item": OwnerKind("item", _item, lambda o: url_for("items.show", item_id=o.id), _item_name),
    "decision": OwnerKind("decision", _decision,
                          lambda o: url_for("decisions.show", decision_id=o.id),
                          lambda o: f"Decision {o.id} on {_item_name(o.item)}"),
    "meeting": OwnerKind("meeting", _meeting,
                         lambda o: url_for("forums.meeting", meeting_id=o.id), _meeting_name),
    "agreement": OwnerKind("agreement", _agreement,
                           lambda o: url_for("agreements.show", agreement_id=o.id),
                           lambda o: f"Agreement {o.id}: {o.title}"),
}


def register(owner: OwnerKind) -> None:
    OWNERS[owner.kind] = owner


def load_owner(kind: str, owner_id: int):
    """The thing, or None if there is no such kind or no such thing."""
    spec = OWNERS.get(kind)
    if spec is None:
        return None
    return db.session.get(spec.model(), owner_id)
