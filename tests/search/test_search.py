"""The one search box: words found by the database's own full-text search (FTS5 on SQLite,
tsvector on PostgreSQL; the suite runs on both), best first within each kind, grouped by
kind, filtered, the words found marked, and restricted items absent for those who may not
see them."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from govflow import workdays
from govflow.clock import utcnow
from govflow.extensions import db
from govflow.forums.models import Forum, Meeting
from govflow.items import services
from govflow.search.index import rebuild
from govflow.search.kinds import KINDS
from govflow.search.models import SearchDocument
from govflow.sponsors.models import SponsorAction
from govflow.workflow import engine

# Made-up words no demo text holds.
WORD = "Quorndale"


def _blocker(person, title, description, area="denaby", org="dcst"):
    return services.raise_blocker(person, title=title, description=description, area=area,
                                  organisation=org)


def _results(page: str) -> list[str]:
    """The result headings' link texts, in order, tags removed."""
    return [re.sub(r"<[^>]+>", "", m).strip() for m in
            re.findall(r'<h3 class="govuk-heading-s gf-search-result__title">\s*<a[^>]*>(.*?)</a>',
                       page, re.S)]


def _groups(page: str) -> list[str]:
    return re.findall(r'<h2 class="govuk-heading-m" id="search-group-([a-z]+)">', page)


@pytest.fixture
def found(people):
    """Three Denaby blockers with the word in the title, in the description only, and in
    neither; a sponsor action and a meeting place that use it."""
    priya = people["priya.shah@dcst.example"]
    in_title = _blocker(priya, f"{WORD} room booking refused",
                        "The family hub room cannot be booked after 4pm.")
    in_text = _blocker(priya, "Evening sessions cannot start",
                       f"The {WORD} centre closes its rooms at 4pm, so the evening group stops.")
    other = _blocker(priya, "Unrelated printer jam", "Nothing to do with rooms at all.")
    claire = people["claire.firth@dbth.example"]
    action = SponsorAction(area_id=in_title.area_id, sponsor_id=claire.id, owner_id=claire.id,
                           created_by_id=claire.id, what=f"Open the {WORD} rooms on Thursdays",
                           due_on=workdays.london_date(utcnow()) + timedelta(days=3),
                           item_id=None, status="open")
    db.session.add(action)
    central = db.session.scalar(select(Forum).where(Forum.slug == "central-forum"))
    starts = utcnow() + timedelta(days=7)
    meeting = Meeting(forum_id=central.id, starts_at=starts, ends_at=starts + timedelta(hours=2),
                      place=f"{WORD} Civic Office", status="planned")
    db.session.add_all([meeting])
    db.session.flush()
    return {"title": in_title, "text": in_text, "other": other,
            "action": action, "meeting": meeting}


def test_the_header_has_one_search_box_on_every_page(client, auth, people):
    auth.login("priya.shah@dcst.example")
    page = client.get("/").get_data(as_text=True)
    assert '<form class="gf-header-search" method="get" action="/search" role="search"' in page
    assert ('<label class="govuk-visually-hidden" for="gf-header-search-q">Search blockers, '
            "ideas, decisions, meetings, actions and agreements</label>") in page


def test_results_grouped_by_kind_best_first_with_the_words_marked(client, auth, found):
    auth.login("priya.shah@dcst.example")
    response = client.get(f"/search?q={WORD.lower()}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    groups = _groups(page)
    assert groups[:1] == ["blocker"]
    assert "action" in groups and "meeting" in groups
    titles = _results(page)
    # The title counts more than the description: the blocker named for it comes first.
    blockers = [t for t in titles if t.startswith("Blocker ")]
    assert blockers == [f"Blocker {found['title'].id}: {WORD} room booking refused",
                        f"Blocker {found['text'].id}: Evening sessions cannot start"]
    assert f"Blocker {found['other'].id}" not in page
    # The word is marked where it was found, in the title and in the excerpt.
    assert f'<mark class="gf-search-mark">{WORD}</mark> room booking refused' in page
    assert f'The <mark class="gf-search-mark">{WORD}</mark> centre closes its rooms' in page
    assert f"Open the <mark class=\"gf-search-mark\">{WORD}</mark> rooms on Thursdays" in page
    assert f'href="/actions/{found["action"].id}"' in page
    assert f'href="/meetings/{found["meeting"].id}"' in page
    assert re.search(r'id="search-count" role="status">\d+ results for “quorndale”', page)


def test_every_word_must_match_in_any_of_its_forms(client, auth, found):
    auth.login("priya.shah@dcst.example")
    page = client.get(f"/search?q={WORD}+booking").get_data(as_text=True)
    assert [t for t in _results(page) if t.startswith("Blocker")] == [
        f"Blocker {found['title'].id}: {WORD} room booking refused"]
    page = client.get("/search?q=evening+session").get_data(as_text=True)
    assert f"Blocker {found['text'].id}: Evening sessions cannot start" in _results(page)
    # Stemmed: "booked" finds "booking" and "booked".
    page = client.get(f"/search?q={WORD}+booked&kind=blocker").get_data(as_text=True)
    assert f"Blocker {found['title'].id}: {WORD} room booking refused" in _results(page)


def test_filters_by_kind_area_state_and_date(client, auth, found):
    auth.login("priya.shah@dcst.example")
    page = client.get(f"/search?q={WORD}&kind=action").get_data(as_text=True)
    assert _groups(page) == ["action"]
    assert _results(page) == [f"Open the {WORD} rooms on Thursdays"]

    page = client.get(f"/search?q={WORD}&area=balby").get_data(as_text=True)
    assert _results(page) == []
    # Denaby holds both blockers and the sponsor action; the meeting (central) has no area.
    page = client.get(f"/search?q={WORD}&area=denaby").get_data(as_text=True)
    assert _groups(page) == ["blocker", "action"]
    assert sorted(_results(page)) == sorted([
        f"Blocker {found['title'].id}: {WORD} room booking refused",
        f"Blocker {found['text'].id}: Evening sessions cannot start",
        f"Open the {WORD} rooms on Thursdays"])

    page = client.get(f"/search?q={WORD}&state=bronze&kind=blocker").get_data(as_text=True)
    assert len(_results(page)) == 2
    page = client.get(f"/search?q={WORD}&state=silver&kind=blocker").get_data(as_text=True)
    assert _results(page) == []
    assert f"Nothing matches “{WORD}” with these filters." in page

    today = workdays.london_date(utcnow())
    page = client.get(f"/search?q={WORD}&kind=blocker&from={today.isoformat()}"
                      ).get_data(as_text=True)
    assert len(_results(page)) == 2
    yesterday = (today - timedelta(days=1)).isoformat()
    page = client.get(f"/search?q={WORD}&kind=blocker&to={yesterday}").get_data(as_text=True)
    assert _results(page) == []


def test_a_kind_is_not_a_word_of_its_documents(client, auth, found):
    """Only what a thing says is searched: "action" does not find every sponsor action (each
    kind has an index of its own on SQLite; PostgreSQL picks the kind from its column)."""
    auth.login("priya.shah@dcst.example")
    page = client.get("/search?q=action&kind=action").get_data(as_text=True)
    assert f"Open the {WORD} rooms on Thursdays" not in _results(page)
    page = client.get(f"/search?q={WORD}+thursdays&kind=action").get_data(as_text=True)
    assert _results(page) == [f"Open the {WORD} rooms on Thursdays"]


def test_a_date_that_is_not_a_date_is_shown_beside_the_field(client, auth, found):
    auth.login("priya.shah@dcst.example")
    response = client.get(f"/search?q={WORD}&from=last+week")
    page = response.get_data(as_text=True)
    assert response.status_code == 400, page[page.find("govuk-error-summary"):][:600]
    assert '<a href="#search-from">From must be a real date, like 2026-12-23</a>' in page
    assert f'value="{WORD}"' in page


def test_words_that_could_be_markup_are_shown_as_text(client, auth, people):
    priya = people["priya.shah@dcst.example"]
    item = _blocker(priya, f"{WORD} <b>bold</b> claim", "Angle <script>x</script> brackets.")
    auth.login("priya.shah@dcst.example")
    page = client.get(f"/search?q={WORD}+claim").get_data(as_text=True)
    assert "<b>bold</b>" not in page and "<script>x" not in page
    assert (f'<mark class="gf-search-mark">{WORD}</mark> &lt;b&gt;bold&lt;/b&gt; '
            '<mark class="gf-search-mark">claim</mark>') in page
    assert item.id


def test_whole_words_that_start_like_a_word_searched_for_are_marked(client, auth, people):
    """"booked" marks "Booking" and "booked" (the stem "book", any case); a word that only
    holds the stem inside it ("rebook", "notebook_room") is left as it is."""
    priya = people["priya.shah@dcst.example"]
    _blocker(priya, f"{WORD} Booking refused, rebook later",
             "Booked twice in the notebook_room; BOOKINGS closed.")
    auth.login("priya.shah@dcst.example")
    page = client.get(f"/search?q={WORD}+booked").get_data(as_text=True)
    assert (f'<mark class="gf-search-mark">{WORD}</mark> <mark class="gf-search-mark">Booking'
            '</mark> refused, rebook later') in page
    assert ('<mark class="gf-search-mark">Booked</mark> twice in the notebook_room; '
            '<mark class="gf-search-mark">BOOKINGS</mark> closed.') in page


def test_restricted_items_and_their_decisions_and_actions_are_absent_for_others(
        client, auth, people):
    ryan, megan = people["ryan.cooper@syp.example"], people["megan.lloyd@dmbc.example"]
    item = _blocker(ryan, f"{WORD} staff rota", f"The {WORD} rota cannot be shared.",
                    area="balby", org="syp")
    engine.fire(item, "unblock", megan, fields={"resolution": f"{WORD} rota agreed"})
    engine.set_restricted(item, ryan, restricted=True, reason="A staff matter")
    claire = people["claire.firth@dbth.example"]
    db.session.add(SponsorAction(area_id=item.area_id, sponsor_id=claire.id, owner_id=claire.id,
                                 created_by_id=claire.id, what=f"Settle the {WORD} rota",
                                 due_on=workdays.london_date(utcnow()), item_id=item.id,
                                 status="open"))
    db.session.flush()

    auth.login("megan.lloyd@dmbc.example")  # Balby's facilitator: sees it
    page = client.get(f"/search?q={WORD}").get_data(as_text=True)
    assert _groups(page) == ["blocker", "decision", "action"]
    auth.logout()

    auth.login("liam.fletcher@hexthorpe-park-friends.example")  # practitioner elsewhere
    page = client.get(f"/search?q={WORD}").get_data(as_text=True)
    assert _groups(page) == []
    assert "rota" not in page.lower()
    assert f"Nothing matches “{WORD}”." in page


def test_the_index_follows_writes_and_a_rebuild_gives_the_same_rows(client, auth, found):
    item = found["title"]
    item.title = "Room booking refused"
    db.session.flush()
    auth.login("priya.shah@dcst.example")
    page = client.get(f"/search?q={WORD}&kind=blocker").get_data(as_text=True)
    assert [t.split(":")[0] for t in _results(page)] == [f"Blocker {found['text'].id}"]

    def rows():
        return sorted(db.session.execute(select(
            SearchDocument.kind, SearchDocument.ref_id, SearchDocument.item_id,
            SearchDocument.area_id, SearchDocument.state, SearchDocument.title,
            SearchDocument.body)).all())

    written = rows()
    assert len(written) > 20
    rebuild(db.session.connection())
    assert rows() == written


def test_the_database_indexes_the_words(app, found):
    """The database's own full-text index answers, not a LIKE over the rows."""
    if db.session.get_bind().dialect.name == "postgresql":
        plan = "\n".join(db.session.execute(text(
            "EXPLAIN SELECT id FROM search_documents "
            "WHERE search_vector @@ to_tsquery('english', 'quorndale')")).scalars())
        assert "search_vector" in plan
        assert db.session.execute(text(
            "SELECT count(*) FROM search_documents "
            "WHERE search_vector @@ to_tsquery('english', 'quorndale')")).scalar() >= 4
    else:
        # One FTS5 index per kind (migration 0036).
        assert sum(db.session.execute(text(
            f"SELECT count(*) FROM search_fts_{kind} WHERE search_fts_{kind} MATCH 'quorndale'"
        )).scalar() for kind in KINDS) >= 4


def test_every_kind_the_page_offers_has_its_own_index(app):
    """A kind's part of a search reads an index of that kind's words alone (SQLite: its own
    FTS5 table, which the search cannot do without; PostgreSQL: its partial GIN index). A
    new kind creates them in the migration that adds it."""
    if db.session.get_bind().dialect.name == "postgresql":
        found = set(db.session.execute(text(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'search_documents'")).scalars())
        wanted = {f"ix_search_documents_words_{kind}" for kind in KINDS}
    else:
        found = set(db.session.execute(text(
            "SELECT name FROM sqlite_master WHERE type = 'table'")).scalars())
        wanted = {f"search_fts_{kind}" for kind in KINDS}
    assert len(wanted) == len(KINDS) >= 7
    assert wanted <= found


def test_a_document_moves_between_indexes_with_its_words(app, found):
    """The triggers keep each kind's index in step with the documents: a changed title is
    found by its new words and not its old ones, and a deleted document is found by none."""
    if db.session.get_bind().dialect.name == "postgresql":
        pytest.skip("PostgreSQL's index is a generated column: nothing of ours keeps it")

    def matching(kind, words):
        return set(db.session.execute(text(
            f"SELECT rowid FROM search_fts_{kind} WHERE search_fts_{kind} MATCH :w"),
            {"w": words}).scalars())

    doc = db.session.execute(text(
        "SELECT id, kind, area_id FROM search_documents WHERE kind = 'blocker' AND "
        "area_id IS NOT NULL ORDER BY id LIMIT 1")).one()
    db.session.execute(text("UPDATE search_documents SET title = 'Zanzibar quokkas' "
                            "WHERE id = :id"), {"id": doc.id})
    assert doc.id in matching("blocker", f'"quokkas" AND area:"area{doc.area_id}"')
    assert doc.id not in matching("blocker", f'"quokkas" AND area:"area{doc.area_id + 1}"')
    assert not matching("idea", '"quokkas"')
    db.session.execute(text("DELETE FROM search_documents WHERE id = :id"), {"id": doc.id})
    assert not matching("blocker", '"quokkas"')
    db.session.rollback()


@pytest.mark.postgres_only
def test_each_search_is_planned_for_its_own_words(app, found, people):
    """psycopg prepares a statement run five times on a connection, after which PostgreSQL
    may plan it once for any words; a search is never prepared, so each is planned for its
    words, and the connection still prepares the statements it runs often."""
    from govflow.search import queries

    priya = people["priya.shah@dcst.example"]
    filters = queries.SearchFilters(words=WORD)
    for _ in range(7):
        assert queries.search(priya, filters, list(KINDS), area_id=None, first=1, last=5)
        db.session.execute(select(SearchDocument.id).limit(1)).all()
    prepared = db.session.execute(text("SELECT statement FROM pg_prepared_statements")).scalars()
    assert [s for s in prepared if "ts_rank" in s] == []
    connection = db.session.connection().connection.driver_connection
    assert connection.prepare_threshold == 5


def test_signed_out_people_are_sent_to_sign_in(client):
    response = client.get("/search?q=room")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


def test_when_several_kinds_have_more_than_are_counted_the_total_says_so(
        client, auth, people, monkeypatch):
    """Each kind counts its matches up to a cap (200): beyond it, "200 or more". The
    headline adds the kinds' counts, so two kinds at the cap make "400 or more", not "200 or
    more" (here with a cap of 2, so the test needs only three of each)."""
    from govflow.search import queries

    monkeypatch.setattr(queries, "CAP", 2)
    queries._statement.cache_clear()
    priya = people["priya.shah@dcst.example"]
    claire = people["claire.firth@dbth.example"]
    for n in range(3):
        blocker = _blocker(priya, f"{WORD} room {n} refused", "The room cannot be booked.")
        db.session.add(SponsorAction(
            area_id=blocker.area_id, sponsor_id=claire.id, owner_id=claire.id,
            created_by_id=claire.id, what=f"Open the {WORD} rooms, number {n}",
            due_on=workdays.london_date(utcnow()) + timedelta(days=3), item_id=None,
            status="open"))
    db.session.flush()
    auth.login("priya.shah@dcst.example")
    try:
        page = client.get(f"/search?q={WORD}").get_data(as_text=True)
    finally:
        queries._statement.cache_clear()
    assert 'id="search-count" role="status">4 or more results for “Quorndale”</p>' in page
    assert ('Blockers <span class="govuk-caption-m gf-search-count">2 or more found</span>'
            in page)
    assert ('Sponsor actions <span class="govuk-caption-m gf-search-count">2 or more found'
            '</span>' in page)
