"""The access policy in a real browser: learning travels between areas, acting does not, and
a restricted item is nowhere for anyone else and its link explains itself."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

from tests.e2e.conftest import as_person
from tests.support.browser import Person, check_page

UNBLOCKED_DENABY = "Community groups cannot book family hub rooms"


def _open_item(page, title_start: str) -> str:
    page.goto("/decisions")
    page.get_by_role("link", name=re.compile(re.escape(title_start))).first.click()
    return page.url


def test_a_hexthorpe_practitioner_reads_how_denaby_unblocked_a_blocker(page):
    liam = as_person(page, "liam.fletcher@hexthorpe-park-friends.example")
    page.goto("/decisions")
    assert liam.sees(UNBLOCKED_DENABY)
    page.get_by_role("link", name=re.compile(re.escape(UNBLOCKED_DENABY))).first.click()
    check_page(page, "another area's decision")
    if "/decisions/" in page.url:  # the decision's page links to its item
        page.get_by_role("link", name=re.compile(re.escape(UNBLOCKED_DENABY))).first.click()
    assert liam.heading().startswith(UNBLOCKED_DENABY)
    assert liam.sees("Unblocked")
    assert liam.sees("Everyone in the partnership")
    assert liam.sees("There is nothing for you to do on this blocker now")
    assert page.locator(".gf-actions").count() == 0
    assert page.locator("a[href*='/actions/']").count() == 0
    check_page(page, "another area's unblocked blocker")


def test_a_restricted_item_is_nowhere_for_another_practitioner(page, served):
    title = "Zephyrine rota clash at the Balby hub"
    # Ryan, a Balby practitioner, raises a blocker and restricts it.
    ryan = as_person(page, "ryan.cooper@syp.example")
    page.goto("/blockers/new")
    ryan.fill("Title", title)
    ryan.fill("What is blocked", "Two services book the same room; a staff matter to settle.")
    ryan.choose("Area", "Balby")
    ryan.press("Raise blocker")
    assert ryan.heading() == title
    item_url = page.url
    item_id = item_url.rstrip("/").rsplit("/", 1)[-1]
    ryan.follow("Restrict it")
    check_page(page, "restrict form")
    ryan.press("Restrict it")
    assert ryan.sees("Give a reason")  # no reason: nothing changes
    ryan.fill("Reason", "A staff matter between two services")
    ryan.press("Restrict it")
    assert ryan.sees("only the people involved can see it now")
    assert ryan.sees("Restricted to the people involved")

    # Liam, a Hexthorpe practitioner, finds it nowhere.
    as_person(page, "liam.fletcher@hexthorpe-park-friends.example")
    for path in ("/items/mine", "/queue", f"/items/similar?title={title}", "/decisions",
                 "/areas/balby", "/dashboard", "/inbox", "/api/v1/items?q=Zephyrine",
                 f"/api/v1/items/similar?title={title}"):
        page.goto(path)
        content = page.content()
        if "?" in path:  # a search shows the words searched for: judge it by its links
            assert not re.search(rf"/items/{item_id}(?!\d)", content), path
        else:
            assert "Zephyrine" not in content, path
    for path in ("/decisions/export.csv", "/dashboard/items.csv", "/forums/decision-log.pdf"):
        response = page.request.get(served.base_url + path)
        body = response.body()
        if body[:5] == b"%PDF-":
            body = "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(body)).pages)
        else:
            body = body.decode("utf-8", "replace")
        assert "Zephyrine" not in body, path
    api = page.request.get(f"{served.base_url}/api/v1/items/{item_id}")
    assert api.status == 403 and api.json()["error"] == "restricted"

    # Following its link explains itself, and names whom to ask.
    response = page.goto(item_url)
    assert response.status == 403
    liam = Person(page)
    assert liam.heading() == "This item is restricted"
    assert liam.sees("Megan Lloyd")
    assert "Zephyrine" not in page.content()
    check_page(page, "a restricted item's link")
