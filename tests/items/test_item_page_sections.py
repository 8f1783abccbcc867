"""The item page asks once what the other features' sections (following, agreements,
referrals, sponsor actions, attachments) have to show; each section loads its rows only when
it has some. (That each section shows its rows is tested with each feature.)"""

from __future__ import annotations

from govflow.extensions import db
from govflow.follows import queries as follows
from govflow.items import services
from tests.support.statements import recorded_statements

SECTION_TABLES = ("follows", "agreements", "referrals", "sponsor_actions", "attachments")


def _asking_about_sections(statements: list[str]) -> list[str]:
    return [s for s in statements
            if any(f"FROM {table}" in " ".join(s.split()) for table in SECTION_TABLES)]


def test_an_item_with_nothing_in_its_sections_asks_once_for_all_of_them(client, auth, people):
    item = services.raise_blocker(people["practitioner"], title="Kiwi: no rooms on Fridays",
                                  area="denaby", description="The hall is shut on Fridays.")
    db.session.commit()
    auth.login(people["facilitator"].email)
    client.get(f"/items/{item.id}")
    with recorded_statements() as run:
        response = client.get(f"/items/{item.id}")
    assert response.status_code == 200
    assert len(_asking_about_sections(run)) == 1, run
    page = response.get_data(as_text=True)
    assert ">Follow<" in page and "Stop following" not in page


def test_a_followed_item_says_so_and_loads_nothing_more(client, auth, people):
    item = services.raise_blocker(people["practitioner"], title="Kiwi: no rooms on Saturdays",
                                  area="denaby", description="The hall is shut on Saturdays.")
    follows.follow(people["practitioner"].id, "item", item.id)
    db.session.commit()
    auth.login(people["practitioner"].email)
    client.get(f"/items/{item.id}")
    with recorded_statements() as run:
        page = client.get(f"/items/{item.id}").get_data(as_text=True)
    assert "Stop following" in page
    assert len(_asking_about_sections(run)) == 1, run
