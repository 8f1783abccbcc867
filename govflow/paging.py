"""Numbered pages of a long list: which page is shown, and the numbers its page links use."""

from __future__ import annotations

import math
from typing import NamedTuple


class Pages(NamedTuple):
    """Page `page` of `pages`, each of `size` rows, out of `total` rows in all."""

    total: int
    page: int
    pages: int
    size: int

    @property
    def offset(self) -> int:
        """How many rows come before this page's first."""
        return (self.page - 1) * self.size

    def template_words(self) -> dict:
        """What the page templates show: the total, the page of the pages, and which rows
        ("showing 26 to 50 of 73"; 0 to 0 when there are none)."""
        return {"total": self.total, "page": self.page, "pages": self.pages,
                "first": self.offset + 1 if self.total else 0,
                "last": min(self.page * self.size, self.total)}


def pages_of(total: int, asked: int, size: int) -> Pages:
    """The page asked for, or the last there is when it asks for one past the end."""
    pages = max(1, math.ceil(total / size))
    return Pages(total, min(asked, pages), pages, size)
