"""Proposing an idea through the web form: the tier that decides, by when, and no lost input."""

from __future__ import annotations

import re

from sqlalchemy import select

from govflow.extensions import db
from govflow.items.models import Item

FORM = {
    "title": "Library homework club",
    "description": "A weekly homework club run by volunteers at the library.",
    "outcomes": ["reach-full-potential", "self-reliant-confident"],
    "why": "Children get help and a quiet place to work after school.",
    "area": "denaby",
    "who_involved": "Library staff and two school volunteers",
    "funding_asked": "£300",
    "support_needed": "The library's meeting room on Tuesdays",
}


def test_the_propose_page_shows_who_decides_and_how_long_they_have(auth, client, people):
    auth.login(people["practitioner"].email)
    page = client.get("/ideas/new").get_data(as_text=True)
    assert "Propose an idea" in page
    assert "the default answer is yes" in page
    table = page[page.index('id="who-decides"'):]
    assert "Up to £1,000" in table and "Up to £10,000" in table and "More than £10,000" in table
    assert "5 working days" in table
    # The proposer's home area is chosen for them.
    assert re.search(r'<option value="denaby" selected', page)


def test_a_proposed_idea_says_which_tier_decides_and_by_when(auth, client, people):
    auth.login(people["practitioner"].email)
    response = auth.post("/ideas/new", FORM, form_page="/ideas/new")
    assert response.status_code == 302
    item = db.session.scalar(select(Item).where(Item.title == "Library homework club"))
    assert (item.kind, item.state, item.tier, item.funding_pence) == ("idea", "proposed",
                                                                        "bronze", 30_000)
    assert {t.slug for t in item.tags} == {"reach-full-potential", "self-reliant-confident"}
    assert item.who_involved == FORM["who_involved"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Idea proposed" in page
    assert "Bronze decides it" in page and "Denaby" in page
    assert "at 5pm" in page and "approved by default" in page


def test_a_larger_ask_goes_to_silver(auth, client, people):
    auth.login(people["practitioner"].email)
    auth.post("/ideas/new", FORM | {"funding_asked": "5,000"}, form_page="/ideas/new")
    item = db.session.scalar(select(Item).where(Item.title == "Library homework club"))
    assert (item.tier, item.funding_pence) == ("silver", 500_000)


def test_bad_funding_is_shown_beside_the_field_and_nothing_typed_is_lost(auth, client, people):
    auth.login(people["practitioner"].email)
    response = auth.post("/ideas/new", FORM | {"funding_asked": "about 300 quid"},
                         form_page="/ideas/new")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in page
    assert 'href="#funding_asked"' in page
    assert "Enter the funding asked in pounds" in page
    assert 'value="about 300 quid"' in page
    assert "A weekly homework club run by volunteers at the library." in page
    assert db.session.scalar(select(Item).where(Item.title == "Library homework club")) is None


def test_personal_data_is_refused_beside_its_field_and_kept_for_editing(auth, client, people):
    auth.login(people["practitioner"].email)
    description = "Started because Mrs Jones at 12 High Street, DN12 4AB, asked for it."
    response = auth.post("/ideas/new", FORM | {"description": description},
                         form_page="/ideas/new")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "What the idea is looks like it contains personal details" in page
    assert 'href="#description"' in page
    assert "DN12 4AB" in page  # still in the box, to edit
    assert db.session.scalar(select(Item).where(Item.title == "Library homework club")) is None


def test_missing_answers_are_all_reported_at_once(auth, client, people):
    auth.login(people["practitioner"].email)
    response = auth.post("/ideas/new", {"title": "", "description": "", "why": "",
                                        "area": "denaby", "funding_asked": "-3"},
                         form_page="/ideas/new")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    for message in ("Enter a title", "Say what the idea is", "Choose at least one outcome",
                    "Say why", "cannot be less than £0"):
        assert message in page
