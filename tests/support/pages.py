"""Reading the pages the test client gets back: their text as a person reads it, a form sent
back with its problems, and the CSRF token a form carries."""

from __future__ import annotations

import html as html_lib
import re

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_from(html: str) -> str:
    """The CSRF token of the (first) form on a page."""
    match = CSRF_RE.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


def text_of(response) -> str:
    """The page (a response, or its HTML) as text a person reads: tags removed, entities
    decoded, spaces collapsed."""
    body = response.get_data(as_text=True) if hasattr(response, "get_data") else response
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def refused(response, status: int, *messages: str) -> str:
    """The form sent back with `status`: GOV.UK's error summary ("There is a problem") and
    each of `messages` on it. Returns the page's HTML, for what the test checks next (what
    was typed, kept)."""
    html = response.get_data(as_text=True)
    text = text_of(html)
    assert response.status_code == status, text[:500]
    assert "There is a problem" in text
    for message in messages:
        assert message in text, message
    return html
