"""The role guides' screenshots: each demo person signs in to a real chromium, visits the pages
their guide shows and saves them as PNGs (1280 px wide, reduced to a small palette so the
committed files stay small). Each page must answer with a page a person can use (a heading,
no error page) before it is saved.

An ordinary run (the suite, CI) saves them in a temporary folder and leaves docs/images/
alone: the pages carry the moment they were taken, so every run would change them. After
changing a page a guide shows, write them into the docs and commit the PNGs that changed:

    GOVFLOW_DOCS_SCREENSHOTS=write .venv/bin/pytest tests/e2e/test_docs_screenshots_e2e.py
"""

from __future__ import annotations

import functools
import io
import os
import re
import tempfile
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.e2e.conftest import sign_in

ROOT = Path(__file__).resolve().parents[2]
DOCS_IMAGES = ROOT / "docs" / "images"
WIDTH, HEIGHT = 1280, 900
MAX_HEIGHT = 1500  # the top of a long page: what the guide points at is near it
ERROR_HEADINGS = ("Page not found", "Sorry, there is a problem", "You cannot", "Forbidden")


@functools.cache
def images() -> Path:
    """Where the screenshots go: docs/images/ when asked to write them, else a temporary
    folder (see the module's docstring)."""
    if os.environ.get("GOVFLOW_DOCS_SCREENSHOTS") == "write":
        return DOCS_IMAGES
    return Path(tempfile.mkdtemp(prefix="govflow-docs-images-"))


@pytest.fixture
def wide_page(browser, served):
    """A 1280 px wide window (the guides' width), its own cookies for each person."""
    context = browser.new_context(base_url=served.base_url,
                                  viewport={"width": WIDTH, "height": HEIGHT})
    context.set_default_timeout(15_000)
    pg = context.new_page()
    yield pg
    context.close()


def save(page, name: str) -> Path:
    """The page, from its top and at most MAX_HEIGHT px tall, as a PNG of at most 128 colours
    (a GOV.UK page has few)."""
    from PIL import Image

    height = min(page.evaluate("document.documentElement.scrollHeight"), MAX_HEIGHT)
    raw = page.screenshot(full_page=True, clip={"x": 0, "y": 0, "width": WIDTH, "height": height})
    image = Image.open(io.BytesIO(raw)).convert("RGB")
    assert image.width == WIDTH, f"{name}: {image.width} px wide"
    path = images() / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    image.quantize(colors=128).save(path, optimize=True)
    return path


def visit(page, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, f"{url}: {response and response.status}"
    heading = page.get_by_role("heading", level=1).first.inner_text().strip()
    assert heading and not heading.startswith(ERROR_HEADINGS), f"{url}: {heading!r}"


def shoot(page, url: str, name: str) -> None:
    visit(page, url)
    save(page, name)


def first_link(page, url: str, pattern: str) -> str:
    """The first link in the page's main content whose address matches `pattern`."""
    visit(page, url)
    for href in page.locator("main a[href]").evaluate_all("els => els.map(e => e.getAttribute('href'))"):
        if re.fullmatch(pattern, href.split("?")[0].split("#")[0]):
            return href
    raise AssertionError(f"no link matching {pattern} on {url}")


ITEM = r"/items/\d+"
MEETING = r"/meetings/\d+"


# The queue and the first item on it, where the people who decide start.
QUEUE = [("/queue", "queue"), (("/queue", ITEM), "item")]

# Each guide's pages, in the order its person visits them: an address, or (a page, the
# pattern of the first link on it to follow), and the name its screenshot is saved under
# after the person's (practitioner-home, head-of-service-queue).
GUIDES = {
    "practitioner": [
        ("/", "home"),
        ("/raise", "raise"),
        ("/blockers/new", "raise-blocker"),
        ("/ideas/new", "propose-idea"),
        ("/items/mine", "my-items"),
        (("/items/mine", ITEM), "item"),
        ("/inbox", "inbox"),
    ],
    "facilitator": [*QUEUE, ("/areas/denaby", "area")],
    "sponsor": [
        ("/sponsor", "what-needs-you"),
        ("/areas/denaby", "area"),
        ("/actions?area=denaby", "actions"),
        ("/actions/new", "record-action"),
    ],
    "head_of_service": [*QUEUE, ("/decisions", "decision-log")],
    "executive": [*QUEUE, ("/dashboard", "dashboard"), ("/how-it-works", "how-it-works")],
    "admin": [
        ("/admin/", "home"),
        ("/admin/people", "people"),
        ("/admin/people/new", "add-person"),
        ("/admin/areas", "areas"),
    ],
}


@pytest.mark.parametrize("person", GUIDES)
def test_guide_screenshots(wide_page, person):
    sign_in(wide_page, person)
    for where, name in GUIDES[person]:
        url = first_link(wide_page, *where) if isinstance(where, tuple) else where
        shoot(wide_page, url, f"{person.replace('_', '-')}-{name}")


def test_forum_secretary_and_chair_guide_screenshots(wide_page, browser, served):
    page = wide_page
    sign_in(page, "secretary")
    shoot(page, "/forums", "secretary-forums")
    shoot(page, "/forums/central-forum", "secretary-forum")
    shoot(page, first_link(page, "/forums/central-forum", MEETING), "secretary-approved-minutes")

    # Schedule the next meeting: govflow builds its agenda.
    shoot(page, "/forums/central-forum/meetings/new", "secretary-schedule-meeting")
    next_month = date.today() + timedelta(days=28)
    page.get_by_label("Day", exact=True).fill(str(next_month.day))
    page.get_by_label("Month", exact=True).fill(str(next_month.month))
    page.get_by_label("Year", exact=True).fill(str(next_month.year))
    page.get_by_label("Start time", exact=True).fill("10am")
    page.get_by_label("End time (optional)", exact=True).fill("12pm")
    page.get_by_label("Place", exact=True).fill("Civic Office, Waterdale (committee room)")
    chair = page.get_by_label("Chair", exact=True)  # "Katherine Ward · Chair, … · …"
    chair.select_option(
        value=chair.locator("option", has_text="Katherine Ward ·").get_attribute("value"))
    with page.expect_navigation():
        page.get_by_role("button", name="Save meeting").click()
    meeting = re.search(r"/meetings/\d+", page.url)
    assert meeting, f"scheduling a meeting ended on {page.url}"
    shoot(page, meeting.group(0), "secretary-meeting")
    shoot(page, f"{meeting.group(0)}/agenda", "secretary-agenda")
    shoot(page, "/forums/decision-log", "secretary-decision-log")

    # The chair approves the minutes: the Denaby conversation club's draft, as its chair.
    chair = browser.new_context(base_url=served.base_url, viewport={"width": WIDTH, "height": HEIGHT})
    try:
        chair_page = chair.new_page()
        sign_in(chair_page, "lorraine.hebden@denaby-cafe.example")
        # The club meets weekly: its planned meetings come first, the one with draft
        # minutes is the first of its past meetings.
        visit(chair_page, "/forums/denaby-conversation-club")
        draft = chair_page.locator(
            "xpath=//h2[normalize-space()='Past meetings']/following::a"
            "[contains(@href, '/meetings/')][1]").get_attribute("href")
        shoot(chair_page, draft, "chair-meeting-draft-minutes")
        shoot(chair_page, f"{draft}/approve", "chair-approve-minutes")
    finally:
        chair.close()
