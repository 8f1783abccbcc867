"""What the pages ask about attachments: a thing's attachments, newest version first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import bindparam, exists, select
from sqlalchemy.orm import aliased

from govflow.accounts.models import User
from govflow.attachments.models import Attachment, AttachmentOwner
from govflow.extensions import db


@dataclass(frozen=True)
class AttachmentRow:
    id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    description: str
    uploaded_by: str
    uploaded_at: datetime
    supersedes_id: int | None
    superseded_by_id: int | None

    @property
    def current(self) -> bool:
        return self.superseded_by_id is None


def item_page_has(item_id, _user_id) -> dict:
    """For the item page's one statement of what it has (items.queries.item_page_has)."""
    return {"attachments": exists().where(AttachmentOwner.kind == "item",
                                          AttachmentOwner.owner_id == item_id,
                                          Attachment.owner_ref_id == AttachmentOwner.id)}


def attachments_of(kind: str, owner_id: int) -> list[AttachmentRow]:
    """Every attachment of the thing, current versions first, then superseded ones."""
    rows = db.session.execute(_attachments_statement(), {"kind": kind, "owner_id": owner_id})
    return [AttachmentRow(*row) for row in rows]


@cache
def _attachments_statement():
    """Built once per process: every item page asks, and the alias of Attachment costs
    more to build than the statement takes to run."""
    newer = aliased(Attachment)
    return (
        select(Attachment.id, Attachment.filename, Attachment.content_type, Attachment.size,
               Attachment.sha256, Attachment.description, User.display_name,
               Attachment.uploaded_at, Attachment.supersedes_id, newer.id)
        .join(AttachmentOwner, AttachmentOwner.id == Attachment.owner_ref_id)
        .join(User, User.id == Attachment.uploaded_by_id)
        .outerjoin(newer, newer.supersedes_id == Attachment.id)
        .where(AttachmentOwner.kind == bindparam("kind"),
               AttachmentOwner.owner_id == bindparam("owner_id"))
        .order_by(newer.id.is_not(None), Attachment.uploaded_at.desc(), Attachment.id.desc())
    )
