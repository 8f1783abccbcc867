"""The account page's new-token panel shows the token as code, whole, once."""

import re
from pathlib import Path

from govflow.accounts.auth import TOKEN_PREFIX


def test_a_new_token_is_shown_whole_as_code_not_as_markup_text(client, auth, people):
    auth.login(people["practitioner"].email)
    response = auth.post("/account/tokens", {"name": "Team dashboard import"},
                         form_page="/account")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    shown = re.search(r'<code class="gf-token">([^<]*)</code><br>Copy it now: it will not be '
                      r"shown again\.", html)
    assert shown, "the token is not in the panel as code"
    token = shown.group(1)
    assert token.startswith(TOKEN_PREFIX) and len(token) > len(TOKEN_PREFIX) + 40
    # The markup is markup, not text on the page.
    assert "&lt;code" not in html and "&lt;br&gt;" not in html
    # And the token shown is the one that works.
    api = client.get("/api/v1/items", headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 200


def test_the_tokens_table_is_a_named_region_keyboard_users_can_scroll(client, auth, people):
    """On a phone the table scrolls sideways inside its wrapper: the wrapper takes focus and
    is named, so it can be scrolled from the keyboard and screen readers say what it is."""
    auth.login(people["practitioner"].email)
    auth.post("/account/tokens", {"name": "Team dashboard import"}, form_page="/account")
    html = client.get("/account").get_data(as_text=True)
    assert ('<div class="gf-table-wrap" tabindex="0" role="region" aria-label="Your tokens">'
            in html)


def test_every_scrolling_table_in_the_templates_is_named():
    """The same for every table drawn by macros/tables.html's scroll_table: each call names
    its region (label=…)."""
    templates = Path(__file__).resolve().parents[2] / "templates"
    unnamed = [
        f"{path.relative_to(templates)}: {call.strip()[:80]}"
        for path in sorted(templates.rglob("*.html"))
        for call in re.findall(r"{%-?\s*call scroll_table\((.*?)\)\s*-?%}", path.read_text(), re.S)
        if "label=" not in call
    ]
    assert unnamed == []
