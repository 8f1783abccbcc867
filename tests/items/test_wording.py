"""The words people read after acting and in what they are sent: sentences, not labels glued
together (issue 16: "A idea in Denaby needs Bronze", "It is now Unblocked", "Enter why not?",
"(optional)" inside an error, "Gold Gold", "D-14", "90th percentile")."""

from __future__ import annotations

from datetime import datetime

import pytest
from blocker_pages import Browser, text_of
from sqlalchemy import select

from govflow.domain_errors import Invalid
from govflow.extensions import db
from govflow.items import ideas, services
from govflow.notifications.models import Notification
from govflow.workflow import engine
from govflow.workflow.definition import in_a_sentence, load

WEDNESDAY = datetime(2026, 11, 4, 10, 0)


@pytest.fixture
def browser(client, auth):
    return Browser(client, auth)


def _blocker(person, **kw):
    values = {"title": "The hub's rooms cannot be booked after 4pm",
              "description": "There is no late caretaker, so rooms close at 4pm.",
              "area": "denaby", "organisation": "dcst"} | kw
    return services.raise_blocker(person, **values)


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
    item = _blocker(people["practitioner"])
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
    blocker = _blocker(people["practitioner"])
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
