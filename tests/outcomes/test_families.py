"""What families told us: recorded by the area's facilitator through the personal-data
guard, linked to the blockers and ideas it gave rise to, read by everyone signed in."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from govflow import workdays
from govflow.clock import utcnow
from govflow.extensions import db
from govflow.items.models import Item
from govflow.outcomes.models import FamilyFeedback

# Quarters and 'the last four quarters' come from the clock: replayed at awkward moments.
pytestmark = pytest.mark.clock

FACILITATOR = "rachel.dunn@dmbc.example"  # Denaby
PRACTITIONER = "priya.shah@dcst.example"


def _count():
    return db.session.scalar(select(func.count(FamilyFeedback.id)))


def _item(title):
    return db.session.scalar(select(Item).where(Item.title == title))


def _answers(**changes):
    today = workdays.london_date(utcnow())
    answers = {"area": "denaby",
               "heard_on": [str(today.day), str(today.month), str(today.year)],
               "session": "Conversation club at the community café", "families_heard": "12",
               "themes": "Nobody knows which door to knock on for help with money worries.",
               "quotes": "I didn't know the hub did debt advice.\nWe'd come if it was here.",
               "items": [str(_item("Market-day drop-in stall").id)]}
    answers.update(changes)
    return answers


def test_a_facilitator_records_what_families_told_us_and_everyone_reads_it(client, auth):
    auth.login(FACILITATOR)
    before = _count()
    response = auth.post("/outcomes/families/new", _answers(),
                         form_page="/outcomes/families/new")
    assert response.status_code == 302
    assert _count() == before + 1
    page = client.get("/outcomes/families").get_data(as_text=True)
    assert "Saved: 12 families heard in Denaby on" in page
    auth.logout()
    auth.login(PRACTITIONER)
    page = client.get("/outcomes/families?area=denaby").get_data(as_text=True)
    section = page.split("Conversation club at the community café</h2>")[0].rsplit("<section", 1)[1] \
        + page.split("Conversation club at the community café</h2>")[1].split("</section>")[0]
    assert "12 families heard." in section
    assert "Nobody knows which door to knock on for help with money worries." in section
    assert "“I didn&#39;t know the hub did debt advice.”" in section
    assert "“We&#39;d come if it was here.”" in section
    assert ">Market-day drop-in stall</a> (idea," in section
    assert "Record what families told us" not in page  # a practitioner reads, does not record
    assert client.get("/outcomes/families/new").status_code == 403


def test_personal_details_are_pointed_out_and_nothing_is_saved(client, auth):
    auth.login(FACILITATOR)
    before = _count()
    response = auth.post("/outcomes/families/new", _answers(
        quotes="Mrs Gregson said she waited three weeks.\nCall me on 07700 900123."),
        form_page="/outcomes/families/new")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "There is a problem" in page
    assert "person&#39;s name" in page and "phone number" in page
    assert "Mrs Gregson said she waited three weeks." in page  # what was typed is kept
    assert _count() == before


def test_missing_answers_are_asked_for_beside_each_field(client, auth):
    auth.login(FACILITATOR)
    before = _count()
    response = auth.post("/outcomes/families/new", _answers(
        families_heard="", themes="", heard_on=["", "", ""]),
        form_page="/outcomes/families/new")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    for message in ("Enter the date of the session, or the first of the month",
                    "Enter how many families were heard", "Enter the themes families raised"):
        assert message in page
    assert _count() == before


def test_a_facilitator_records_only_for_their_own_area(client, auth):
    auth.login(FACILITATOR)
    before = _count()
    response = auth.post("/outcomes/families/new", _answers(area="balby"),
                         form_page="/outcomes/families/new")
    assert response.status_code == 400
    assert "Choose area from the list" in response.get_data(as_text=True)
    assert _count() == before


def test_what_families_told_us_downloads_as_csv(client, auth):
    auth.login(PRACTITIONER)
    text = client.get("/outcomes/families.csv?area=balby").get_data(as_text=True)
    lines = text.lstrip("\ufeff").splitlines()
    assert lines[0] == "Area,Date,Session,Families heard,Themes,Quotes,Led to"
    assert lines[1].startswith("Balby,")
    assert ",7,Working parents cannot get to the family hub in the week" in lines[1]
    assert "The family hub is closed on Saturdays, when working parents can come" in text
    assert "Denaby" not in text
    assert client.get("/outcomes/families.csv?area=atlantis").status_code == 404
