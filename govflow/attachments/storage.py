"""Where attachments' bytes are kept: a folder outside the database (ATTACHMENTS_DIR), one
file per distinct content, named by its SHA-256. Writing is atomic (a temporary file renamed
into place), so a reader never sees half a file; the same content uploaded twice is stored
once. A file is never removed or rewritten by govflow."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from flask import current_app

HEX = set("0123456789abcdef")


def folder() -> Path:
    return Path(current_app.config["ATTACHMENTS_DIR"])


def path_for(sha256: str) -> Path:
    if len(sha256) != 64 or not set(sha256) <= HEX:
        raise ValueError("not a SHA-256")
    return folder() / sha256[:2] / sha256


def store(data: bytes) -> str:
    """Keep `data`; return its SHA-256 (the name it is kept under)."""
    digest = hashlib.sha256(data).hexdigest()
    target = path_for(digest)
    if target.exists() and file_sha256(target) == digest:
        return digest
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return digest


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def problem(sha256: str, size: int) -> str | None:
    """What is wrong with the kept file for this SHA-256 and size, or None."""
    path = path_for(sha256)
    if not path.is_file():
        return "its file is missing"
    if path.stat().st_size != size or file_sha256(path) != sha256:
        return "its file does not match its recorded SHA-256"
    return None
