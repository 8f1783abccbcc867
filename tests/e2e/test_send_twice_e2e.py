"""Sending a form twice in a real browser: raise a blocker, press Back, send the form again —
one blocker, and the page says the second send changed nothing. The same for a double click
on the button."""

from __future__ import annotations

from sqlalchemy import create_engine, text

from tests.e2e.conftest import sign_in

ALREADY_SENT = "This was already sent"


def _blockers_titled(served, title: str) -> int:
    engine = create_engine(served.database.url)
    with engine.connect() as conn:
        n = conn.execute(text("SELECT count(*) FROM items WHERE title = :t"), {"t": title}).scalar()
    engine.dispose()
    return n


def _fill_blocker(page, title: str) -> None:
    page.goto("/blockers/new")
    page.get_by_label("Title").fill(title)
    page.get_by_label("What is blocked").fill("The leisure centre's pool is closed to "
                                              "referred families on weekday mornings.")
    page.get_by_label("Area").select_option(label="Denaby")


def test_back_then_send_again_raises_one_blocker(page, served):
    title = "Referred families cannot swim on weekday mornings"
    sign_in(page, "practitioner")
    _fill_blocker(page, title)
    with page.expect_navigation():
        page.get_by_role("button", name="Raise blocker").click()
    assert page.get_by_role("heading", level=1).inner_text() == title
    item_url = page.url

    # Back: the browser fetches the form afresh and puts back what was typed.
    page.go_back()
    assert "/blockers/new" in page.url
    assert page.get_by_label("Title").input_value() == title
    with page.expect_navigation():
        page.get_by_role("button", name="Raise blocker").click()
    assert page.url == item_url
    assert ALREADY_SENT in page.inner_text("body")
    assert _blockers_titled(served, title) == 1


def test_back_then_changed_answers_are_a_new_blocker(page, served):
    """Going back to reuse the form for another blocker works: changed answers are a new
    submission."""
    title = "Referred families cannot use the sauna"
    sign_in(page, "practitioner")
    _fill_blocker(page, title)
    with page.expect_navigation():
        page.get_by_role("button", name="Raise blocker").click()
    first_url = page.url
    page.go_back()
    page.get_by_label("Title").fill(title + " or the steam room")
    with page.expect_navigation():
        page.get_by_role("button", name="Raise blocker").click()
    assert page.url != first_url
    assert ALREADY_SENT not in page.inner_text("body")
    assert _blockers_titled(served, title) == 1
    assert _blockers_titled(served, title + " or the steam room") == 1


def test_a_double_click_raises_one_blocker(page, served):
    title = "Referred families cannot use the gym before noon"
    sign_in(page, "practitioner")
    _fill_blocker(page, title)
    page.get_by_role("button", name="Raise blocker").dblclick()
    page.wait_for_load_state()
    page.wait_for_url("**/items/*")
    assert _blockers_titled(served, title) == 1
