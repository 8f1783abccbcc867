"""`govflow search rebuild` writes the index again and says how many documents it holds."""

from sqlalchemy import func, select

from govflow.extensions import db
from govflow.search.models import SearchDocument


def test_rebuild_says_how_many_documents(runner):
    before = db.session.scalar(select(func.count()).select_from(SearchDocument))
    result = runner.invoke(args=["search", "rebuild"])
    assert result.exit_code == 0, result.output
    assert result.output == f"Search index rebuilt: {before:,} documents.\n"
    assert db.session.scalar(select(func.count()).select_from(SearchDocument)) == before
