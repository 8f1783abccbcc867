"""Use-cases of the agreements register: record an agreement, record its review. They flush,
never commit (the request's boundary does)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from govflow import workdays
from govflow.accounts.models import LocalArea, User
from govflow.agreements.models import AGREEMENT_KINDS, Agreement
from govflow.clock import utcnow
from govflow.domain_errors import Forbidden, Invalid, StaleVersion
from govflow.extensions import db
from govflow.items.models import Item
from govflow.permissions import can, can_view_item
from govflow.text import check_texts

TEXT_LIMITS = {"title": 200, "parties": 2000, "what_shared": 5000, "shared_with": 2000,
               "basis": 5000}
LABELS = {"title": "The title", "parties": "The parties", "what_shared": "What may be shared",
          "shared_with": "Who it may be shared with", "basis": "The basis"}
REQUIRED = {
    "title": "Enter a title",
    "parties": "Enter the parties to the agreement",
    "what_shared": "Enter what may be shared, or what the agreement covers",
}


def record_agreement(actor, *, kind: str, title: str, parties: str, what_shared: str,
                     shared_with: str = "", basis: str = "", areas=(), owner_id=None,
                     review_on: date | None = None, item_id: int | None = None,
                     now: datetime | None = None) -> Agreement:
    """Someone who may record agreements adds one to the register."""
    if not can(actor, "agreement.record"):
        raise Forbidden("You cannot record agreements.")
    now = now or utcnow()
    texts = {"title": title or "", "parties": parties or "", "what_shared": what_shared or "",
             "shared_with": shared_with or "", "basis": basis or ""}
    errors = {name: message for name, message in REQUIRED.items() if not texts[name].strip()}
    if kind not in AGREEMENT_KINDS:
        errors["kind"] = "Choose what kind of agreement it is"
    area_rows = list(db.session.scalars(
        select(LocalArea).where(LocalArea.slug.in_(list(areas or [])), LocalArea.active)))
    if not area_rows:
        errors["areas"] = "Choose at least one area the agreement covers"
    owner = db.session.get(User, owner_id) if owner_id else None
    if owner is None or not owner.active:
        errors["owner"] = "Choose who owns the agreement"
    today = workdays.london_date(now)
    if review_on is None:
        errors.setdefault("review_on", "Enter the review date")
    elif review_on <= today:
        errors["review_on"] = "The review date must be in the future"
    item = None
    if item_id is not None:
        item = db.session.get(Item, item_id)
        if item is None or not can_view_item(actor, item):
            errors["item_id"] = "The blocker or idea that produced it was not found"
    if errors:
        raise Invalid("Some required information is missing or wrong.", field_errors=errors)
    check_texts(texts, TEXT_LIMITS, LABELS)
    agreement = Agreement(
        kind=kind, title=texts["title"].strip(), parties=texts["parties"].strip(),
        what_shared=texts["what_shared"].strip(), shared_with=texts["shared_with"].strip(),
        basis=texts["basis"].strip(), owner_id=owner.id, review_on=review_on,
        item_id=item.id if item else None, decision_id=_latest_decision_id(item),
        created_by_id=actor.id, created_at=now, areas=area_rows,
    )
    db.session.add(agreement)
    db.session.flush()
    return agreement


def _latest_decision_id(item) -> int | None:
    if item is None:
        return None
    from govflow.decisions.models import Decision

    return db.session.scalar(select(Decision.id).where(Decision.item_id == item.id)
                             .order_by(Decision.id.desc()).limit(1))


def record_review(actor, agreement: Agreement, *, review_on: date | None,
                  version: str | None = None, now: datetime | None = None) -> Agreement:
    """The owner (or a facilitator or sponsor of its areas) has reviewed the agreement: it
    stands until the next review date. A lapsed agreement reviewed is current again."""
    if not can(actor, "agreement.review", agreement):
        raise Forbidden("You cannot record a review of this agreement.")
    now = now or utcnow()
    if review_on is None:
        raise Invalid("Enter the next review date",
                      field_errors={"review_on": "Enter the next review date"})
    if review_on <= workdays.london_date(now):
        raise Invalid("The next review date must be in the future", field_errors={
            "review_on": "The next review date must be in the future"})
    if version is not None and str(agreement.version) != str(version):
        raise StaleVersion("Someone else changed this agreement: check it and send again.")
    agreement.review_on = review_on
    agreement.reviewed_at = now
    try:
        db.session.flush()
    except StaleDataError:
        raise StaleVersion("Someone else changed this agreement: check it and send again.") from None
    return agreement
