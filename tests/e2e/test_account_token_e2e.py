"""A new API token in a real browser: shown once, whole, as code inside its panel, on a
desktop and on a 320px phone; the markup around it is markup, not text."""

from __future__ import annotations

from tests.e2e.conftest import sign_in
from tests.support.browser import check_page


def test_a_new_token_is_shown_whole_inside_its_panel(page):
    sign_in(page, "practitioner")
    page.goto("/account")
    page.get_by_label("What the token is for").fill("Team dashboard import")
    page.get_by_role("button", name="Create token").click()
    panel = page.locator(".govuk-panel")
    token = panel.locator("code.gf-token")
    text = token.inner_text()
    assert text.startswith("gf_") and len(text) > 40
    assert "<code" not in panel.inner_text() and "<br>" not in panel.inner_text()
    assert "Copy it now: it will not be shown again." in panel.inner_text()
    check_page(page, "new API token")  # axe-clean, and no sideways scrolling at 320px
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 800})
        inside = page.evaluate(
            """() => {
                const code = document.querySelector('code.gf-token');
                const box = document.querySelector('.govuk-panel').getBoundingClientRect();
                const r = code.getBoundingClientRect();
                return r.left >= box.left - 0.5 && r.right <= box.right + 0.5;
            }""")
        assert inside, f"the token runs out of its panel at {width}px"
