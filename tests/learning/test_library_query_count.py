"""The library and the agreements register run the same number of SQL statements however
many ideas, blockers and agreements there are: no statement per entry."""

from __future__ import annotations

from datetime import date

from govflow.agreements import services as agreements
from govflow.extensions import db
from govflow.items import ideas
from govflow.learning import services as learning
from govflow.workflow import engine
from tests.support.statements import recorded_statements

EVALUATION = {"what_happened": "It ran.", "what_learnt": "It helped.",
              "recommendation": "Adopt it."}


def _statements(client, url) -> int:
    with recorded_statements() as seen:
        assert client.get(url).status_code == 200
    return len(seen)


def _adopted_ideas(people, n):
    rachel = people["rachel.dunn@dmbc.example"]
    liam = people["liam.fletcher@hexthorpe-park-friends.example"]
    for i in range(n):
        idea = ideas.propose_idea(rachel, title=f"Counted idea {i}", description="An idea.",
                                  why="It helps families.", area="denaby",
                                  outcomes=["safe-stronger-families"], funding_asked=100)
        engine.fire(idea, "approve", rachel, fields={})
        engine.fire(idea, "start", rachel, fields={})
        engine.fire(idea, "evaluate", rachel, fields=EVALUATION)
        engine.fire(idea, "adopt", rachel, fields={"reason": "It works."})
        if i % 2 == 0:
            learning.try_in_area(liam, idea, "hexthorpe")
        agreements.record_agreement(
            rachel, kind="ground_rules", title=f"Counted rules {i}", parties="Everyone",
            what_shared="How we talk", areas=["denaby", "balby"], owner_id=rachel.id,
            review_on=date(2027, 6, 30))
    db.session.flush()


def test_the_library_and_register_pages_cost_the_same_with_more_entries(client, auth, people):
    auth.login("liam.fletcher@hexthorpe-park-friends.example")
    urls = ["/library", "/library?kind=idea&area=denaby", "/library?kind=agreement",
            "/agreements"]
    for url in urls:  # warm: first-use loads (the navigation, templates) are not counted
        client.get(url)
    before = {url: _statements(client, url) for url in urls}
    _adopted_ideas(people, 22)  # more than a page of the library
    after = {url: _statements(client, url) for url in urls}
    assert after == before
    page = client.get("/library?kind=idea&area=denaby").get_data(as_text=True)
    assert "Showing 1 to 20 of 23" in page  # the demo's club and the 22 added
    assert "Hexthorpe (Proposed)" in page
