"""The dashboard issues a fixed number of SQL statements however many items there are."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import insert, select

from govflow.accounts.models import LocalArea
from govflow.clock import utcnow
from govflow.extensions import db
from govflow.items.models import Event, Item, ItemArea, Tag, item_tags
from tests.support.statements import recorded_statements

STATES = ("bronze", "silver", "gold", "paused", "unblocked", "closed")


def bulk_blockers(start: int, count: int, raiser_id: int) -> int:
    """Insert `count` blockers with their events, tags and extra areas by executemany.

    Setup, not the code under test: the rows are what the engine would have written (a
    raise event for each, an unblock event for unblocked and closed ones).
    """
    now = utcnow()
    areas = db.session.scalars(select(LocalArea.id).order_by(LocalArea.id)).all()
    tags = db.session.scalars(select(Tag.id).order_by(Tag.id)).all()
    rows = []
    for i in range(start, start + count):
        state = STATES[i % len(STATES)]
        tier = ("bronze", "silver", "gold")[i % 3] if state in ("paused", "unblocked", "closed") \
            else state
        raised = now - timedelta(days=1 + i % 200, hours=i % 7)
        rows.append({
            "kind": "blocker", "title": f"Bulk blocker {i}", "description": "Bulk.",
            "area_id": areas[i % len(areas)], "raised_by_id": raiser_id, "state": state,
            "tier": tier, "created_at": raised, "updated_at": raised, "last_event_at": raised,
            "due_at": raised + timedelta(days=3), "systemic": i % 50 == 0, "version": 1,
        })
    db.session.execute(insert(Item), rows)
    made = db.session.execute(
        select(Item.id, Item.state, Item.tier, Item.created_at, Item.area_id)
        .where(Item.title.like("Bulk blocker %")).order_by(Item.id).offset(start)
    ).all()
    events, links, extra = [], [], []
    for n, item in enumerate(made):
        events.append({"item_id": item.id, "trigger": "raise", "from_state": None,
                       "to_state": "bronze", "from_tier": None, "to_tier": "bronze",
                       "reason": "", "details": {}, "at": item.created_at})
        if item.state in ("unblocked", "closed"):
            events.append({"item_id": item.id, "trigger": "unblock", "from_state": item.tier,
                           "to_state": "unblocked", "from_tier": item.tier,
                           "to_tier": item.tier, "reason": "Done.", "details": {},
                           "at": item.created_at + timedelta(hours=n % 9)})
        links.append({"item_id": item.id, "tag_id": tags[n % len(tags)]})
        if n % 10 == 0:
            other = areas[(areas.index(item.area_id) + 1) % len(areas)]
            extra.append({"item_id": item.id, "area_id": other, "added_by_id": raiser_id,
                          "effect": "Here too.", "created_at": item.created_at})
    db.session.execute(insert(Event), events)
    db.session.execute(insert(item_tags), links)
    if extra:
        db.session.execute(insert(ItemArea), extra)
    db.session.flush()
    return len(made)


def statements_for(client, path: str) -> int:
    with recorded_statements() as run:
        response = client.get(path)
    assert response.status_code == 200
    return len(run)


def test_dashboard_queries_do_not_grow_with_the_number_of_items(auth, client, people):
    auth.login(people["admin"].email)
    admin = people["admin"].id
    client.get("/dashboard")  # warm up: first-request work is not the dashboard's
    assert bulk_blockers(0, 100, admin) == 100
    at_100 = statements_for(client, "/dashboard")
    api_100 = client.get("/api/v1/metrics").get_json()["headline"]

    assert bulk_blockers(100, 9_900, admin) == 9_900
    at_10000 = statements_for(client, "/dashboard")
    api_10000 = client.get("/api/v1/metrics").get_json()["headline"]

    assert at_100 == at_10000
    assert at_10000 <= 30
    # The extra items really were counted: 2 in 6 bulk blockers are unblocked or closed,
    # and 4 in 6 are open.
    assert api_10000["unblocked"] - api_100["unblocked"] == 3_300
    assert api_10000["open"] - api_100["open"] == 6_600
    for path in ("/dashboard/report.pdf", "/dashboard/handled_locally.csv"):
        assert statements_for(client, path) <= 30
