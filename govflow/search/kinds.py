"""The kinds of thing the search page finds: their names, where each result links, and the
states the state filter offers. A new kind adds a Kind here and a Source in
govflow/search/index.py (agreements show what kind of agreement they are as their "state":
their review status changes with the calendar, which the index does not see)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

from flask import url_for


@dataclass(frozen=True)
class Kind:
    name: str
    label: str  # "Blocker"
    plural: str  # "Blockers"
    url: Callable[[int], str]
    states: Callable[[], dict[str, str]]  # state -> what people call it


KINDS: dict[str, Kind] = {}


def describe(kind: Kind) -> Kind:
    KINDS[kind.name] = kind
    return kind


def _item_states(kind: str) -> Callable[[], dict[str, str]]:
    def states():
        from govflow.workflow import vocabulary

        tags = vocabulary.state_tags()
        return {s: tags[s][0] for s in vocabulary.states(kind)}
    return states


def _outcomes() -> dict[str, str]:
    from govflow.decisions.queries import OUTCOME_LABELS

    return dict(OUTCOME_LABELS)


def _item_url(ref: int) -> str:
    return url_for("items.show", item_id=ref)


def _meeting_url(ref: int) -> str:
    return url_for("forums.meeting", meeting_id=ref)


describe(Kind("blocker", "Blocker", "Blockers", _item_url, _item_states("blocker")))
describe(Kind("idea", "Idea", "Ideas", _item_url, _item_states("idea")))
describe(Kind("decision", "Decision", "Decisions",
              lambda ref: url_for("decisions.show", decision_id=ref), _outcomes))
describe(Kind("meeting", "Meeting", "Meetings", _meeting_url,
              lambda: {"planned": "Planned", "held": "Held", "approved": "Minutes approved"}))
describe(Kind("minutes", "Minutes", "Minutes", _meeting_url,
              lambda: {"approved": "Approved"}))
describe(Kind("action", "Sponsor action", "Sponsor actions",
              lambda ref: url_for("sponsors.show_action", action_id=ref),
              lambda: {"open": "Open", "done": "Done", "dropped": "Dropped"}))


def _agreement_kinds() -> dict[str, str]:
    # An agreement's review status changes with the calendar, not with a write the index
    # sees, so its documents hold what kind of agreement it is instead.
    from govflow.agreements.models import AGREEMENT_KINDS

    return dict(AGREEMENT_KINDS)


describe(Kind("agreement", "Agreement", "Agreements",
              lambda ref: url_for("agreements.show", agreement_id=ref), _agreement_kinds))


@functools.cache
def state_labels() -> dict[str, dict[str, str]]:
    """Each kind's states with what people call them. They come from the workflows' and the
    models' fixed vocabularies, so they are worked out once per process."""
    return {kind.name: kind.states() for kind in KINDS.values()}


@functools.cache
def every_state() -> dict[str, str]:
    """Every state any kind has, with its label (the first kind's label for a shared name)."""
    out: dict[str, str] = {}
    for states in state_labels().values():
        for state, label in states.items():
            out.setdefault(state, label)
    return out
