"""Agreements in the one search box: found by their words like everything else, under their
own heading, filtered by kind of agreement and by any area they cover, kept current when
they change, and shown to everyone signed in (the access policy's agreement.view) without
the words of a restricted blocker that produced one."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from govflow import permissions, workdays
from govflow.accounts.models import LocalArea
from govflow.agreements import services as agreements
from govflow.agreements.models import Agreement
from govflow.clock import utcnow
from govflow.extensions import db
from govflow.items import services
from govflow.search.index import rebuild
from govflow.search.models import SearchDocument
from govflow.workflow import engine
from tests.search.test_search import _groups, _results

PROTOCOL = "Denaby early help information-sharing protocol"
RULES = "Conversation club ground rules"
# A made-up word no demo text holds.
WORD = "Brackenhowe"


def _agreement(title: str) -> Agreement:
    return db.session.scalar(select(Agreement).where(Agreement.title == title))


def _meta(page: str) -> list[str]:
    """Each result's line under its heading (state, area, date), spaces collapsed."""
    return [" ".join(m.split()) for m in
            re.findall(r'<p class="govuk-body-s gf-search-result__meta">(.*?)</p>', page, re.S)]


def test_a_demo_agreement_is_found_under_agreements_and_links_to_the_register(
        client, auth, people):
    protocol = _agreement(PROTOCOL)
    auth.login("liam.fletcher@hexthorpe-park-friends.example")  # a practitioner elsewhere
    page = client.get("/search?q=lead+practitioner+conversation+club").get_data(as_text=True)
    assert "agreement" in _groups(page)
    assert ('<h2 class="govuk-heading-m" id="search-group-agreement">Agreements '
            '<span class="govuk-caption-m gf-search-count">1 found</span></h2>') in page
    assert f'<a class="govuk-link" href="/agreements/{protocol.id}">' in page
    assert PROTOCOL in _results(page)
    when = workdays.format_date(protocol.created_at)
    assert f"Data-sharing protocol · Denaby · {when}" in _meta(page)
    # Its words are marked like any other result's.
    assert '<mark class="gf-search-mark">lead</mark>' in page


def test_the_kind_filter_offers_agreements_and_their_kinds(client, auth, people):
    auth.login("priya.shah@dcst.example")
    page = client.get("/search").get_data(as_text=True)
    assert '<option value="agreement">Agreements</option>' in page
    assert '<optgroup label="Agreements">' in page
    assert '<option value="data_sharing">Data-sharing protocol</option>' in page
    assert '<option value="ground_rules">Ground rules</option>' in page
    assert re.search(r'<div id="search-q-hint" class="govuk-hint">\s*Blockers, ideas, decisions, '
                     r"meetings, minutes, sponsor actions and agreements\s*</div>", page)
    assert "Raised, decided, met, due or added. For example, 2026-12-23" in page

    page = client.get("/search?q=club&kind=agreement").get_data(as_text=True)
    assert _groups(page) == ["agreement"]
    assert RULES in _results(page)
    page = client.get("/search?q=club&kind=agreement&state=ground_rules").get_data(as_text=True)
    assert _results(page) == [RULES]
    page = client.get("/search?q=club&kind=agreement&state=confidentiality").get_data(as_text=True)
    assert _results(page) == []


def test_an_agreement_is_found_in_every_area_it_covers_and_no_other(client, auth, people):
    auth.login("priya.shah@dcst.example")

    def found(area):
        page = client.get(f"/search?q=ground+rules&kind=agreement&area={area}")
        return _results(page.get_data(as_text=True))

    assert found("denaby") == [RULES]
    assert found("balby") == [RULES]
    assert found("hexthorpe") == []
    # An agreement covering two areas names neither on its line: it is not one area's.
    page = client.get("/search?q=ground+rules&kind=agreement").get_data(as_text=True)
    assert _meta(page)[0].startswith("Ground rules · ")
    assert "Denaby" not in _meta(page)[0] and "Balby" not in _meta(page)[0]


def test_the_index_follows_a_new_agreement_and_its_changes(client, auth, people):
    rachel = people["rachel.dunn@dmbc.example"]
    made = agreements.record_agreement(
        rachel, kind="ground_rules", title=f"{WORD} café ground rules",
        parties="Everyone at the café", what_shared="Talk about what gets in the way",
        areas=["denaby"], owner_id=rachel.id,
        review_on=workdays.london_date(utcnow()) + timedelta(days=90))
    auth.login("priya.shah@dcst.example")
    page = client.get(f"/search?q={WORD}").get_data(as_text=True)
    assert _groups(page) == ["agreement"]
    assert _results(page) == [f"{WORD} café ground rules"]
    assert client.get(f"/search?q={WORD}&area=balby").get_data(as_text=True).count(
        "gf-search-result__title") == 0

    made.title = "Café ground rules"
    made.basis = f"Read out at the {WORD} café each week"
    made.areas.append(db.session.scalar(select(LocalArea).where(LocalArea.slug == "balby")))
    db.session.flush()
    page = client.get(f"/search?q={WORD}&area=balby").get_data(as_text=True)
    assert _results(page) == ["Café ground rules"]
    assert f'Read out at the <mark class="gf-search-mark">{WORD}</mark> café' in page


def test_an_agreement_from_a_restricted_blocker_is_found_without_the_blockers_words(
        client, auth, people):
    ryan, megan = people["ryan.cooper@syp.example"], people["megan.lloyd@dmbc.example"]
    item = services.raise_blocker(ryan, title="Rota cannot be shared with Thornquist staff",
                                  description="A staff matter.", area="balby",
                                  organisation="syp")
    engine.set_restricted(item, ryan, restricted=True, reason="A staff matter")
    made = agreements.record_agreement(
        megan, kind="data_sharing", title=f"Balby {WORD} rota-sharing protocol",
        parties="South Yorkshire Police, Doncaster Council", what_shared="The weekly rota",
        areas=["balby"], owner_id=megan.id, item_id=item.id,
        review_on=workdays.london_date(utcnow()) + timedelta(days=90))
    liam = people["liam.fletcher@hexthorpe-park-friends.example"]
    # The policy, as the register applies it: the agreement is his to read, the blocker not.
    assert permissions.can(liam, "agreement.view", made)
    assert not permissions.can_view_item(liam, item)

    auth.login(liam.email)
    page = client.get(f"/search?q={WORD}").get_data(as_text=True)
    assert _results(page) == [f"Balby {WORD} rota-sharing protocol"]
    assert "Thornquist" not in page
    page = client.get("/search?q=Thornquist").get_data(as_text=True)
    assert _groups(page) == []
    assert "Nothing matches “Thornquist”." in page


def test_a_rebuild_of_agreements_alone_writes_the_same_documents(app):
    def rows():
        return sorted(db.session.execute(select(
            SearchDocument.kind, SearchDocument.ref_id, SearchDocument.item_id,
            SearchDocument.area_id, SearchDocument.state, SearchDocument.happened_at,
            SearchDocument.title, SearchDocument.body)).all())

    written = rows()
    assert len([r for r in written if r.kind == "agreement"]) == 3  # the demo's
    db.session.execute(SearchDocument.__table__.delete().where(SearchDocument.kind == "agreement"))
    rebuild(db.session.connection(), sources=["agreements"])  # as 0028_agreements_in_search
    assert rows() == written
