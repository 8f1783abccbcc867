"""The item page's history, built in Python (govflow/timeline.py), is exactly what the
`timeline` macro in templates/macros/timeline.html makes, for every kind of entry."""

from datetime import UTC, datetime
from itertools import product
from types import SimpleNamespace

from govflow.items.presenters import TimelineEntry
from govflow.timeline import TimelineRenderer

MACRO = ('{% from "macros/timeline.html" import timeline %}'
         "{{ timeline(events, heading_level=level, empty_text=empty) }}")

MOMENTS = [
    None,
    datetime(2026, 6, 30, 23, 30, 5, 123456),  # 00:30 on 1 July in London (summer time)
    datetime(2026, 12, 24, 0, 0),  # midnight
    datetime(2026, 3, 29, 11, 0),  # midday in London once the clocks have gone forward
    datetime(2026, 12, 24, 12, 0),  # midday
    datetime(2026, 1, 5, 9, 0),
    datetime(2026, 1, 5, 17, 7),
    datetime(2026, 1, 5, 9, 0, tzinfo=UTC),  # an aware datetime
]
ACTORS = [None, SimpleNamespace(display_name="Rachel O'Dunn <RD> & co"), "A name as text"]
STATES = [None, "bronze", "silver", "gold", "paused", "by_default", "adopted"]
REASONS = ["", "Why: <b>not</b> & \"so\"\n\nsecond paragraph"]
LABELS = ["Escalated", "", "Comment"]


def _entries():
    out = []
    for at, actor, label, reason in product(MOMENTS, ACTORS, LABELS, REASONS):
        out.append(TimelineEntry(at=at, actor=actor, trigger_label=label, reason=reason))
    for from_state, to_state, from_tier, to_tier in product(STATES, repeat=4):
        out.append(TimelineEntry(at=MOMENTS[1], actor=ACTORS[1], trigger_label="Moved",
                                 from_state=from_state, to_state=to_state,
                                 from_tier=from_tier, to_tier=to_tier))
    return out


def test_python_timeline_is_the_macros_markup(app):
    with app.test_request_context():
        macro = app.jinja_env.from_string(MACRO)
        python = TimelineRenderer(app.jinja_env)
        entries = _entries()
        for level, empty in [(3, "Nothing has happened yet."), (2, "None <yet> & more")]:
            assert str(python(entries, level, empty)) == macro.render(
                events=entries, level=level, empty=empty)
            assert str(python([], level, empty)) == macro.render(
                events=[], level=level, empty=empty)
            assert str(python(None, level, empty)) == macro.render(
                events=None, level=level, empty=empty)
        # One entry at a time too, so a difference names the entry that makes it.
        for entry in entries:
            assert str(python([entry])) == macro.render(
                events=[entry], level=3, empty="Nothing has happened yet."), entry


def test_events_without_a_label_fall_back_to_their_trigger(app):
    with app.test_request_context():
        macro = app.jinja_env.from_string(MACRO)
        python = TimelineRenderer(app.jinja_env)
        events = [SimpleNamespace(at=MOMENTS[1], actor=None, trigger="take_over_<it>",
                                  from_state="bronze", to_state="silver", reason="r"),
                  SimpleNamespace(at=MOMENTS[2], trigger=""), {"at": MOMENTS[3]}]
        assert str(python(events)) == macro.render(
            events=events, level=3, empty="Nothing has happened yet.")
