"""The public page: off until an administrator switches it on; then anyone, signed out, reads
aggregate figures, the outcome indicators and adopted ideas' titles — and a scan finds no
restricted item, no person's name and nothing that is not adopted."""

from __future__ import annotations

import re

import pytest
from markupsafe import escape
from sqlalchemy import select

from govflow.accounts.models import User
from govflow.extensions import db
from govflow.items.models import Item
from govflow.outcomes.models import FamilyFeedback
from govflow.outcomes.queries import ADOPTED
from govflow.workflow import engine

# Quarters and 'the last four quarters' come from the clock: replayed at awkward moments.
pytestmark = pytest.mark.clock

ADMIN = "chris.moorhouse@dcst.example"


def _switch(auth, on: bool):
    return auth.post("/admin/public-page", {"public_page": "on" if on else "off"},
                     form_page="/admin/public-page")


def test_it_is_off_until_an_administrator_switches_it_on(client, auth):
    assert client.get("/public").status_code == 404
    auth.login("rachel.dunn@dmbc.example")
    assert client.get("/admin/public-page").status_code == 403
    auth.logout()
    auth.login(ADMIN)
    assert "It is now <strong>off</strong>" in client.get("/admin/public-page").get_data(as_text=True)
    assert _switch(auth, True).status_code == 302
    page = client.get("/admin/public-page").get_data(as_text=True)
    assert "The public page is on: anyone can read it at /public" in page
    auth.logout()
    assert client.get("/public").status_code == 200
    auth.login(ADMIN)
    _switch(auth, False)
    auth.logout()
    assert client.get("/public").status_code == 404


def _visible_text(html: str) -> str:
    body = html.split("<main", 1)[1].split("</main>", 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def test_the_page_shows_only_aggregates_and_approved_unrestricted_text(client, auth, app):
    people = db.session.scalars(select(User)).all()
    by_email = {u.email: u for u in people}
    adopted_open = db.session.scalars(select(Item).where(Item.kind == "idea",
                                                         Item.state == ADOPTED)).all()
    assert adopted_open, "the demo has adopted ideas"
    restricted = adopted_open[0]
    engine.set_restricted(restricted, by_email[ADMIN], restricted=True, reason="A staff matter")
    not_adopted = db.session.scalars(select(Item).where(Item.kind == "idea",
                                                        Item.state != ADOPTED)).all()
    db.session.flush()

    auth.login(ADMIN)
    _switch(auth, True)
    auth.logout()
    html = client.get("/public").get_data(as_text=True)
    text = _visible_text(html)
    assert "Our progress" in text
    assert "Contacts to the Front Door" in text and "Target" in text
    for idea in adopted_open[1:]:
        assert str(escape(idea.title)) in html
    # The restricted adopted idea is not there, nor any idea not adopted, any blocker,
    # anyone's name or email, or anything families said in their own words.
    hidden = [restricted.title] + [i.title for i in not_adopted] + [
        b.title for b in db.session.scalars(select(Item).where(Item.kind == "blocker"))]
    hidden += [p.display_name for p in people] + [p.email for p in people]
    hidden += [q for f in db.session.scalars(select(FamilyFeedback)) for q in f.quote_list]
    for words in hidden:
        assert str(escape(words)) not in html, words
    assert "Sign out" not in html
