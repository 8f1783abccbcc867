"""The workflow files are the one vocabulary: the database's CHECK constraints (as the
migrations made them), the lists' notion of "open" and the words and colours on the status
tags all come from workflows/*.yaml."""

from __future__ import annotations

import re

import yaml
from sqlalchemy import inspect

from govflow.extensions import db
from govflow.workflow import vocabulary
from govflow.workflow.definition import TIER_LABELS, WORKFLOW_DIR


def _file(kind: str) -> dict:
    return yaml.safe_load((WORKFLOW_DIR / f"{kind}.yaml").read_text(encoding="utf-8"))


def _checks(table: str) -> dict[str, str]:
    return {c["name"]: c["sqltext"] for c in inspect(db.engine).get_check_constraints(table)}


def _words(sql: str) -> list[str]:
    """The quoted values in a constraint, as SQLite or PostgreSQL shows it back."""
    return re.findall(r"'([a-z_]+)'", sql)


def test_the_database_allows_exactly_the_workflow_files_states(app):
    state_check = _checks("items")["ck_items_state"]
    # "(kind = 'blocker' AND state IN (…)) OR (kind = 'idea' AND state IN (…))", however the
    # database writes it back: each kind's states follow its name.
    allowed: dict[str, set[str]] = {}
    for word in _words(state_check):
        if word in ("blocker", "idea"):
            kind = word
            allowed[kind] = set()
        else:
            allowed[kind].add(word)
    files = {p.stem: set(_file(p.stem)["states"]) for p in WORKFLOW_DIR.glob("*.yaml")}
    assert allowed == files


def test_the_database_allows_exactly_the_kinds_and_tiers_of_the_workflows(app):
    assert set(_words(_checks("items")["ck_items_kind"])) == {
        p.stem for p in WORKFLOW_DIR.glob("*.yaml")}
    tiers = {tier for kind in vocabulary.KINDS for tier in _file(kind)["deadlines"]}
    assert set(_words(_checks("items")["ck_items_tier"])) == tiers == set(TIER_LABELS)
    assert set(_words(_checks("decisions")["ck_decisions_tier"])) == tiers


def test_open_means_waiting_on_someone_as_the_files_say(app):
    """A state whose tier deadline runs or is paused is waiting on someone: the lists'
    open items, the overdue filter's states (not paused) and the item's is_open."""
    from govflow.items.models import Item
    from govflow.items.queries import OPEN_STATES

    waiting, running = set(), set()
    for kind in vocabulary.KINDS:
        for name, spec in _file(kind)["states"].items():
            clock = spec.get("clock", "tier" if spec.get("tier") else None)
            if clock in ("tier", "paused"):
                waiting.add(name)
            if clock == "tier":
                running.add(name)
    assert set(OPEN_STATES) == waiting == {
        "bronze", "silver", "gold", "paused", "proposed", "challenged"}
    assert set(vocabulary.clock_states()) == running == waiting - {"paused"}
    for kind in vocabulary.KINDS:
        for state in vocabulary.states(kind):
            assert Item(kind=kind, state=state).is_open == (state in waiting)


def test_every_state_tag_shows_the_files_word_and_colour(app):
    from flask import render_template_string

    template = ('{% from "macros/status.html" import status_tag, state_label %}'
                "{{ status_tag(state) }}|{{ state_label(state) }}")
    with app.test_request_context():
        for kind in vocabulary.KINDS:
            for state, spec in _file(kind)["states"].items():
                tag, label = render_template_string(template, state=state).split("|")
                assert label == spec["label"]
                colour = spec.get("tag") or (f"gf-tag--{spec['tier']}" if spec.get("tier") else "")
                assert tag == (f'<strong class="govuk-tag {colour}">\n  {spec["label"]}\n</strong>\n'
                               if colour else
                               f'<strong class="govuk-tag">\n  {spec["label"]}\n</strong>\n')
