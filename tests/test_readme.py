"""The README starts with the two commands and documents every environment variable."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_starts_with_make_run_and_make_test():
    opening = README[:600]
    assert "make run" in opening and "make test" in opening
    assert opening.index("make run") < opening.index("make test")


def test_every_environment_variable_is_documented():
    source = (ROOT / "govflow" / "config.py").read_text(encoding="utf-8")
    source += (ROOT / "govflow" / "__init__.py").read_text(encoding="utf-8")
    names = set(re.findall(r'(?:env|environ)\.get\(\s*"([A-Z][A-Z0-9_]+)"', source))
    assert {"SECRET_KEY", "DATABASE_URL", "GOVFLOW_ENV", "GOVFLOW_INSTANCE_PATH"} <= names
    missing = sorted(name for name in names if f"`{name}`" not in README)
    assert missing == [], f"README's Configuration section does not mention {missing}"
