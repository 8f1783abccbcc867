"""People pickers show each person's roles and organisation, not a bare name: the meeting's
chair (the forum's members) and a sponsor action's owner."""

from __future__ import annotations

import html
import re

from govflow.accounts.pickers import person_label


def _options(page: str, select_id: str) -> list[str]:
    block = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', page, re.S)
    assert block, f"no select #{select_id}"
    return [html.unescape(" ".join(o.split())) for o in re.findall(r"<option[^>]*>(.*?)</option>",
                                                   block.group(1), re.S)]


def test_the_chair_is_chosen_from_members_shown_with_role_and_organisation(client, auth,
                                                                         people):
    auth.login("joanne.kilner@dcst.example")  # the central forum's secretary
    page = client.get("/forums/central-forum/meetings/new").get_data(as_text=True)
    chairs = _options(page, "chair")
    assert chairs[0] == "Choose the chair"
    katherine = people["katherine.ward@dcst.example"]
    assert person_label(katherine) in chairs
    assert person_label(katherine).startswith("Katherine Ward · ")
    # Every member is shown with what they do and where, never as a bare name.
    assert all(" · " in c for c in chairs[1:])


def test_a_person_label_names_roles_areas_and_organisation(people):
    rachel = people["rachel.dunn@dmbc.example"]  # Denaby's facilitator
    label = person_label(rachel)
    assert label.startswith("Rachel Dunn · ")
    assert "Facilitator, Denaby" in label
    assert label.endswith(f" · {rachel.organisation.name}")


def test_a_sponsor_action_owner_is_shown_with_role_and_organisation(client, auth, people):
    auth.login("simon.adeyemi@dmbc.example")  # Denaby's sponsor
    page = client.get("/actions/new").get_data(as_text=True)
    owners = _options(page, "owner")
    assert owners[0] == "The sponsor"
    assert person_label(people["rachel.dunn@dmbc.example"]) in owners
