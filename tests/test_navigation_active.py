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


def _menu(html: str) -> list[str]:
    return re.findall(r'<li class="govuk-service-navigation__item[^"]*">\s*<a[^>]*>\s*'
                      r'(?:<strong[^>]*>)?\s*([^<]+?)\s*<', html)


def test_each_person_sees_their_own_menu_on_the_same_page(auth, client, people):
    # The menu is worked out once per page and roles: one person's must never reach another.
    menus = {}
    for who in ("admin", "practitioner", "sponsor", "admin"):
        auth.login(people[who].email)
        menus.setdefault(who, []).append(_menu(client.get("/queue").get_data(as_text=True)))
        auth.logout()
    assert menus["admin"][0] == menus["admin"][1]
    assert "Admin" in menus["admin"][0] and "Sponsor actions" in menus["admin"][0]
    assert "Admin" not in menus["practitioner"][0]
    assert "Sponsor actions" not in menus["practitioner"][0]
    assert "Sponsor actions" in menus["sponsor"][0] and "Admin" not in menus["sponsor"][0]
