"""Attaching a file to a thing, and superseding it with a new version. Attachments are never
deleted or edited: a new version supersedes the old one, which stays in the record.

The type is read from the file's content (the filetype library), never from its name:
PDF, Word, Excel, OpenDocument, PNG and JPEG by their signatures; plain text and CSV as valid
UTF-8 text without NUL bytes. Services flush, never commit; the file is written to the
attachments folder before the row (a row never names a file that is not there; a file whose
row was rolled back is harmless, and stored once however often it is uploaded)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath, PureWindowsPath

import filetype
from flask import current_app
from sqlalchemy import select

from govflow.attachments import storage
from govflow.attachments.models import Attachment, AttachmentOwner
from govflow.clock import utcnow
from govflow.domain_errors import Forbidden, Invalid, NotFound, Refused
from govflow.extensions import db
from govflow.permissions import may_attach
from govflow.text import check_texts

# content type -> what people call it
ALLOWED = {
    "application/pdf": "PDF",
    "application/msword": "Word",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word",
    "application/vnd.ms-excel": "Excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel",
    "application/vnd.oasis.opendocument.text": "OpenDocument text",
    "application/vnd.oasis.opendocument.spreadsheet": "OpenDocument spreadsheet",
    "application/vnd.oasis.opendocument.presentation": "OpenDocument presentation",
    "image/png": "PNG image",
    "image/jpeg": "JPEG image",
    "text/plain": "Plain text",
    "text/csv": "CSV",
}
# The extensions each type may carry; a name without one of them gets the first added,
# so a download is opened as what it is (a text file named "report.html" is "report.html.txt").
EXTENSIONS = {
    "application/pdf": (".pdf",),
    "application/msword": (".doc",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx",),
    "application/vnd.ms-excel": (".xls",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (".xlsx",),
    "application/vnd.oasis.opendocument.text": (".odt",),
    "application/vnd.oasis.opendocument.spreadsheet": (".ods",),
    "application/vnd.oasis.opendocument.presentation": (".odp",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
    "text/plain": (".txt", ".text", ".md"),
    "text/csv": (".csv",),
}
ALLOWED_WORDS = "a PDF, Word, Excel, OpenDocument, PNG, JPEG, plain text or CSV file"
MAX_NAME = 200
LIMITS = {"description": 300}
LABELS = {"description": "Description"}


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes
    description: str = ""
    confirmed: bool = False


def content_type(data: bytes, filename: str) -> str | None:
    """The file's type read from its content, if it is one we accept; else None."""
    guessed = filetype.guess(data)
    if guessed is not None:
        return guessed.mime if guessed.mime in ALLOWED else None
    if b"\x00" in data:
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return "text/csv" if filename.casefold().endswith(".csv") else "text/plain"


def clean_filename(name: str) -> str:
    """The file's own name, without any folders, control characters or path tricks."""
    name = PureWindowsPath(PurePosixPath(name or "").name).name
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip().strip(".")
    if len(name) > MAX_NAME:
        stem, dot, ext = name.rpartition(".")
        name = (stem[:MAX_NAME - len(ext) - 1] + dot + ext) if dot and len(ext) < 10 else name[:MAX_NAME]
    return name or "attachment"


def max_bytes() -> int:
    return int(current_app.config["ATTACHMENTS_MAX_BYTES"])


def size_words(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.3g} MB"
    if size >= 1024:
        return f"{size / 1024:.3g} KB"
    return f"{size} bytes"


def _owner_ref(kind: str, owner) -> AttachmentOwner:
    ref = db.session.scalar(select(AttachmentOwner).where(
        AttachmentOwner.kind == kind, AttachmentOwner.owner_id == owner.id))
    if ref is None:
        ref = AttachmentOwner(kind=kind, owner_id=owner.id)
        db.session.add(ref)
        db.session.flush()
    return ref


def _check(upload: Upload) -> tuple[str, str]:
    """(clean name, content type), or Invalid with the problem beside the field."""
    errors = {}
    if not upload.data:
        errors["file"] = "Choose a file" if not upload.filename else "The chosen file is empty"
    elif len(upload.data) > max_bytes():
        errors["file"] = f"The file must be smaller than {size_words(max_bytes() + 1)}"
    kind = content_type(upload.data, upload.filename) if not errors else None
    if not errors and kind is None:
        errors["file"] = f"The file must be {ALLOWED_WORDS}"
    if not upload.confirmed:
        errors["confirm"] = ("Confirm that the file holds no personal details of children or "
                             "families")
    if errors:
        raise Invalid("Check the file.", field_errors=errors)
    check_texts({"description": upload.description}, LIMITS, LABELS)
    return with_extension(clean_filename(upload.filename), kind), kind


def with_extension(name: str, kind: str) -> str:
    extensions = EXTENSIONS.get(kind, ())
    if not extensions or name.casefold().endswith(extensions):
        return name
    return name[:MAX_NAME - len(extensions[0])] + extensions[0]


def attach(kind: str, owner, actor, upload: Upload, *, supersedes: Attachment | None = None,
           now: datetime | None = None) -> Attachment:
    """Keep a file with a thing (an item, a decision, a meeting…), or a new version of one
    of its attachments (`supersedes`)."""
    if owner is None:
        raise NotFound("There is nothing to attach this to.")
    if not may_attach(actor, kind, owner):
        raise Forbidden("You cannot add attachments here.")
    ref = _owner_ref(kind, owner)
    if supersedes is not None:
        if supersedes.owner_ref_id != ref.id:
            raise Invalid("That attachment belongs to something else.")
        if db.session.scalar(select(Attachment.id).where(Attachment.supersedes_id == supersedes.id)):
            raise Refused("A newer version of this attachment has already been added.")
    filename, kind_of_file = _check(upload)
    digest = storage.store(upload.data)
    row = Attachment(owner_ref_id=ref.id, filename=filename, content_type=kind_of_file,
                     size=len(upload.data), sha256=digest,
                     description=(upload.description or "").strip(),
                     uploaded_by_id=actor.id, uploaded_at=now or utcnow(),
                     no_personal_details=True,
                     supersedes_id=supersedes.id if supersedes is not None else None)
    db.session.add(row)
    db.session.flush()
    return row


def read(attachment: Attachment) -> bytes:
    """The file's bytes, checked against the SHA-256 recorded when it was attached."""
    problem = storage.problem(attachment.sha256, attachment.size)
    if problem is not None:
        raise Refused(f"This attachment cannot be given out: {problem}. An administrator can "
                      "find out more with `govflow check`.")
    return storage.path_for(attachment.sha256).read_bytes()
