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
            kind = str(_value(env, _attr(env, item, "kind")))
            state = str(_value(env, _attr(env, item, "state")))
            tier = _attr(env, item, "tier")
            tier = None if isinstance(tier, Undefined) else _value(env, tier)
            area = _attr(env, item, "area")
            item_id = _attr(env, item, "id")
            parts.append(CARD.format(
                level=level,
                href=escape(before + str(int(item_id)) + after),
                title=escape(_attr(env, item, "title")),
                kind=escape(KINDS.get(kind, kind.capitalize())),
                area=escape(env.getattr(area, "name") if area else "Not set"),
                status=self._tag("status_tag", state),
            ))
            if tier and str(tier) != state:
                parts.append(ROW.format(key="Tier", value=self._tag("tier_tag", tier)))
            due_text = _attr(env, item, "due_text")
            if not isinstance(due_text, Undefined) and due_text:
                overdue = _attr(env, item, "is_overdue")
                text = escape(due_text)
                if not isinstance(overdue, Undefined) and overdue:
                    text = OVERDUE.format(text)
                parts.append(ROW.format(key="Deadline", value=text))
            parts.append(END)
        return Markup("".join(parts))  # noqa: S704 - every value escaped above


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
