"""Browser fixtures: govflow under gunicorn on 127.0.0.1 with its own demo-seeded database,
and Debian's headless chromium driven by Playwright (never a downloaded browser)."""

from __future__ import annotations

import os
import re
import subprocess

import pytest

from tests.support.browser import Person, check_page, chromium_available, launch
from tests.support.served import ROOT, serve_fresh

DEMO_PASSWORD = os.environ.get("GOVFLOW_DEMO_PASSWORD", "demo-password-2026")


def pytest_collection_modifyitems(config, items):
    here = os.path.dirname(__file__)
    # The journeys test pages, not the database: CI runs them once, in the SQLite pass, to
    # stay within its time budget. GOVFLOW_E2E_POSTGRES=1 runs them on PostgreSQL too.
    on_postgres = (os.environ.get("GOVFLOW_TEST_DATABASE_URL", "").startswith("postgres")
                   and os.environ.get("GOVFLOW_E2E_POSTGRES") != "1")
    skip = pytest.mark.skip(reason="browser journeys run in the SQLite pass "
                                   "(GOVFLOW_E2E_POSTGRES=1 runs them here too)")
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(pytest.mark.e2e)
            if on_postgres:
                item.add_marker(skip)


@pytest.fixture(scope="session")
def served():
    """One gunicorn for the browser tests, stopped (and its database dropped) at the end."""
    # A stylesheet older than the SCSS makes layout checks fail for no reason in the code:
    # rebuild first (build-assets does nothing when the outputs are up to date).
    build = subprocess.run([str(ROOT / "scripts" / "build-assets")], cwd=ROOT,
                           capture_output=True, text=True, timeout=300, check=False)
    if build.returncode != 0:
        pytest.fail(f"scripts/build-assets failed:\n{build.stdout}\n{build.stderr}")
    database, server = serve_fresh(os.environ.get("GOVFLOW_TEST_DATABASE_URL"))
    try:
        yield server
    finally:
        server.stop()
        database.drop()


@pytest.fixture(scope="session")
def browser():
    if not chromium_available():
        pytest.skip("Debian's chromium is not installed (make e2e-deps installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


@pytest.fixture
def page(browser, served):
    context = browser.new_context(base_url=served.base_url,
                                  viewport={"width": 1024, "height": 768})
    context.set_default_timeout(10_000)
    pg = context.new_page()
    # Anything the CSP blocks (an inline script or style without the nonce) is a bug a
    # person would notice as a broken page: collect and fail on it.
    blocked = []
    pg.on("console", lambda m: blocked.append(f"{pg.url}: {m.text}")
          if "Content Security Policy" in m.text else None)
    yield pg
    context.close()
    assert not blocked, "the Content-Security-Policy blocked something:\n" + "\n".join(blocked)


@pytest.fixture(params=[False, True], ids=["pointer", "keyboard"])
def keyboard(request) -> bool:
    """A journey asking for it runs twice: with the pointer, and with the keyboard alone."""
    return request.param


@pytest.fixture
def check(page, keyboard):
    """check(what): axe and 320px on the page now open. The pages are the same either way,
    so they are scanned in the pointer run only."""
    def check(what: str) -> None:
        if not keyboard:
            check_page(page, what)
    return check


def demo_email(role: str) -> str:
    from govflow.seeding import demo_sign_ins

    return next(email for r, email, _ in demo_sign_ins() if r == role)


def sign_in(page, role_or_email: str, *, keyboard: bool = False) -> None:
    """Sign in through the form the way a person does: by the fields' labels."""
    email = role_or_email if "@" in role_or_email else demo_email(role_or_email)
    page.goto("/sign-in")
    if keyboard:
        # Tab from the top of the page to the email field, type, tab on, press Enter.
        page.keyboard.press("Tab")
        for _ in range(40):
            if page.evaluate("document.activeElement && document.activeElement.id") == "email":
                break
            page.keyboard.press("Tab")
        page.keyboard.type(email)
        page.keyboard.press("Tab")
        page.keyboard.type(DEMO_PASSWORD)
        with page.expect_navigation():
            page.keyboard.press("Enter")
    else:
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="Sign in").click()
    assert not re.search(r"/sign-in", page.url), f"sign-in failed for {email}: {page.url}"


def as_person(page, role_or_email: str, keyboard: bool = False) -> Person:
    """A fresh sign-in (the cookies of whoever came before are cleared) as a Person."""
    page.context.clear_cookies()
    sign_in(page, role_or_email, keyboard=keyboard)
    return Person(page, keyboard=keyboard)


def start_raising(person: Person, kind: str, check=None) -> None:
    """`person` follows Raise, chooses `kind` ("A blocker", "A new idea") and continues to
    its form; check(what), if given, scans the choice page."""
    person.follow("Raise", exact=True)
    if check:
        check("what do you want to raise")
    person.tick(kind)
    person.press("Continue")


def raise_blocker_by_form(person: Person, title: str, what_is_blocked: str, check=None) -> None:
    """`person` raises a Denaby blocker with the trust through Raise's forms, as a person does,
    and lands on its page; check(what), if given, scans each page on the way."""
    check = check or (lambda what: None)
    start_raising(person, "A blocker", check)
    assert person.heading() == "Raise a blocker"
    check("raise a blocker")
    person.fill("Title", title)
    person.fill("What is blocked", what_is_blocked)
    person.choose("Area", "Denaby")
    person.choose("Organisation or service it sits with", "Doncaster Children's Services Trust")
    person.press("Raise blocker")
    assert person.heading() == title
