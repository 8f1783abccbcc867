"""An item's history as HTML for the item page: exactly the markup of the `timeline` macro
in templates/macros/timeline.html, built in Python.

The item page shows every event and comment (often dozens); as nested Jinja macros (one
per entry, date, person and change) its history took 1.5 ms of the page's 8. The macro
stays the reference: tests/test_timeline_html.py renders both over every kind of entry
and requires the same text.
"""

from __future__ import annotations

import functools
from datetime import datetime

from jinja2 import Undefined
from markupsafe import Markup, escape

from govflow import workdays

_MISSING = object()


def _attr(env, obj, name: str):
    """`obj.name` as a template sees it: None when it is not defined."""
    # What env.getattr tries first, without its call and try/except: the history's entries
    # are objects with every attribute (a few hundred lookups a page).
    value = getattr(obj, name, _MISSING)
    if value is not _MISSING:
        return value
    value = env.getattr(obj, name)
    return None if isinstance(value, Undefined) else value


def datetime_text(at) -> str:
    """"2 March 2025 at 2:05pm", "at 9am", "at midday", "at midnight", in London time."""
    at = workdays.to_london(at)
    if at.minute == 0 and at.hour in (0, 12):
        clock = "midnight" if at.hour == 0 else "midday"
    else:
        clock = str(at.hour % 12 or 12)
        if at.minute:
            clock += f":{at.minute:02d}"
        clock += "am" if at.hour < 12 else "pm"
    return f"{at.day} {_month_and_year(at.year, at.month)} at {clock}"


@functools.cache
def _month_and_year(year: int, month: int) -> str:
    """"March 2025": strftime's, once per month (it cost more than the rest of the line)."""
    return datetime(year, month, 1).strftime("%B %Y")


def iso_datetime(at) -> str:
    """For <time datetime>: naive datetimes are UTC in govflow."""
    if hasattr(at, "tzinfo"):
        if at.tzinfo is None:
            return at.replace(microsecond=0).isoformat() + "Z"
        return at.replace(microsecond=0).isoformat()
    return at.isoformat()


class TimelineRenderer:
    """Renders the timeline with the app's own state and tier labels (macros/status.html)."""

    def __init__(self, env):
        self.env = env
        self._labels: dict = {}

    def _label(self, macro: str, value) -> Markup:
        """state_label or tier_label from macros/status.html, once per process and value."""
        key = (macro, value)
        if key not in self._labels:
            module = self.env.get_template("macros/status.html").module
            self._labels[key] = Markup(getattr(module, macro)(value))  # noqa: S704 - the macro's own escaped output
        return self._labels[key]

    def _what_happened(self, event):
        label = _attr(self.env, event, "trigger_label")
        if label:
            return label
        trigger = _attr(self.env, event, "trigger")
        if trigger:
            return str(trigger).replace("_", " ").capitalize()
        return "Updated"

    def _who(self, actor):
        if not actor:
            return "govflow (automatic)"
        name = self.env.getattr(actor, "display_name")
        return actor if isinstance(name, Undefined) else name

    def _changes(self, event) -> str:
        from_state = _attr(self.env, event, "from_state")
        to_state = _attr(self.env, event, "to_state")
        from_tier = _attr(self.env, event, "from_tier")
        to_tier = _attr(self.env, event, "to_tier")
        state_moved = from_state and to_state and from_state != to_state
        tier_moved = from_tier and to_tier and from_tier != to_tier
        out = ""
        if state_moved:
            out += STATE_MOVED.format(self._label("state_label", from_state),
                                      self._label("state_label", to_state))
        elif not from_state and to_state:
            out += STATE_IS.format(self._label("state_label", to_state))
        if tier_moved and not (state_moved and from_state == from_tier and to_state == to_tier):
            out += TIER_MOVED.format(self._label("tier_label", from_tier),
                                     self._label("tier_label", to_tier))
        return out

    def __call__(self, events, heading_level=3, empty_text="Nothing has happened yet.") -> Markup:
        # Every value put into the markup goes through escape() (the state and tier labels
        # are the macros' own escaped output), as {{ }} does in the macro; plain str.format
        # rather than Markup.format, whose Python-level formatter cost more than it saved.
        events = events or []
        if not len(events):
            return Markup(EMPTY.format(escape(empty_text)))  # noqa: S704 - escaped above
        level = escape(heading_level)
        parts = ['<ol class="gf-timeline">']
        for event in events:
            at = _attr(self.env, event, "at")
            reason = _attr(self.env, event, "reason")
            parts.append(ENTRY.format(
                level=level,
                what=escape(self._what_happened(event)),
                when=WHEN.format(escape(iso_datetime(at)), escape(datetime_text(at))) if at else "",
                who=escape(self._who(_attr(self.env, event, "actor"))),
                changes=self._changes(event),
                reason=REASON.format(escape(reason)) if reason else "",
            ))
        parts.append("  </ol>")
        return Markup("".join(parts))  # noqa: S704 - every value escaped above


# The macro's markup, whitespace and all.
EMPTY = '<p class="govuk-body">{}</p>'
WHEN = '<time datetime="{}">{}</time>'
ENTRY = (
    '    <li class="gf-timeline__event">\n'
    '      <h{level} class="gf-timeline__title">{what}</h{level}>\n'
    '      <p class="gf-timeline__meta">{when}        by {who}</p>{changes}{reason}    </li>'
)
REASON = ('      <p class="gf-timeline__reason"><span class="govuk-visually-hidden">'
          "Reason: </span>{}</p>")
STATE_MOVED = '    <p class="gf-timeline__change">Status changed from {} to {}.</p>'
STATE_IS = '    <p class="gf-timeline__change">Status: {}.</p>'
TIER_MOVED = '    <p class="gf-timeline__change">Moved from {} to {}.</p>'
