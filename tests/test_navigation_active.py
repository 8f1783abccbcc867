"""The menu marks exactly one entry as where the person is."""

import re


def _active(html: str) -> list[str]:
    found = re.findall(
        r'<li class="govuk-service-navigation__item govuk-service-navigation__item--active">'
        r'\s*<a[^>]*>\s*(?:<strong[^>]*>)?\s*([^<]+?)\s*<', html)
    return found


def test_queue_marks_only_queue(auth, client, people):
    auth.login(people["facilitator"].email)
    assert _active(client.get("/queue").get_data(as_text=True)) == ["Queue"]
    assert _active(client.get("/items/mine").get_data(as_text=True)) == ["My items"]
