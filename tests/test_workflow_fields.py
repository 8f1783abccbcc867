"""Workflow files describe each trigger's form fields: label, hint, type and choices."""

import pytest

from govflow.workflow.definition import WorkflowFileError, load, parse


def _workflow(fields, trigger_extra=None):
    trigger = {"transitions": [{"source": "a", "dest": "b", "roles": ["admin"]}],
               "required": ["why"], "optional": ["category", "review_on", "funding"]}
    trigger.update(trigger_extra or {})
    return {
        "kind": "thing",
        "initial": "a",
        "states": {"a": {}, "b": {}},
        "fields": fields,
        "triggers": {"decide": trigger},
    }


def test_blocker_escalate_form_asks_for_a_reason_with_the_files_own_words():
    spec = load("blocker")
    [reason] = spec.form_fields("escalate")
    assert reason.name == "reason" and reason.required
    assert reason.label == "Why it needs the next tier"
    assert reason.hint == "Say why, in a sentence or two"
    assert reason.type == "textarea"


def test_select_date_and_money_fields_are_read_with_their_choices():
    spec = parse(_workflow({
        "why": {"label": "Why not?", "type": "text"},
        "category": {"type": "select", "choices": [
            {"value": "cost", "label": "Cost"}, "statutory_duty"]},
        "review_on": {"type": "date", "hint": "For example, 27 3 2027"},
        "funding": {"type": "money"},
    }, {"field_hints": {"why": "In plain words"}}))
    fields = {f.name: f for f in spec.form_fields("decide")}
    assert [f.name for f in spec.form_fields("decide")] == ["why", "category", "review_on", "funding"]
    assert fields["why"].type == "text" and fields["why"].hint == "In plain words"
    assert fields["category"].choices == (("cost", "Cost"), ("statutory_duty", "Statutory duty"))
    assert not fields["category"].required
    assert fields["review_on"].type == "date"
    assert fields["funding"].type == "money"


@pytest.mark.parametrize("fields, message", [
    ({"why": {"type": "colour"}}, "unknown type colour"),
    ({"category": {"type": "select"}}, "lists no choices"),
    ({"why": {"type": "text", "choices": ["a"]}}, "not a select"),
])
def test_a_mistyped_field_is_refused_when_the_file_is_read(fields, message):
    with pytest.raises(WorkflowFileError, match=message):
        parse(_workflow(fields))
