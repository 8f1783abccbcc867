"""The account page's new-token panel shows the token as code, whole, once."""

import re

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
