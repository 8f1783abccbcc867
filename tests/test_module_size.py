"""Modules a newcomer can read: none under govflow/ is over 600 lines and no function is over
80 (issue 19). A module that grows past it is split by what it is about, as
govflow/permissions/ was."""

from __future__ import annotations

import ast
from pathlib import Path

LIMIT = 600
PACKAGE = Path(__file__).resolve().parents[1] / "govflow"


def test_no_module_is_over_600_lines():
    long = {str(path.relative_to(PACKAGE.parent)): n for path in PACKAGE.rglob("*.py")
            if (n := len(path.read_text().splitlines())) > LIMIT}
    assert not long, f"split these modules (over {LIMIT} lines): {long}"


FUNCTION_LIMIT = 80


def test_no_function_is_over_80_lines():
    """A function a newcomer can read in one screen; a longer one is split into named steps
    (issue 19)."""
    long = {}
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines = node.end_lineno - node.lineno + 1
                if lines > FUNCTION_LIMIT:
                    long[f"{path.relative_to(PACKAGE.parent)}:{node.name}"] = lines
    assert not long, f"split these functions (over {FUNCTION_LIMIT} lines): {long}"
