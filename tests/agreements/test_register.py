"""The agreements register: everyone searches it; the people the policy names add agreements
(errors beside the fields, nothing half-saved) and record reviews; the demo has three."""

from __future__ import annotations

from sqlalchemy import select

from govflow.agreements.models import Agreement
from govflow.extensions import db
from tests.ideas.idea_pages import Browser, refused, text_of

PROTOCOL = "Denaby early help information-sharing protocol"
CONFIDENTIALITY = "Hexthorpe multi-agency case discussion confidentiality agreement"


def test_the_demo_register_is_searchable_by_everyone(client, auth, people):
    auth.login("liam.fletcher@hexthorpe-park-friends.example")
    page = text_of(client.get("/agreements"))
    assert "Agreements register" in page and "3 agreements, soonest review first" in page
    assert PROTOCOL in page and CONFIDENTIALITY in page and "Conversation club ground rules" in page
    assert "Review due" in page  # the Denaby protocol is due within 10 working days
    found = text_of(client.get("/agreements?q=case+discussion"))
    assert CONFIDENTIALITY in found and PROTOCOL not in found
    assert PROTOCOL not in text_of(client.get("/agreements?area=hexthorpe"))
    agreement = db.session.scalar(select(Agreement).where(Agreement.title == CONFIDENTIALITY))
    shown = text_of(client.get(f"/agreements/{agreement.id}"))
    assert ("Came from Confidentiality agreement for multi-agency case discussions has sat "
            "with legal teams for months") in shown
    assert "Owner Amara Mensah" in shown
    assert "Record a review" not in shown  # not Liam's to review
    # The library finds agreements too.
    assert CONFIDENTIALITY in text_of(client.get("/library?q=case+discussion"))


def test_a_facilitator_adds_an_agreement_and_a_missing_answer_is_shown_beside_its_field(
        client, auth, people):
    rachel = people["rachel.dunn@dmbc.example"]
    browser = Browser(client, auth).sign_in(rachel)
    response = browser.submit("/agreements/new", {"kind": "ground_rules", "title": "Café rules",
                                                   "areas": ["denaby"], "owner": str(rachel.id)})
    html = refused(response, 400, "Enter the parties to the agreement", "Enter the review date")
    assert 'value="Café rules"' in html
    assert db.session.scalar(select(Agreement.id).where(Agreement.title == "Café rules")) is None

    made = browser.submit("/agreements/new", {
        "kind": "ground_rules", "title": "Café rules", "parties": "Everyone at the café",
        "what_shared": "Talk about what gets in the way, not about families",
        "areas": ["denaby"], "owner": str(rachel.id),
        "review_on": ["30", "6", "2027"]})
    assert made.status_code == 302
    agreement = db.session.scalar(select(Agreement).where(Agreement.title == "Café rules"))
    page = text_of(browser.get(f"/agreements/{agreement.id}"))
    assert "Ground rules" in page and "Review by 30 June 2027" in page

    reviewed = browser.submit(f"/agreements/{agreement.id}/review", {
        "review_on": ["31", "12", "2027"]})
    assert reviewed.status_code == 302
    assert "Review by 31 December 2027" in text_of(browser.get(f"/agreements/{agreement.id}"))


def test_a_practitioner_cannot_add_one(client, auth, people):
    Browser(client, auth).sign_in(people["practitioner"])
    assert client.get("/agreements/new").status_code == 403


def test_the_blocker_that_produced_an_agreement_links_to_it_and_offers_adding_another(
        client, auth, people):
    agreement = db.session.scalar(select(Agreement).where(Agreement.title == CONFIDENTIALITY))
    auth.login("amara.mensah@rdash.example")  # facilitator, Hexthorpe
    page = client.get(f"/items/{agreement.item_id}").get_data(as_text=True)
    assert f'href="/agreements/{agreement.id}"' in page
    assert f'href="/agreements/new?item={agreement.item_id}"' in page
    form = text_of(client.get(f"/agreements/new?item={agreement.item_id}"))
    assert ("It came from: Confidentiality agreement for multi-agency case discussions has sat "
            "with legal teams for months") in form
    auth.logout()
    auth.login("liam.fletcher@hexthorpe-park-friends.example")  # practitioner: reads only
    page = client.get(f"/items/{agreement.item_id}").get_data(as_text=True)
    assert f'href="/agreements/{agreement.id}"' in page
    assert "/agreements/new" not in page
