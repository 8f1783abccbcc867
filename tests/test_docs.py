"""The README opens with the two commands and stays short; the docs site builds with --strict
and the operator's guide documents every environment variable the app reads."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
# The operator's guide: the configuration reference and the deployment page.
OPERATORS_GUIDE = ("configuration.md", "operations.md")


def test_readme_starts_with_make_run_and_make_test():
    opening = README[:600]
    assert "make run" in opening and "make test" in opening
    assert opening.index("make run") < opening.index("make test")


def test_readme_is_short_and_points_to_the_docs():
    assert len(README.encode("utf-8")) < 12 * 1024, "keep the README under 12 KB: move detail to docs/"
    assert "demo-password-2026" in README
    for page in re.findall(r"\]\((docs/[^)#]+)", README):
        assert (ROOT / page).is_file(), f"the README links to {page}, which does not exist"


def test_every_environment_variable_is_in_the_operators_guide():
    source = (ROOT / "govflow" / "config.py").read_text(encoding="utf-8")
    source += (ROOT / "govflow" / "__init__.py").read_text(encoding="utf-8")
    names = set(re.findall(r'(?:env|environ)\.get\(\s*"([A-Z][A-Z0-9_]+)"', source))
    assert {"SECRET_KEY", "DATABASE_URL", "GOVFLOW_ENV", "GOVFLOW_INSTANCE_PATH"} <= names
    guide = "".join((ROOT / "docs" / page).read_text(encoding="utf-8") for page in OPERATORS_GUIDE)
    missing = sorted(name for name in names if f"`{name}`" not in guide)
    assert missing == [], f"docs/configuration.md does not document {missing}"


def test_the_docs_site_builds_with_strict(tmp_path):
    """What `make docs` and CI run: a broken link or a nav entry without its page fails here
    rather than in CI after landing."""
    mkdocs = Path(sys.executable).with_name("mkdocs")
    command = [str(mkdocs)] if mkdocs.exists() else [shutil.which("mkdocs") or "mkdocs"]
    result = subprocess.run(
        [*command, "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stdout}\n{result.stderr}"
    assert (tmp_path / "site" / "index.html").is_file()
    assert (tmp_path / "site" / "operations" / "index.html").is_file()


GUIDES = ("practitioner", "facilitator", "sponsor", "head-of-service", "executive",
          "forum-secretary-and-chair", "admin")


def test_every_role_guide_shows_its_screenshots():
    """Each role's guide shows the pages it describes, as the browser tests saved them
    (tests/e2e/test_docs_screenshots_e2e.py); every committed picture is used somewhere."""
    used = set()
    for guide in GUIDES:
        text = (ROOT / "docs" / "guides" / f"{guide}.md").read_text(encoding="utf-8")
        pictures = re.findall(r"!\[[^\]]+\]\(\.\./images/([a-z0-9-]+\.png)\)", text)
        assert len(pictures) >= 3, f"the {guide} guide shows {len(pictures)} screenshots"
        for name in pictures:
            assert (ROOT / "docs" / "images" / name).is_file(), f"{guide}: {name} is missing"
        used.update(pictures)
    committed = {p.name for p in (ROOT / "docs" / "images").glob("*.png")}
    assert committed - used == set(), f"pictures no guide shows: {sorted(committed - used)}"


def test_screenshots_are_1280_pixels_wide_and_small():
    from PIL import Image

    for path in sorted((ROOT / "docs" / "images").glob("*.png")):
        with Image.open(path) as image:
            assert image.width == 1280, f"{path.name} is {image.width} px wide"
        assert path.stat().st_size < 150_000, f"{path.name} is {path.stat().st_size} bytes"


def test_every_govflow_command_is_in_the_command_reference(app):
    """docs/cli.md lists every `govflow` command an operator can run (Flask's own aside)."""
    import click

    def commands(group, prefix):
        for name, command in group.commands.items():
            if isinstance(command, click.Group):
                yield from commands(command, f"{prefix} {name}")
            else:
                yield f"{prefix} {name}"

    reference = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    flasks_own = {"govflow run", "govflow routes", "govflow shell"}
    missing = sorted(c for c in commands(app.cli, "govflow")
                     if c not in flasks_own and f"`{c}" not in reference)
    assert missing == [], f"docs/cli.md does not describe {missing}"
