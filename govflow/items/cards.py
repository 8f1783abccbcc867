"""The item lists' summary cards as HTML: exactly the markup of the `item_card` macro in
templates/macros/items.html, built in Python.

A list page shows 25 cards; as a Jinja macro per card (with a status and a tier tag macro,
trim and indent filters and url_for each) they took about 3.5 ms of the queue page's 11.
The macro stays the reference: tests/items/test_item_cards_html.py renders both over many
kinds of item and requires the same text.
"""

from __future__ import annotations

from flask import url_for
from jinja2 import Undefined
from markupsafe import Markup, escape

from govflow.items.presenters import CardRow

KINDS = {"blocker": "Blocker", "idea": "Idea"}
# A number no item has, to find where the id goes in items.show's URL (one url_for a page).
_MARK = 918273645


def _attr(env, obj, name: str):
    """`obj.name` as a template sees it, or an Undefined when it is not there."""
    return env.getattr(obj, name)


def _value(env, obj):
    """`obj.value if obj.value is defined else obj` (an Enum's value, or the thing itself)."""
    value = env.getattr(obj, "value")
    return obj if isinstance(value, Undefined) else value


class ItemCardRenderer:
    """Renders cards with the app's own status and tier tags (macros/status.html)."""

    def __init__(self, env):
        self.env = env
        self._tags: dict = {}

    def _tag(self, macro: str, value) -> str:
        """`{{ macro(value) | trim | indent(10) }}`, rendered by the macro once per value."""
        key = (macro, type(value), value)
        found = self._tags.get(key)
        if found is None:
            template = self.env.from_string(
                '{% from "macros/status.html" import ' + macro + " %}"
                "{{ " + macro + "(value) | trim | indent(10) }}")
            found = self._tags[key] = template.render(value=value)
        return found

    def __call__(self, items, heading_level=2) -> Markup:
        # Every value put into the markup goes through escape(), as {{ }} does in the macro;
        # the tags are the macros' own escaped output.
        env = self.env
        level = escape(heading_level)
        href = url_for("items.show", item_id=_MARK)
        before, after = href.split(str(_MARK), 1)
        parts = []
        for item in items:
            if type(item) is CardRow:
                # A list page's own rows: plain strings (tier never empty), read directly.
                kind, state, tier, area, item_id, title, due_text, overdue = (
                    item.kind, item.state, item.tier, item.area, item.id, item.title,
                    item.due_text, item.is_overdue)
                area_name = area.name if area else "Not set"
            else:
                kind, state, tier, area_name, item_id, title, due_text, overdue = (
                    _fields(env, item))
            parts.append(CARD.format(
                level=level,
                href=escape(before + str(int(item_id)) + after),
                title=escape(title),
                kind=escape(KINDS.get(kind, kind.capitalize())),
                area=escape(area_name),
                status=self._tag("status_tag", state),
            ))
            if tier and str(tier) != state:
                parts.append(ROW.format(key="Tier", value=self._tag("tier_tag", tier)))
            if due_text:
                text = escape(due_text)
                if overdue:
                    text = OVERDUE.format(text)
                parts.append(ROW.format(key="Deadline", value=text))
            parts.append(END)
        return Markup("".join(parts))  # noqa: S704 - every value escaped above


def _fields(env, item) -> tuple:
    """What a card shows of any item a template could pass (an ORM item, a list row, a
    dict), read as the macro reads it: (kind, state, tier, area name, id, title, deadline
    wording or None, overdue)."""
    kind = str(_value(env, _attr(env, item, "kind")))
    state = str(_value(env, _attr(env, item, "state")))
    tier = _attr(env, item, "tier")
    tier = None if isinstance(tier, Undefined) else _value(env, tier)
    area = _attr(env, item, "area")
    due_text = _attr(env, item, "due_text")
    if isinstance(due_text, Undefined):
        due_text = None
    overdue = _attr(env, item, "is_overdue")
    return (kind, state, tier, env.getattr(area, "name") if area else "Not set",
            _attr(env, item, "id"), _attr(env, item, "title"), due_text,
            not isinstance(overdue, Undefined) and overdue)


# The macro's markup, whitespace and all.
CARD = (
    '<div class="govuk-summary-card gf-item-card">\n'
    '  <div class="govuk-summary-card__title-wrapper">\n'
    '    <h{level} class="govuk-summary-card__title">\n'
    '      <a class="govuk-link" href="{href}">{title}</a>\n'
    "    </h{level}>\n"
    "  </div>\n"
    "\n"
    '  <div class="govuk-summary-card__content">\n'
    '    <dl class="govuk-summary-list">\n'
    '      <div class="govuk-summary-list__row">\n'
    '        <dt class="govuk-summary-list__key">\n'
    "          Type\n"
    "        </dt>\n"
    '        <dd class="govuk-summary-list__value">\n'
    "          {kind}\n"
    "        </dd>\n"
    "      </div>\n"
    '      <div class="govuk-summary-list__row">\n'
    '        <dt class="govuk-summary-list__key">\n'
    "          Area\n"
    "        </dt>\n"
    '        <dd class="govuk-summary-list__value">\n'
    "          {area}\n"
    "        </dd>\n"
    "      </div>\n"
    '      <div class="govuk-summary-list__row">\n'
    '        <dt class="govuk-summary-list__key">\n'
    "          Status\n"
    "        </dt>\n"
    '        <dd class="govuk-summary-list__value">\n'
    "          {status}\n"
    "        </dd>\n"
    "      </div>\n"
)
ROW = (
    '      <div class="govuk-summary-list__row">\n'
    '        <dt class="govuk-summary-list__key">\n'
    "          {key}\n"
    "        </dt>\n"
    '        <dd class="govuk-summary-list__value">\n'
    "          {value}\n"
    "        </dd>\n"
    "      </div>\n"
)
OVERDUE = '<span class="gf-overdue">{}</span>'
END = "    </dl>\n  </div>\n</div>\n"


def pagination_html(page, pages, url_for_page, label="Pages") -> Markup:
    """The `pagination` macro in templates/macros/items.html (govukPagination's markup with
    numbered links and ellipses), built in Python: it cost 0.8 ms of a list page."""
    page, pages = int(page), int(pages)
    if pages <= 1:
        return Markup("")
    parts = [NAV_START.format(escape(label))]
    if page > 1:
        parts.append(PREV.format(escape(url_for_page(page - 1))))
    parts.append(LIST_START)
    last_shown = 0
    for n in sorted({1, page - 1, page, page + 1, pages}):
        if 1 <= n <= pages:
            if n - last_shown > 1:
                parts.append(ELLIPSIS)
            parts.append((CURRENT if n == page else NUMBER).format(
                href=escape(url_for_page(n)), n=n))
            last_shown = n
    parts.append(LIST_END)
    if page < pages:
        parts.append(NEXT.format(escape(url_for_page(page + 1))))
    parts.append(NAV_END)
    return Markup("".join(parts))  # noqa: S704 - every value escaped above


# govukPagination's markup, whitespace and all.
NAV_START = '<nav class="govuk-pagination" aria-label="{}">\n'
PREV = (
    '  <div class="govuk-pagination__prev">\n'
    '    <a class="govuk-link govuk-pagination__link" href="{}" rel="prev">\n'
    '    <svg class="govuk-pagination__icon govuk-pagination__icon--prev" '
    'xmlns="http://www.w3.org/2000/svg" height="13" width="15" aria-hidden="true" '
    'focusable="false" viewBox="0 0 15 13">\n'
    '        <path d="m6.5938-0.0078125-6.7266 6.7266 6.7441 6.4062 1.377-1.449-4.1856-3.9768'
    'h12.896v-2h-12.984l4.2931-4.293-1.414-1.414z"></path>\n'
    "      </svg>\n"
    '      <span class="govuk-pagination__link-title">\n'
    '        Previous<span class="govuk-visually-hidden"> page</span>\n'
    "      </span>\n"
    "    </a>\n"
    "  </div>\n"
)
LIST_START = '  <ul class="govuk-pagination__list">\n'
ELLIPSIS = (
    '      <li class="govuk-pagination__item govuk-pagination__item--ellipsis">\n'
    "      &ctdot;\n"
    "    </li>\n"
)
NUMBER = (
    '      <li class="govuk-pagination__item">\n'
    '      <a class="govuk-link govuk-pagination__link" href="{href}" aria-label="Page {n}">\n'
    "        {n}\n"
    "      </a>\n"
    "    </li>\n"
)
CURRENT = (
    '      <li class="govuk-pagination__item govuk-pagination__item--current">\n'
    '      <a class="govuk-link govuk-pagination__link" href="{href}" aria-label="Page {n}" '
    'aria-current="page">\n'
    "        {n}\n"
    "      </a>\n"
    "    </li>\n"
)
LIST_END = "  </ul>\n"
NEXT = (
    '  <div class="govuk-pagination__next">\n'
    '    <a class="govuk-link govuk-pagination__link" href="{}" rel="next">\n'
    '      <span class="govuk-pagination__link-title">\n'
    '        Next<span class="govuk-visually-hidden"> page</span>\n'
    "      </span>\n"
    '    <svg class="govuk-pagination__icon govuk-pagination__icon--next" '
    'xmlns="http://www.w3.org/2000/svg" height="13" width="15" aria-hidden="true" '
    'focusable="false" viewBox="0 0 15 13">\n'
    '        <path d="m8.107-0.0078125-1.4136 1.414 4.2926 4.293h-12.986v2h12.896l-4.1855 '
    '3.9766 1.377 1.4492 6.7441-6.4062-6.7246-6.7266z"></path>\n'
    "      </svg>\n"
    "    </a>\n"
    "  </div>\n"
)
NAV_END = "</nav>\n"
