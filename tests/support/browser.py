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


def open_and_check(page, path: str, what: str) -> None:
    """Go to `path` and give the page the checks every journey page gets."""
    page.goto(path)
    check_page(page, what)


# JS: does the focused element have this accessible name (label, text or value)?
_FOCUSED_IS = """(want) => {
  const e = document.activeElement;
  if (!e || e === document.body) return false;
  if (want.tag && !want.tag.split(',').includes(e.tagName.toLowerCase())) return false;
  let name = '';
  if (e.labels && e.labels.length) name = e.labels[0].innerText;
  else if (e.getAttribute('aria-labelledby')) name = e.getAttribute('aria-labelledby')
      .split(' ').map(id => (document.getElementById(id) || {}).innerText || '').join(' ');
  else name = e.innerText || e.value || e.getAttribute('aria-label') || '';
  name = name.trim().replace(/\\s+/g, ' ');
  return want.exact ? name === want.name : name.includes(want.name);
}"""


class Person:
    """Does what a person does on a page, by labels and roles: with a pointer, or with the
    keyboard alone (Tab to the thing by its name, then type, Space or Enter)."""

    def __init__(self, page, *, keyboard: bool = False):
        self.page = page
        self.keyboard = keyboard

    def _tab_to(self, name: str, tag: str | None = None, exact: bool = False,
                max_tabs: int = 200) -> None:
        want = {"name": name, "tag": tag, "exact": exact}
        if self.page.evaluate(_FOCUSED_IS, want):
            return
        for _ in range(max_tabs):
            self.page.keyboard.press("Tab")
            if self.page.evaluate(_FOCUSED_IS, want):
                return
        raise AssertionError(f"could not reach {name!r} with the Tab key on {self.page.url}")

    def start_at_top(self) -> None:
        """Focus returns to the top of the page, as after following a link."""
        self.page.evaluate("document.activeElement && document.activeElement.blur()")

    def follow(self, link: str, exact: bool = False) -> None:
        with self.page.expect_navigation():
            if self.keyboard:
                self.start_at_top()
                self._tab_to(link, "a", exact)
                self.page.keyboard.press("Enter")
            else:
                # GOV.UK's link-styled-as-button has the button role.
                self.page.get_by_role("link", name=link, exact=exact).or_(
                    self.page.get_by_role("button", name=link, exact=exact)).first.click()

    def fill(self, label: str, text: str) -> None:
        if self.keyboard:
            self._tab_to(label, "input,textarea")
            self.page.keyboard.press("Control+A")
            self.page.keyboard.type(text)
        else:
            self.page.get_by_label(label).first.fill(text)

    def choose(self, label: str, option: str) -> None:
        """Pick an option from a select box."""
        if self.keyboard:
            self._tab_to(label, "select")
            self.page.keyboard.type(option)
            chosen = self.page.evaluate("document.activeElement.selectedOptions[0].text")
            assert option in chosen, f"typing {option!r} chose {chosen!r}"
        else:
            # An option's text may say more than its name: people are listed as
            # "Katherine Ward · Chair, … · …", which the keyboard path also finds by typing.
            select = self.page.get_by_label(label)
            options = select.locator("option")
            texts = options.all_inner_texts()
            match = next((i for i, t in enumerate(texts) if t.strip() == option), None)
            if match is None:
                match = next(i for i, t in enumerate(texts) if t.strip().startswith(option))
            select.select_option(index=match)

    def tick(self, label: str) -> None:
        """Check a radio button or checkbox."""
        if self.keyboard:
            target = self.page.get_by_label(label, exact=True)
            if target.get_attribute("type") == "radio":
                # A radio group is one Tab stop; the arrow keys move between its options.
                group = target.get_attribute("name")
                for _ in range(200):
                    self.page.keyboard.press("Tab")
                    if self.page.evaluate("(n) => document.activeElement.name === n", group):
                        break
                for _ in range(20):
                    if self.page.evaluate(_FOCUSED_IS, {"name": label, "tag": "input"}):
                        break
                    self.page.keyboard.press("ArrowDown")
            else:
                self._tab_to(label, "input")
            if not self.page.evaluate("document.activeElement.checked"):
                self.page.keyboard.press("Space")
            assert self.page.evaluate(_FOCUSED_IS, {"name": label, "tag": "input"}), label
        else:
            self.page.get_by_label(label, exact=True).check()

    def press(self, button: str) -> None:
        """Press a button that sends a form (and wait for the next page)."""
        with self.page.expect_navigation():
            if self.keyboard:
                self._tab_to(button, "button,input", exact=True)
                self.page.keyboard.press("Enter")
            else:
                self.page.get_by_role("button", name=button, exact=True).click()

    def heading(self) -> str:
        return self.page.get_by_role("heading", level=1).inner_text().strip()

    def sees(self, text: str) -> bool:
        return text in self.page.locator("main").inner_text()
