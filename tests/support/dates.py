"""A date's boxes as a tampered or half-filled form sends them, by what is wrong with them;
each form's test says what its page must answer to the ones it checks:

    @pytest.mark.parametrize(("boxes", "message"), tampered_dates({
        "no date": "Enter the date of the meeting", ...}))
"""

from __future__ import annotations

import pytest

# Day, month and year as they are sent, a "/" between one box and the next.
TAMPERED_DATES = {
    "no date": None,  # the boxes are not sent at all
    "blank": "//",
    "one box": "12",
    "two boxes": "12/3",
    "four boxes": "12/3/2027/9",
    "no day": "/4/2027",
    "no month": "12//2027",
    "no day or month": "//2027",
    "no month or year": "12//",
    "not a real date": "31/2/2027",
    "a letter for the day": "x/2/2027",
    "letters": "x/y/z",
    "a two-digit year": "1/2/27",
    "year 1066": "1/1/1066",
    "year 1": "1/1/0001",
    "year 2999": "1/1/2999",
    "year 9999": "31/12/9999",
}


def tampered_dates(messages: dict[str, str]) -> list:
    """(the boxes sent, or None, and the message) for each case `messages` names, with what
    the page must say to it."""
    return [pytest.param(_boxes(TAMPERED_DATES[case]), message, id=case)
            for case, message in messages.items()]


def _boxes(date: str | None) -> list[str] | None:
    return None if date is None else date.split("/")
