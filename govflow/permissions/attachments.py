"""The access policy for attachments: seen by whoever may see the thing they belong to, added
by whoever may work on it. Each kind of thing that can have attachments names its two rules
here (its loading and its page are in govflow/attachments/owners.py)."""

from __future__ import annotations

from govflow.permissions.items import may_follow
from govflow.permissions.predicates import can


def may_attach_to_decision(user, decision) -> bool:
    """Anyone who may comment on the decision's item."""
    return may_follow(user, decision.item)


# kind of thing -> (rule to see its attachments, rule to add and supersede them)
ATTACHMENT_RULES: dict[str, tuple[str, str]] = {
    "item": ("item.view", "item.comment"),
    "decision": ("decision.view", "decision.attach"),
    "meeting": ("meeting.view", "meeting.run"),
    # The signed copy of an agreement: read by everyone, added by whoever records its review.
    "agreement": ("agreement.view", "agreement.review"),
}


def can_view_attachment(user, attachment) -> bool:
    """Whoever may see the thing it belongs to."""
    owner = attachment.owner
    rules = ATTACHMENT_RULES.get(attachment.owner_kind)
    return owner is not None and rules is not None and can(user, rules[0], owner)


def may_attach(user, kind: str, owner) -> bool:
    rules = ATTACHMENT_RULES.get(kind)
    return owner is not None and rules is not None and can(user, rules[1], owner)
