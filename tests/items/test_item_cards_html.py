"""The list pages' item cards, built in Python (govflow/items/cards.py), are exactly what the
`item_card` macro in templates/macros/items.html makes, for every kind of item."""

import enum
from itertools import product
from types import SimpleNamespace

from govflow.items.cards import ItemCardRenderer

MACRO = ('{% from "macros/items.html" import item_card %}'
         "{% for item in items %}{{ item_card(item, heading_level=level) }}{% endfor %}")


class Tier(enum.Enum):
    SILVER = "silver"


KINDS = ["blocker", "idea", "some_<new>_kind"]
STATES = ["bronze", "silver", "gold", "paused", "unblocked", "closed", "withdrawn", "proposed",
          "approved", "declined", "challenged", "trialling", "evaluated", "adopted", "stopped",
          "by_default", "", "A <b>new</b> & odd state"]
TIERS = ["bronze", "silver", "gold", None, "", Tier.SILVER, "<platinum>"]
AREAS = [SimpleNamespace(name="Denaby & Conisbrough"), SimpleNamespace(name="<Thorne>"), None]
TITLES = ['Keys & "rooms" <b>at</b> the hub', "Plain title", "It's {braces} and 50% off"]
DEADLINES = [
    {},  # a row with no deadline attributes at all (an item, not a list row)
    {"due_text": "", "is_overdue": False},
    {"due_text": "Due in 2 working days", "is_overdue": False},
    {"due_text": "Overdue by 1 working day", "is_overdue": True},
    {"due_text": "Paused: the clock is stopped until <1 May> & resumed", "is_overdue": False},
    {"due_text": "Due today"},  # overdue not known
]


def _items():
    out = []
    n = 0
    for kind, state, tier in product(KINDS, STATES, TIERS):
        n += 1
        out.append(SimpleNamespace(id=n, kind=kind, state=state, tier=tier,
                                   title=TITLES[n % len(TITLES)], area=AREAS[n % len(AREAS)],
                                   **DEADLINES[n % len(DEADLINES)]))
    for area, title, deadline in product(AREAS, TITLES, DEADLINES):
        n += 1
        out.append(SimpleNamespace(id=n, kind="blocker", state="gold", tier="gold",
                                   title=title, area=area, **deadline))
    # Dicts, as a template would read them, and an item without a tier.
    out.append({"id": 9001, "kind": "idea", "state": "proposed", "tier": "bronze",
                "title": "A dict <item>", "area": {"name": "Doncaster"},
                "due_text": "Due tomorrow", "is_overdue": True})
    out.append(SimpleNamespace(id="9002", kind="idea", state="trialling", title="No tier",
                               area=AREAS[0]))
    return out


def test_python_cards_are_the_macros_markup(app):
    with app.test_request_context():
        macro = app.jinja_env.from_string(MACRO)
        python = ItemCardRenderer(app.jinja_env)
        items = _items()
        for level in (2, 3):
            assert str(python(items, level)) == macro.render(items=items, level=level)
        assert str(python([], 3)) == macro.render(items=[], level=3)
        # One item at a time too, so a difference names the item that makes it.
        for item in items:
            assert str(python([item], 3)) == macro.render(items=[item], level=3), item


def test_cards_for_the_demo_items_are_the_macros_markup(app):
    from sqlalchemy import select

    from govflow.clock import utcnow
    from govflow.extensions import db
    from govflow.items import presenters
    from govflow.items.models import Item

    with app.test_request_context():
        items = db.session.scalars(select(Item).order_by(Item.id)).all()
        assert items
        rows = presenters.rows_for(items, utcnow())
        macro = app.jinja_env.from_string(MACRO)
        assert str(ItemCardRenderer(app.jinja_env)(rows, 3)) == macro.render(items=rows, level=3)


PAGINATION = ('{% from "macros/items.html" import pagination %}'
              "{{ pagination(page, pages, url, label) }}")


def test_python_pagination_is_the_macros_markup(app):
    from govflow.items.cards import pagination_html

    def url(n):
        return f"/queue?show=gold&q=<a>&x=\"1\"&page={n}"

    with app.test_request_context():
        macro = app.jinja_env.from_string(PAGINATION)
        for pages in [0, 1, 2, 3, 4, 5, 6, 7, 10, 1292]:
            for page in sorted({1, 2, 3, 4, 5, pages // 2, pages - 2, pages - 1, pages}):
                if page < 1:
                    continue
                for label in ["Pages", "Pages of <items> & more"]:
                    assert str(pagination_html(page, pages, url, label)) == macro.render(
                        page=page, pages=pages, url=url, label=label), (page, pages, label)


def test_list_rows_read_without_the_orm_make_the_items_cards_page_by_page(app):
    """The list pages read each page's rows as plain columns (queries.card_page): page by
    page, across the end of the items with a deadline, the cards are the macro's for the
    same page of ORM items, in the same order."""
    from sqlalchemy import func, select

    from govflow.clock import utcnow
    from govflow.extensions import db
    from govflow.items import presenters, queries
    from govflow.items.models import Item

    with app.test_request_context():
        undated = db.session.scalars(select(Item).order_by(Item.id.desc()).limit(3)).all()
        for item in undated:  # as the generated benchmark data has its paused items
            item.due_at = None
        db.session.flush()
        query = queries.overdue_first(select(Item))
        total = db.session.scalar(select(func.count(Item.id)))
        assert total > 10
        macro = app.jinja_env.from_string(MACRO)
        cards = ItemCardRenderer(app.jinja_env)
        now = utcnow()
        for size in (4, 5, 7):  # a page ending among the deadlines, or just after them
            seen = []
            for offset in range(0, total + size, size):
                items = queries.page_of(query, offset, size)
                rows = presenters.card_rows(queries.card_page(query, offset, size), now)
                assert [r.id for r in rows] == [i.id for i in items]
                assert str(cards(rows, 3)) == macro.render(
                    items=presenters.rows_for(items, now), level=3)
                seen += [r.id for r in rows]
            assert seen[-3:] == sorted(i.id for i in undated)
            assert len(seen) == len(set(seen)) == total
