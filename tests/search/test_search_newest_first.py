"""PostgreSQL: how a search finds each kind's newest matches. Where the words are common
together among a kind's newest documents, the kind is read newest first; elsewhere its index
of words gives every match. Either way a person sees the same results (see
govflow/search/queries.py, _dense_kinds)."""

from __future__ import annotations

import re

import pytest

from govflow.extensions import db
from govflow.items import services
from govflow.search import queries
from govflow.search.kinds import KINDS

pytestmark = pytest.mark.postgres_only

WORD = "Quorndale"


@pytest.fixture
def fresh(monkeypatch):
    """No statement built and no judgement remembered from another test; a cap of 5, so a
    dozen documents are more than a kind ranks."""
    monkeypatch.setattr(queries, "_DENSE", {})
    monkeypatch.setattr(queries, "CAP", 5)
    queries._statement.cache_clear()
    queries._probe.cache_clear()
    yield
    queries._statement.cache_clear()
    queries._probe.cache_clear()


@pytest.fixture
def common(people):
    """Twelve Denaby blockers that say "youth workers", the newest blockers there are."""
    priya = people["priya.shah@dcst.example"]
    for n in range(12):
        services.raise_blocker(
            priya, title=f"{WORD} youth workers cannot book room {n}",
            description=f"The youth workers' evening group {n} has nowhere to meet.",
            area="denaby", organisation="dcst")
    db.session.flush()
    return priya


def _main(page: str) -> str:
    """The page's main content: what the person reads."""
    return re.search(r"<main.*</main>", page, re.S).group()


def _search(person, words, **filters):
    return queries.search(person, queries.SearchFilters(words=words, **filters), list(KINDS),
                          area_id=None, first=1, last=5)


def _every_match_from_the_index(monkeypatch, person, words):
    """The same search with every kind read from its index of words."""
    monkeypatch.setattr(queries, "_DENSE", {})
    monkeypatch.setattr(queries, "DENSE", 10**6)
    return _search(person, words)


def test_words_common_among_the_newest_are_read_newest_first_with_the_same_results(
        fresh, common, monkeypatch, client, auth):
    auth.login("priya.shah@dcst.example")
    page = _main(client.get(f"/search?q={WORD}+youth+workers").get_data(as_text=True))
    hits = _search(common, f"{WORD} youth workers")
    assert {h.kind for h in hits} == {"blocker"}
    assert [h.total for h in hits] == [5] * 5
    # Remembered for the next search of the same words: blockers are read newest first.
    [(moment, dense)] = queries._DENSE.values()
    assert dense == {"blocker"}

    assert _every_match_from_the_index(monkeypatch, common, f"{WORD} youth workers") == hits
    assert _main(client.get(f"/search?q={WORD}+youth+workers").get_data(as_text=True)) == page
    assert ('Blockers <span class="govuk-caption-m gf-search-count">5 or more found</span>'
            in page)


def test_a_kind_read_newest_first_that_finds_too_few_is_read_again_from_its_index(
        fresh, common, monkeypatch):
    """Reading newest first stops after WINDOW documents: a kind that found fewer than the
    cap there may have older matches, so it is read again from its index of words (and the
    next search of the same words goes there first)."""
    monkeypatch.setattr(queries, "WINDOW", 3)
    hits = _search(common, f"{WORD} youth workers")
    assert [h.total for h in hits] == [5] * 5
    [(moment, dense)] = queries._DENSE.values()
    assert dense == frozenset()
    assert _every_match_from_the_index(monkeypatch, common, f"{WORD} youth workers") == hits


def test_words_rare_among_the_newest_are_read_from_the_index(fresh, common, people):
    """Two of the newest two hundred blockers say "Wath": too few to read newest first."""
    priya = people["priya.shah@dcst.example"]
    for n in range(2):
        services.raise_blocker(priya, title=f"Wath library closes early {n}",
                               description="The library shuts at four.", area="denaby",
                               organisation="dcst")
    db.session.flush()
    hits = _search(priya, "Wath library")
    assert [h.kind for h in hits] == ["blocker", "blocker"]
    [(moment, dense)] = queries._DENSE.values()
    assert dense == frozenset()


def test_a_filtered_search_does_not_look_at_the_newest_documents(fresh, common):
    """The newest documents in a state are not the newest of their kind: a filtered search
    reads each kind's index of words, and remembers nothing."""
    hits = _search(common, f"{WORD} youth workers", state="bronze")
    assert {h.kind for h in hits} == {"blocker"}
    assert queries._DENSE == {}
