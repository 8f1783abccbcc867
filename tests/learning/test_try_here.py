"""Try this in my area: one step proposes an adopted idea in the person's own area, linked to
the original, decided at the right tier with the original's evaluation in front of the
decider; the original then shows where it has been tried, with each copy's state."""

from __future__ import annotations

import re

from sqlalchemy import select

from govflow.extensions import db
from govflow.items.models import Item
from govflow.learning.models import IdeaCopy
from tests.ideas.idea_pages import Browser, text_of

CLUB = "Weekly conversation club at the Denaby community café"


def _club():
    return db.session.scalar(select(Item).where(Item.title == CLUB))


def test_a_hexthorpe_practitioner_tries_the_denaby_club_and_a_facilitator_approves_it(
        client, auth, people):
    club = _club()
    liam = people["liam.fletcher@hexthorpe-park-friends.example"]
    browser = Browser(client, auth).sign_in(liam)
    page = browser.get(f"/items/{club.id}").get_data(as_text=True)
    assert "Try this in my area" in page
    assert "No other area has tried it yet." in text_of(page)

    form = text_of(browser.get(f"/items/{club.id}/try-here"))
    assert "Try this in your area" in form
    assert "How it went in Denaby" in form
    assert "What was learnt Practitioners sorted out who was doing what" in form
    response = browser.submit(f"/items/{club.id}/try-here", {"area": "hexthorpe"})
    assert response.status_code == 302
    copy_id = int(re.search(r"/items/(\d+)$", response.headers["Location"]).group(1))
    copy = db.session.get(Item, copy_id)
    assert (copy.kind, copy.state, copy.area.slug, copy.title) == (
        "idea", "proposed", "hexthorpe", CLUB)
    assert copy.description == club.description and copy.why == club.why
    assert copy.funding_pence == club.funding_pence == 45000
    assert copy.tier == "bronze"  # £450: a facilitator or sponsor of Hexthorpe decides
    assert {t.slug for t in copy.tags} == {t.slug for t in club.tags}
    assert copy.raised_by_id == liam.id
    link = db.session.scalar(select(IdeaCopy).where(IdeaCopy.copy_id == copy.id))
    assert link.original_id == club.id

    shown = text_of(browser.get(f"/items/{copy.id}"))
    assert "Tried first in Denaby" in shown
    assert "Recommendation Adopt it: keep the Denaby club going" in shown

    # The original now shows the copy and its state; a second try from Hexthorpe is refused.
    original = text_of(browser.get(f"/items/{club.id}"))
    assert "Also tried in Hexthorpe Proposed" in original
    assert "Try this in my area" not in original
    again = browser.submit(f"/items/{club.id}/try-here", {"area": "hexthorpe"})
    assert again.status_code == 409
    assert f"Hexthorpe is already trying this idea: idea {copy.id}." in text_of(again)

    # The Hexthorpe facilitator decides it with the Denaby evaluation in front of them.
    amara = people["amara.mensah@rdash.example"]
    browser.sign_in(amara)
    decide = text_of(browser.get(f"/items/{copy.id}/actions/approve"))
    assert "How it went in Denaby" in decide
    assert "What was learnt Practitioners sorted out who was doing what" in decide
    assert browser.act(copy.id, "approve", {}).status_code == 302
    assert "Also tried in Hexthorpe Approved" in text_of(browser.get(f"/items/{club.id}"))


def test_only_an_adopted_idea_can_be_tried_and_only_in_ones_own_area(client, auth, people):
    club = _club()
    liam = people["liam.fletcher@hexthorpe-park-friends.example"]
    browser = Browser(client, auth).sign_in(liam)
    wrong_area = browser.submit(f"/items/{club.id}/try-here", {"area": "balby"})
    assert wrong_area.status_code == 400
    assert "You can try an idea only in an area you work in, not Balby" in text_of(wrong_area)
    not_adopted = db.session.scalar(select(Item).where(Item.kind == "idea",
                                                       Item.state == "proposed"))
    page = text_of(browser.get(f"/items/{not_adopted.id}/try-here"))
    assert "Only an idea adopted across the borough can be tried in another area." in page
    assert db.session.scalar(select(IdeaCopy.id)) is None
