"""Real headless Debian chromium for the browser journeys, and the checks every page gets:
axe-core (WCAG 2.2 A/AA) and no sideways scrolling at 320 px."""

from __future__ import annotations

import os
from pathlib import Path

CHROMIUM = os.environ.get("GOVFLOW_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# Never let Playwright fetch a browser of its own.
os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")


def chromium_available() -> bool:
    return Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


def axe_violations(page) -> list[dict]:
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    results = Axe().run(page, options=options)
    return results.response.get("violations", [])


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v.get('impact')}): {v['help']}  [{v.get('helpUrl', '')}]")
        for node in v.get("nodes", [])[:5]:
            target = " ".join(str(t) for t in node.get("target", []))
            lines.append(f"    at {target}: {node.get('failureSummary', '').splitlines()[-1:]}")
            lines.append(f"       {node.get('html', '')[:160]}")
    return "\n".join(lines)


def assert_accessible(page, what: str = "") -> None:
    """Fail with a readable list when axe finds WCAG 2.2 A/AA violations on the page."""
    violations = axe_violations(page)
    if violations:
        where = what or page.url
        raise AssertionError(
            f"{len(violations)} accessibility violation(s) on {where}:\n"
            + describe_violations(violations)
        )


def assert_fits_320(page, what: str = "") -> None:
    """At 320 CSS pixels wide the page must not scroll sideways (WCAG 1.4.10 reflow)."""
    before = page.viewport_size
    page.set_viewport_size({"width": 320, "height": 640})
    try:
        width = page.evaluate("document.scrollingElement.scrollWidth")
        if width > 320:
            wide = page.evaluate(
                """() => [...document.querySelectorAll('body *')]
                    .filter(e => e.getBoundingClientRect().right > 321)
                    .slice(0, 5)
                    .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                         + (e.className && typeof e.className === 'string'
                            ? '.' + e.className.trim().split(/\\s+/).join('.') : ''))"""
            )
            raise AssertionError(
                f"{what or page.url} scrolls sideways at 320px (scrollWidth {width}); "
                f"widest elements: {wide}"
            )
    finally:
        if before:
            page.set_viewport_size(before)


def check_page(page, what: str = "") -> None:
    """Everything each journey page must pass: axe at desktop width, then reflow at 320px."""
    assert_accessible(page, what)
    assert_fits_320(page, what)
