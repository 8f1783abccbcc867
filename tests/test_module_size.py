"""Modules a newcomer can read: none under govflow/ is over 600 lines (issue 19). A module
that grows past it is split by what it is about, as govflow/permissions/ was."""

from __future__ import annotations

from pathlib import Path

LIMIT = 600
PACKAGE = Path(__file__).resolve().parents[1] / "govflow"


def test_no_module_is_over_600_lines():
    long = {str(path.relative_to(PACKAGE.parent)): n for path in PACKAGE.rglob("*.py")
            if (n := len(path.read_text().splitlines())) > LIMIT}
    assert not long, f"split these modules (over {LIMIT} lines): {long}"
