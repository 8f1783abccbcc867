"""Checks every piece of free text people send: length, control characters, personal data."""

from __future__ import annotations

import unicodedata

from govflow.domain_errors import PersonalDataFound, Unprocessable
from govflow.personal_data import describe, find_personal_data

# Bidirectional controls can make text display differently from what is stored
# ("Trojan Source"); they have no place in a blocker or a decision.
BIDI_CONTROLS = {"\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"}
ALLOWED_CONTROLS = {"\n", "\r", "\t"}


def field_name(label) -> str:
    """A form label as an error message names it: "Review date (optional)" → "Review date",
    "Why not?" → "Why not". "(optional)" belongs beside the box, not in a message about it."""
    return str(label).replace("(optional)", "").strip().rstrip("?:").strip()


def text_problem(value: str, max_length: int) -> str | None:
    """A plain-English problem with the text, or None. Never changes the text."""
    if len(value) > max_length:
        return f"must be {max_length:,} characters or fewer (it is {len(value):,})"
    for ch in value:
        if ch in BIDI_CONTROLS:
            return "contains a hidden right-to-left control character; retype that part"
        if ch not in ALLOWED_CONTROLS and unicodedata.category(ch) == "Cc":
            return "contains a hidden control character (for example a NUL byte); retype that part"
    return None


def check_texts(fields: dict[str, str], limits: dict[str, int], labels: dict[str, str] | None = None,
                check_personal_data: bool = True) -> None:
    """Raise Unprocessable/PersonalDataFound naming each field with a problem."""
    labels = labels or {}
    problems: dict[str, str] = {}
    for name, value in fields.items():
        if not isinstance(value, str):
            continue
        label = labels.get(name, name.replace("_", " ").capitalize())
        problem = text_problem(value, limits.get(name, 5000))
        if problem:
            problems[name] = f"{label} {problem}"
    if problems:
        raise Unprocessable("Some text could not be accepted.", field_errors=problems)
    if not check_personal_data:
        return
    found: dict[str, str] = {}
    for name, value in fields.items():
        if isinstance(value, str) and value:
            findings = find_personal_data(value)
            if findings:
                found[name] = describe(findings)
    if found:
        raise PersonalDataFound(
            "This looks like it contains personal details about a child or family. "
            "Blockers and ideas are about systems, not families: remove the details and try again.",
            field_errors=found,
        )
