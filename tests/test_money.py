"""Amounts of money typed by people, in whole pence (govflow/money.py), shared by the action
forms' money fields and an idea's funding asked."""

from __future__ import annotations

import pytest

from govflow.money import NotAnAmount, pence


@pytest.mark.parametrize(("pounds", "expected"), [
    ("1250", 125000), ("99.50", 9950), ("0.01", 1), ("0", 0), ("75.5", 7550), ("1e3", 100000),
])
def test_pounds_are_whole_pence(pounds, expected):
    assert pence(pounds) == expected


@pytest.mark.parametrize(("pounds", "reason"), [
    ("", "not_money"), ("ten", "not_money"), ("Infinity", "not_money"), ("NaN", "not_money"),
    ("-1", "negative"), ("-0.01", "negative"), ("0.001", "part_penny"), ("9.999", "part_penny"),
])
def test_what_is_not_an_amount_says_why(pounds, reason):
    with pytest.raises(NotAnAmount) as refused:
        pence(pounds)
    assert refused.value.reason == reason
