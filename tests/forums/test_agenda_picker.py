"""The agenda's item picker: open blockers and ideas chosen from a list (title, area, tier)
found by words, instead of typed numbers; a plain form, so it works without JavaScript."""

from __future__ import annotations

import re

from govflow.items import services
from tests.support.meetings import plan_central_meeting


def _meeting(people):
    return plan_central_meeting(people["joanne.kilner@dcst.example"],
                                people["katherine.ward@dcst.example"])


def _choices(page: str) -> list[str]:
    return [" ".join(m.split()) for m in re.findall(
        r'<label class="govuk-label govuk-radios__label" for="item_number[^"]*">(.*?)</label>',
        page, re.S)]


def test_the_secretary_finds_an_item_by_its_words_and_adds_it(client, auth, people):
    priya = people["priya.shah@dcst.example"]
    item = services.raise_blocker(priya, title="Quorndale hall keys held by one caretaker",
                                  description="Evening groups wait outside.", area="denaby",
                                  organisation="dcst")
    meeting = _meeting(people)
    agenda = f"/meetings/{meeting.id}/agenda"
    auth.login("joanne.kilner@dcst.example")
    page = client.get(f"{agenda}?find=quorndale+keys").get_data(as_text=True)
    assert _choices(page) == [f"Blocker {item.id}: Quorndale hall keys held by one caretaker"]
    assert ('<div id="item_number-1-hint" class="govuk-hint govuk-radios__hint">Denaby · '
            "Bronze · ") in page
    assert 'legend--s">Blockers and ideas matching “quorndale keys”</legend>' in page

    response = auth.post(f"{agenda}/items", {"item_number": str(item.id)}, form_page=agenda)
    assert response.status_code == 302
    page = client.get(f"{agenda}?find=quorndale").get_data(as_text=True)
    # On the agenda now, so no longer offered.
    assert _choices(page) == []
    assert "No open blocker or idea that is not on the agenda yet matches “quorndale”." in page


def test_with_no_words_the_most_recently_active_open_items_are_offered(client, auth, people):
    meeting = _meeting(people)
    auth.login("joanne.kilner@dcst.example")
    page = client.get(f"/meetings/{meeting.id}/agenda").get_data(as_text=True)
    choices = _choices(page)
    assert 0 < len(choices) <= 25
    assert all(re.match(r"(Blocker|Idea) \d+: ", c) for c in choices)
    assert '<label class="govuk-label govuk-label--s" for="find">Find a blocker or idea</label>' in page


def test_choosing_nothing_says_so_beside_the_list(client, auth, people):
    meeting = _meeting(people)
    agenda = f"/meetings/{meeting.id}/agenda"
    auth.login("joanne.kilner@dcst.example")
    response = auth.post(f"{agenda}/items", {}, form_page=agenda)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert ('<p id="item_number-error" class="govuk-error-message"><span '
            'class="govuk-visually-hidden">Error:</span> Choose a blocker or idea to add</p>') in page
