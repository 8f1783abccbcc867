"""The list pages read each page's rows as plain columns (queries.card_page), not as ORM
items: page by page they are the same items, in the same order, and make the same cards."""

from sqlalchemy import func, select

from govflow.clock import utcnow
from govflow.extensions import db
from govflow.items import presenters, queries
from govflow.items.models import Item

CARDS = '{% set heading_level = 3 %}{% include "items/_cards.html" %}'


def test_list_rows_read_without_the_orm_make_the_items_cards_page_by_page(app):
    """Across the end of the items with a deadline, the cards are those of the same page of
    ORM items (a page can end among the deadlines or just after them)."""
    with app.test_request_context():
        undated = db.session.scalars(select(Item).order_by(Item.id.desc()).limit(3)).all()
        for item in undated:  # as the generated benchmark data has its paused items
            item.due_at = None
        db.session.flush()
        query = queries.overdue_first(select(Item))
        total = db.session.scalar(select(func.count(Item.id)))
        assert total > 10
        cards = app.jinja_env.from_string(CARDS)
        now = utcnow()
        for size in (4, 5, 7):
            seen = []
            for offset in range(0, total + size, size):
                items = queries.page_of(query, offset, size)
                rows = presenters.card_rows(queries.card_page(query, offset, size), now)
                assert [r.id for r in rows] == [i.id for i in items]
                assert cards.render(rows=rows) == cards.render(
                    rows=presenters.rows_for(items, now))
                seen += [r.id for r in rows]
            assert seen[-3:] == sorted(i.id for i in undated)
            assert len(seen) == len(set(seen)) == total
        assert cards.render(rows=presenters.rows_for(undated, now)).count("gf-item-card") == 3
