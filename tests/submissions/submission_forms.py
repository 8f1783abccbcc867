"""Reading a page's forms as a browser would: each form's method, action and the values it
sends unchanged (hidden fields), found with the standard library's HTML parser."""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Form:
    method: str
    action: str
    hidden: dict[str, str] = field(default_factory=dict)
    names: list[str] = field(default_factory=list)


class _Forms(HTMLParser):
    def __init__(self, page_path: str):
        super().__init__()
        self.page_path = page_path
        self.forms: list[Form] = []
        self._open: Form | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            action = a.get("action") or self.page_path
            self._open = Form((a.get("method") or "get").lower(), action)
            self.forms.append(self._open)
        elif self._open is not None and tag in ("input", "select", "textarea", "button"):
            name = a.get("name")
            if name:
                self._open.names.append(name)
                if tag == "input" and (a.get("type") or "").lower() == "hidden":
                    self._open.hidden.setdefault(name, a.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._open = None


def forms_on(html: str, page_path: str = "") -> list[Form]:
    parser = _Forms(page_path)
    parser.feed(html)
    return parser.forms


def form_posting_to(html: str, action: str, page_path: str = "") -> Form:
    """The first form on the page (at `page_path`) that posts to `action`."""
    found = [f for f in forms_on(html, page_path) if f.method == "post" and f.action == action]
    assert found, f"no form posting to {action}"
    return found[0]


def text_of(response) -> str:
    """The page as text a person reads: tags removed, entities decoded, spaces collapsed."""
    body = response.get_data(as_text=True)
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", body)).split())
