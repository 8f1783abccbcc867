"""Item use-cases: raise a blocker, propose an idea, comment. State changes go via the engine."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from govflow.accounts.models import LocalArea, Organisation
from govflow.clock import utcnow
from govflow.domain_errors import Forbidden, Invalid, NotFound, Refused
from govflow.extensions import db
from govflow.items.models import Comment, Item, Tag
from govflow.text import check_texts
from govflow.workflow import engine

ITEM_TEXT_LIMITS = {
    "title": 200,
    "description": 5000,
    "effect": 5000,
    "why": 5000,
    "who_involved": 2000,
    "support_needed": 2000,
    "body": 5000,
}
ITEM_LABELS = {
    "title": "Title",
    "description": "Description",
    "effect": "Effect on families' support",
    "why": "Why",
    "who_involved": "Who is involved",
    "support_needed": "Support needed",
    "body": "Comment",
}


def area_by_slug(slug: str) -> LocalArea:
    area = db.session.scalar(select(LocalArea).where(LocalArea.slug == slug, LocalArea.active))
    if area is None:
        raise Invalid("Choose an area", field_errors={"area": f"There is no area called '{slug}'"})
    return area


def tags_by_slug(slugs) -> list[Tag]:
    slugs = list(dict.fromkeys(slugs or []))
    if not slugs:
        return []
    tags = db.session.scalars(select(Tag).where(Tag.slug.in_(slugs))).all()
    unknown = set(slugs) - {t.slug for t in tags}
    if unknown:
        raise Invalid("Unknown tags", field_errors={"tags": f"Unknown tags: {', '.join(sorted(unknown))}"})
    return sorted(tags, key=lambda t: t.position)


def organisation_by_slug(slug: str | None) -> Organisation | None:
    if not slug:
        return None
    org = db.session.scalar(select(Organisation).where(Organisation.slug == slug))
    if org is None:
        raise Invalid("Unknown organisation",
                      field_errors={"organisation": f"There is no organisation called '{slug}'"})
    return org


def _check_item_texts(values: dict) -> None:
    missing = {}
    if not (values.get("title") or "").strip():
        missing["title"] = "Enter a title"
    if missing:
        raise Invalid("Some required information is missing.", field_errors=missing)
    check_texts(values, ITEM_TEXT_LIMITS, ITEM_LABELS)


def raise_blocker(
    actor,
    *,
    title: str,
    description: str,
    effect: str = "",
    area: str,
    tags=(),
    organisation: str | None = None,
    now: datetime | None = None,
) -> Item:
    """A practitioner raises a blocker: it starts at Bronze in the chosen area."""
    texts = {"title": title or "", "description": description or "", "effect": effect or ""}
    _check_item_texts(texts)
    if not texts["description"].strip():
        raise Invalid("Some required information is missing.",
                      field_errors={"description": "Say what is blocked"})
    item = Item(
        kind="blocker",
        title=texts["title"].strip(),
        description=texts["description"].strip(),
        effect=texts["effect"].strip(),
        area=area_by_slug(area),
        organisation=organisation_by_slug(organisation),
        raised_by=actor,
        tags=tags_by_slug(tags),
    )
    engine.start(item, actor, now=now)
    db.session.flush()
    return item


def create_from_seed(kind, entry, raiser, areas, orgs, raised_at) -> Item:
    """Demo data: create an item as if raised at `raised_at` (through the engine's start)."""
    funding = entry.get("funding_asked")
    item = Item(
        kind=kind,
        title=entry["title"],
        description=entry.get("description", ""),
        effect=entry.get("effect", ""),
        why=entry.get("why", ""),
        who_involved=entry.get("who_involved", ""),
        support_needed=entry.get("support_needed", ""),
        funding_pence=int(funding) * 100 if funding is not None else None,
        area_id=areas[entry["area"]].id,
        organisation_id=orgs[entry["organisation"]].id if entry.get("organisation") else None,
        raised_by=raiser,
        tags=tags_by_slug(list(entry.get("tags", [])) + list(entry.get("outcomes", []))),
        created_at=raised_at,
    )
    tier = None
    if kind == "idea":
        from govflow.items import ideas

        tier = ideas.deciding_tier(item.funding_pence)
    engine.start(item, raiser, now=raised_at, tier=tier)
    db.session.flush()
    return item


def add_comment(item: Item, actor, body: str) -> Comment:
    body = (body or "").strip()
    if not body:
        raise Invalid("Enter a comment", field_errors={"body": "Enter a comment"})
    check_texts({"body": body}, ITEM_TEXT_LIMITS, ITEM_LABELS)
    comment = Comment(item_id=item.id, author_id=actor.id, body=body, created_at=utcnow())
    # A comment is not a change to the item: it leaves the item (and its version) alone, so
    # nobody with an action form open is told the item changed under them.
    db.session.add(comment)
    db.session.flush()
    return comment


def correct_comment(comment: Comment, actor, body: str) -> Comment:
    """Comments are append-only: a correction is a new comment by the same person that
    supersedes the old one, which stays in the record."""
    from sqlalchemy import select

    if comment.author_id != actor.id:
        raise Forbidden("Only the person who wrote a comment can correct it.")
    if db.session.scalar(select(Comment.id).where(Comment.supersedes_id == comment.id)):
        raise Refused("That comment has already been corrected.")
    body = (body or "").strip()
    if not body:
        raise Invalid("Enter a comment", field_errors={"body": "Enter a comment"})
    check_texts({"body": body}, ITEM_TEXT_LIMITS, ITEM_LABELS)
    correction = Comment(item_id=comment.item_id, author_id=actor.id, body=body,
                         created_at=utcnow(), supersedes_id=comment.id)
    db.session.add(correction)
    db.session.flush()
    return correction


def get_item(item_id: int) -> Item:
    item = db.session.get(Item, item_id)
    if item is None:
        raise NotFound("There is no item with that number.")
    return item
