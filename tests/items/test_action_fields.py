"""Action forms ask for each field the way the workflow file says: text, choice, date, money."""

from __future__ import annotations

import re
from datetime import date

import pytest
from blocker_pages import Browser, text_of
from werkzeug.datastructures import MultiDict

from govflow.items import ideas
from govflow.items.forms import action_form_class
from govflow.workflow.definition import parse

WORKFLOW = parse({
    "kind": "thing",
    "initial": "open",
    "states": {"open": {}, "done": {}},
    "fields": {
        "why_not": {"label": "Why not?", "type": "text"},
        "category": {"label": "Main reason", "type": "select",
                     "choices": {"cost": "Cost", "other": "Other"}},
        "review_on": {"label": "Review date", "type": "date"},
        "funding": {"label": "Funding", "type": "money"},
        "notes": {"label": "Notes"},
    },
    "triggers": {"decide": {
        "transitions": [{"source": "open", "dest": "done", "roles": ["admin"]}],
        "required": ["why_not", "category"],
        "optional": ["review_on", "funding", "notes"],
    }},
})


def _form(app, data):
    with app.test_request_context():
        form = action_form_class(WORKFLOW, "decide")(formdata=MultiDict(data),
                                                    meta={"csrf": False})
        ok = form.validate()
        return ok, form


def test_answers_come_back_as_the_engine_takes_them(app):
    ok, form = _form(app, [("why_not", " No budget "), ("category", "cost"),
                           ("review_on", "27"), ("review_on", "3"), ("review_on", "2027"),
                           ("funding", "£1,250.50"), ("notes", ""), ("version", "4")])
    assert ok, form.errors
    assert form.workflow_values() == {"why_not": "No budget", "category": "cost",
                                      "review_on": date(2027, 3, 27), "funding": 125050}
    assert form.version.data == "4"


@pytest.mark.parametrize(("data", "field", "message"), [
    ([("category", "cost")], "why_not", "Enter why not"),
    ([("why_not", "x")], "category", "Select main reason"),
    ([("why_not", "x"), ("category", "free")], "category", "Choose one of the options"),
    ([("why_not", "x"), ("category", "cost"), ("review_on", "31"), ("review_on", "2"),
      ("review_on", "2027")], "review_on", "Review date must be a real date"),
    ([("why_not", "x"), ("category", "cost"), ("review_on", "31"), ("review_on", ""),
      ("review_on", "2027")], "review_on", "must include a day, month and year"),
    ([("why_not", "x"), ("category", "cost"), ("review_on", "1"), ("review_on", "1"),
      ("review_on", "0001")], "review_on", "Review date must be between 1900 and 2100"),
    ([("why_not", "x"), ("category", "cost"), ("review_on", "31"), ("review_on", "12"),
      ("review_on", "9999")], "review_on", "Review date must be between 1900 and 2100"),
    ([("why_not", "x"), ("category", "cost"), ("funding", "lots")], "funding",
     "Enter an amount in pounds"),
    ([("why_not", "x"), ("category", "cost"), ("funding", "12.345")], "funding",
     "pounds and pence"),
])
def test_bad_answers_get_a_plain_message_beside_the_field(app, data, field, message):
    ok, form = _form(app, data)
    assert not ok
    assert message in form[field].errors[0]


def test_an_idea_decline_page_has_a_choice_and_an_approve_page_a_date(client, auth, people):
    idea = ideas.propose_idea(people["practitioner"], title="Homework club",
                              description="Volunteers help with homework at the library.",
                              why="A quiet place to work.", area="denaby",
                              outcomes=["reach-full-potential"])
    browser = Browser(client, auth).sign_in(people["facilitator"])
    decline = browser.get(f"/items/{idea.id}/actions/decline")
    assert decline.status_code == 200
    html = decline.get_data(as_text=True)
    assert re.search(r'<select[^>]*name="reason_category"', html)
    assert '<option value="safeguarding_risk">Safeguarding risk</option>' in html
    approve = browser.get(f"/items/{idea.id}/actions/approve").get_data(as_text=True)
    assert 'id="review_on_date-day"' in approve and 'id="review_on_date-year"' in approve
    # A decline without its why-not keeps what was typed.
    response = browser.act(idea.id, "decline", {"reason_category": "cost",
                                                "what_would_make_yes": "A partner to pay."})
    assert response.status_code == 400
    assert "A partner to pay." in text_of(response)
