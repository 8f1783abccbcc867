"""Outcome tests run at the suite's own moment, when the demo's quarterly figures were
seeded: the suite's clock ticks, and at 23:59 on New Year's Eve a test reached a minute later
would otherwise be in a new quarter (and a new year) that the demo figures know nothing of."""

from __future__ import annotations

import pytest
import time_machine

from tests.support.clock import destination


@pytest.fixture(autouse=True)
def _at_the_suites_moment():
    with time_machine.travel(destination(), tick=True):
        yield
