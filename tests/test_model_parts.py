"""The version a form sends back (govflow/model_parts.py), read the same way by the item
workflow, the meetings and the sponsor actions."""

from __future__ import annotations

import pytest

from govflow.domain_errors import Invalid
from govflow.model_parts import sent_version


def test_a_version_sent_as_text_or_a_number_is_read_as_a_number():
    assert sent_version("7") == 7
    assert sent_version(" 7 ") == 7
    assert sent_version(7) == 7


@pytest.mark.parametrize("sent", ["", "seven", "7.5", None])
def test_a_version_that_is_not_a_number_is_refused_as_invalid(sent):
    with pytest.raises(Invalid) as refused:
        sent_version(sent)
    assert refused.value.message == "The version sent with the form is not a number."
    assert refused.value.status == 400
