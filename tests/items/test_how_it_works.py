"""How escalation works is drawn from the workflow files, so it cannot disagree with them."""

from __future__ import annotations

import re

from blocker_pages import text_of

from govflow.items import diagram
from govflow.workflow.definition import load


def test_the_page_lists_every_state_and_action_in_the_blocker_file(client):
    spec = load("blocker")
    response = client.get("/how-it-works")  # open to anyone, signed in or not
    assert response.status_code == 200
    page = text_of(response)
    for state in spec.states.values():
        assert state.label in page
    for trigger in spec.triggers.values():
        assert trigger.label in page
    assert "Bronze 2 working days Silver 3 working days Gold 5 working days" in page
    assert "Longest pause 10 working days" in page
    assert "Quiet period 5 working days" in page
    # Who may do it, in words, from the roles in the file.
    assert ("Escalate to the next tier Bronze Silver Whoever has taken ownership of it, a "
            "facilitator of its area, a local area sponsor for its area, an administrator or "
            "govflow itself, automatically Why it needs the next tier") in page


def test_the_diagram_is_an_accessible_picture_of_the_same_file(client):
    html = client.get("/how-it-works").get_data(as_text=True)
    svg = html[html.index("<svg"):html.index("</svg>")]
    assert 'role="img"' in svg
    assert re.search(r'aria-labelledby="blocker-diagram-title blocker-diagram-desc"', svg)
    assert "<title id=\"blocker-diagram-title\">How a blocker moves between states</title>" in svg
    desc = re.search(r'<desc id="blocker-diagram-desc">(.*?)</desc>', svg, re.S).group(1)
    # Each arrow is said once, naming every action along it ("Escalate / systemic: …").
    assert re.search(r"(^|\. )Escalate( / [a-z ]+)*: from Bronze to Silver\.", desc)
    assert re.search(r"(^|\. )[A-Za-z /]*refer to bronze[a-z /]*: from Gold to Bronze\.", desc,
                     re.I)
    for state in load("blocker").states.values():
        assert f">{state.label}</text>" in svg


def test_every_transition_in_the_file_is_drawn_or_said(app):
    spec = load("blocker")
    picture = diagram.diagram(spec)
    words = {w for e in picture["edges"] for w in e.labels}
    words |= {part.split(" from ")[0] for n in picture["nodes"] for part in n.also.split(", ")
              if part}
    moving = {t.name.replace("_", " ") for t in spec.triggers.values()
              if any(tr.dest for tr in t.transitions)}
    assert moving <= words
