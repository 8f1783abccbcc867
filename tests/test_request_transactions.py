"""How a request's transaction ends on PostgreSQL: a request that wrote nothing commits, so
psycopg keeps the statements it has prepared; whatever a request wrote and did not commit
is still rolled back."""

from __future__ import annotations

import pytest
from sqlalchemy import insert, select, text

from govflow.extensions import db
from govflow.items.models import Item, Tag

pytestmark = pytest.mark.postgres_only


@pytest.fixture
def own_app(_database, make_app):
    """An app with its own sessions, outside the rolled-back transaction the other tests
    share: each request here begins and ends its transaction as in production."""
    app = make_app()

    @app.get("/_test/read")
    def read():
        return str(db.session.scalar(select(Item.id).where(Item.id > 0).order_by(Item.id)))

    @app.get("/_test/read-with")
    def read_with():
        first = select(Item.id).where(Item.id > 0).cte("first_items")
        return str(db.session.scalar(select(first.c.id).order_by(first.c.id)))

    @app.get("/_test/insert-a-tag-in-a-select")
    def insert_a_tag_in_a_select():
        tags = Tag.__table__
        added = (insert(tags).values(slug="not-kept-select", name="Not kept", kind="feature",
                                     group="", description="", position=97)
                 .returning(tags.c.id).cte("added"))
        return str(db.session.scalar(select(added.c.id)))

    @app.get("/_test/flush-a-tag")
    def flush_a_tag():
        db.session.add(Tag(slug="not-kept-flushed", name="Not kept", kind="feature"))
        db.session.flush()
        return "flushed, not committed"

    @app.get("/_test/insert-a-tag/<how>")
    def insert_a_tag(how):
        # Written as text: a plain INSERT, or one behind a WITH (which a read may begin with).
        lead = {"sql": "", "with": "WITH kept AS (SELECT 1) "}[how]
        db.session.execute(text(lead + "INSERT INTO tags (slug, name, kind, \"group\", "
                                "description, position) VALUES (:slug, 'Not kept', 'feature', "
                                "'', '', 99)"), {"slug": f"not-kept-{how}"})
        return "inserted, not committed"

    @app.get("/_test/rename-a-tag")
    def rename_a_tag():
        tag = db.session.scalar(select(Tag).order_by(Tag.id))
        tag.name = "Renamed, never saved"
        return "changed in memory only"

    yield app
    with app.app_context():
        db.session.execute(text("DELETE FROM tags WHERE slug LIKE 'not-kept-%'"))
        db.session.commit()


def _prepared(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(text("SELECT statement FROM pg_prepared_statements")))


@pytest.mark.parametrize("path", ["/_test/read", "/_test/read-with"])
def test_reads_keep_their_prepared_statements(own_app, path):
    client = own_app.test_client()
    for _ in range(8):
        assert client.get(path).status_code == 200
    # psycopg prepares a statement after five runs on a connection; a ROLLBACK at the end
    # of each request used to make it forget them all.
    assert any("FROM items" in s for s in _prepared(own_app))


@pytest.mark.parametrize("path", ["/_test/flush-a-tag", "/_test/insert-a-tag/sql",
                                  "/_test/insert-a-tag/with",
                                  "/_test/insert-a-tag-in-a-select"])
def test_what_a_request_wrote_and_did_not_commit_is_not_kept(own_app, path):
    client = own_app.test_client()
    assert client.get(path).status_code == 200
    with own_app.app_context():
        assert db.session.scalar(select(Tag.id).where(Tag.slug.like("not-kept-%"))) is None


def test_a_change_made_only_in_memory_is_not_saved(own_app):
    client = own_app.test_client()
    assert client.get("/_test/rename-a-tag").status_code == 200
    with own_app.app_context():
        assert db.session.scalar(select(Tag).order_by(Tag.id)).name != "Renamed, never saved"
