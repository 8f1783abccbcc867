"""An answer the forum use-cases require (govflow/forums/rules.py required_text): stripped,
refused beside its field when empty, then checked against the limits of the kind of text it
is kept as."""

from __future__ import annotations

import pytest

from govflow.domain_errors import Invalid, Unprocessable
from govflow.forums import rules


def test_the_answer_comes_back_without_the_space_around_it():
    assert rules.required_text("summary", "  We met.\n", "Write.", "Write a summary") == "We met."


@pytest.mark.parametrize("given", [None, "", "  \n "])
def test_no_answer_is_refused_with_one_message_above_the_form_and_one_by_the_field(given):
    with pytest.raises(Invalid) as refused:
        rules.required_text("reason", given, "Say why it is cancelled.",
                            "Enter why the meeting is cancelled", checked_as="summary")
    assert refused.value.message == "Say why it is cancelled."
    assert refused.value.field_errors == {"reason": "Enter why the meeting is cancelled"}


def test_the_answer_is_checked_as_the_kind_of_text_it_is_kept_as():
    too_long = "x" * (rules.TEXT_LIMITS["summary"] + 1)
    with pytest.raises(Unprocessable) as refused:
        rules.required_text("reason", too_long, "Say why.", "Enter why", checked_as="summary")
    assert list(refused.value.field_errors) == ["summary"]
    assert rules.required_text("note", "x" * 3000, "Say.", "Enter", checked_as="notes") == "x" * 3000
