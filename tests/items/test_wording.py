"""The words people read after acting and in what they are sent: sentences, not labels glued
together (issue 16: "A idea in Denaby needs Bronze", "It is now Unblocked", "Enter why not?",
"(optional)" inside an error, "Gold Gold", "D-14", "90th percentile")."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from blocker_pages import raise_hub_blocker, text_of
from sqlalchemy import select

from govflow.domain_errors import Invalid
from govflow.extensions import db
from govflow.items import ideas
from govflow.notifications.models import Notification
from govflow.workflow import engine
from govflow.workflow.definition import in_a_sentence, load

WEDNESDAY = datetime(2026, 11, 4, 10, 0)


def _idea(person, **kw):
    values = {"title": "Homework club at the library",
              "description": "A weekly homework club run by volunteers at the library.",
              "why": "Children get help and a quiet place to work.",
              "outcomes": ["reach-full-potential"], "area": "denaby", "funding_asked": None}
    return ideas.propose_idea(person, now=WEDNESDAY, **(values | kw))


def _bodies(item, person, kind):
    return [n.body for n in db.session.scalars(
        select(Notification).where(Notification.item_id == item.id,
                                   Notification.user_id == person.id,
                                   Notification.kind == kind).order_by(Notification.id))]


def test_after_acting_the_page_says_where_the_item_is_in_a_sentence(browser, people):
    item = raise_hub_blocker(people["practitioner"])
    db.session.commit()
    browser.sign_in(people["facilitator"])
    browser.act(item.id, "escalate", {"reason": "Room bookings are the trust's to decide."})
    page = text_of(browser.get(f"/items/{item.id}"))
    assert "It is now at Silver." in page
    assert "It is now Silver" not in page

    browser.sign_in(people["head_of_service"])
    browser.act(item.id, "unblock", {"resolution": "A late caretaker is on the rota now."})
    page = text_of(browser.get(f"/items/{item.id}"))
    assert "It is now unblocked." in page
    assert "It is now Unblocked" not in page


def test_the_tier_that_must_act_is_told_in_plain_words_with_the_right_article(app, people):
    blocker = raise_hub_blocker(people["practitioner"])
    engine.fire(blocker, "escalate", people["facilitator"],
                fields={"reason": "Room bookings are the trust's to decide."})
    [body] = _bodies(blocker, people["head_of_service"], "reached_tier")
    assert body.startswith("A blocker in Denaby has reached Silver and needs someone there to "
                           "act. Rachel Dunn — escalated. It is now at Silver.")

    idea = _idea(people["practitioner"])
    bodies = _bodies(idea, people["facilitator"], "reached_tier")
    assert bodies and bodies[0].startswith(
        "An idea in Denaby has reached Bronze and needs someone there to act.")
    assert "A idea" not in bodies[0]


def test_missing_answers_are_asked_for_in_words_that_read_as_a_sentence(app, people):
    item = _idea(people["practitioner"])
    with pytest.raises(Invalid) as err:
        engine.fire(item, "decline", people["facilitator"], fields={}, now=WEDNESDAY)
    errors = err.value.field_errors
    assert errors["why_not"] == "Enter why the answer is no: a decline must say why"
    assert errors["what_would_make_yes"] == "Enter what would make this a yes"
    assert errors["reason_category"] == "Select main reason for saying no"
    assert not any("(optional)" in e or "?" in e for e in errors.values())


@pytest.mark.parametrize(("label", "phrase"), [
    ("Review date (optional)", "review date"), ("Why not?", "why not"),
    ("What would make this a yes?", "what would make this a yes"), ("NHS number", "NHS number"),
])
def test_labels_read_mid_sentence_without_optional_or_question_marks(label, phrase):
    assert in_a_sentence(label) == phrase


def test_a_bad_optional_date_is_named_without_optional(app, people):
    item = _idea(people["practitioner"])
    with pytest.raises(Invalid) as err:
        engine.fire(item, "approve", people["facilitator"],
                    fields={"review_on_date": "the thirty-second of March"}, now=WEDNESDAY)
    message = err.value.field_errors["review_on_date"]
    assert "(optional)" not in message and message.startswith("Enter review date")


def test_state_phrases_come_from_the_workflow_files():
    blocker, idea = load("blocker"), load("idea")
    assert blocker.state_phrase("gold") == "at Gold"
    assert blocker.state_phrase("unblocked") == "unblocked"
    assert idea.state_phrase("trialling") == "trialling"


def test_a_blocker_at_gold_shows_one_gold_tag_and_an_idea_its_tier_and_state(app):
    from types import SimpleNamespace

    with app.test_request_context("/"):
        template = app.jinja_env.from_string(
            '{% from "macros/status.html" import tier_and_state %}{{ tier_and_state(item) }}')
        gold = template.render(item=SimpleNamespace(tier="gold", state="gold"))
        idea = template.render(item=SimpleNamespace(tier="silver", state="proposed"))
    assert gold.count("govuk-tag") == 1 and "Gold" in gold
    assert idea.count("govuk-tag") == 2 and "Silver" in idea and "Proposed" in idea


def _history(page_html: str) -> list[str]:
    """Each history entry's text as a person (or a screen reader) reads it, tags removed."""
    return [" ".join(re.sub(r"<[^>]+>", "", m).split()) for m in
            re.findall(r'<p class="gf-timeline__reason">(.*?)</p>', page_html, re.S)]


def test_the_systemic_history_entry_says_reason_once(client, auth, people):
    from govflow.systemic import services as systemic

    item = raise_hub_blocker(people["practitioner"], area="hexthorpe")
    systemic.add_area(item, people["admin"], area="denaby", effect="Here too.")
    systemic.add_area(item, people["admin"], area="balby", effect="And here.")
    auth.login(people["practitioner"].email)
    history = _history(client.get(f"/items/{item.id}").get_data(as_text=True))
    assert history[0] == ("Reason: Affects 3 areas: Hexthorpe, Denaby, Balby — moved to Silver "
                          "as a systemic blocker")
    assert not any("Reason: Reason:" in entry for entry in history)


def test_answers_in_the_history_read_without_optional_and_dates_as_govuk_writes_them(
        client, auth, people):
    approved = _idea(people["practitioner"])
    engine.fire(approved, "approve", people["facilitator"], now=WEDNESDAY,
                fields={"rationale": "A good use of the room", "conditions": "Tell the library",
                        "review_on_date": "2027-03-01"})
    declined = _idea(people["practitioner"], title="Minibus for the youth club")
    engine.fire(declined, "decline", people["facilitator"], now=WEDNESDAY,
                fields={"reason_category": "cost", "why_not": "It costs more than the fund",
                        "what_would_make_yes": "A hired van for a trial"})
    withdrawn = raise_hub_blocker(people["practitioner"])
    engine.fire(withdrawn, "withdraw", people["practitioner"],
                fields={"reason": "The caretaker stays late now"})
    auth.login(people["practitioner"].email)

    def first_entry(item):
        return _history(client.get(f"/items/{item.id}").get_data(as_text=True))[0]

    # Each answer is read under its own label; screen readers are not told "Reason:" first
    # (the hidden label is for a bare reason, like the systemic move's above).
    assert first_entry(approved) == ("Why yes: A good use of the room Conditions: Tell "
                                     "the library Review date: 1 March 2027")
    assert first_entry(declined) == ("Main reason for saying no: Cost Why not? It costs "
                                     "more than the fund What would make this a yes? A hired "
                                     "van for a trial")
    assert first_entry(withdrawn) == "Why you are withdrawing it: The caretaker stays late now"


def test_a_bad_date_on_an_action_form_is_named_without_optional(browser, people):
    idea = _idea(people["practitioner"])
    db.session.commit()
    browser.sign_in(people["facilitator"])
    for boxes, message in ((["32", "3", "2027"], "Review date must be a real date, like 27 3 2027"),
                           (["1", "", "2027"], "Review date must include a day, month and year"),
                           (["1", "3", "3000"], "Review date must be between 1900 and 2100")):
        response = browser.act(idea.id, "approve", {"review_on_date": boxes})
        html = response.get_data(as_text=True)
        assert response.status_code == 400
        assert f'<span class="govuk-visually-hidden">Error:</span> {message}' in html
        assert "(optional) must" not in html


def test_a_correction_of_a_decline_asks_why_the_answer_is_no_in_words(app, people):
    from govflow.decisions.models import Decision
    from govflow.decisions.services import correct_decision

    idea = _idea(people["practitioner"])
    engine.fire(idea, "decline", people["facilitator"], now=WEDNESDAY,
                fields={"reason_category": "cost", "why_not": "Too dear",
                        "what_would_make_yes": "Half the price"})
    decision = db.session.scalar(select(Decision).where(Decision.item_id == idea.id))
    with pytest.raises(Invalid) as err:
        correct_decision(decision, people["facilitator"], correction_reason="Wrong words.",
                         values={"why_not": ""})
    assert err.value.field_errors == {
        "why_not": "Enter why the answer is no: a decline must say why"}
