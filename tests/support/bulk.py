"""Bulk setup for load tests and benchmarks: many overdue Bronze blockers with their raise
events, written straight in SQL (setup, not the code under test) on SQLite or PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import create_engine, text

TITLE_PREFIX = "Load blocker "


def insert_overdue_blockers(url: str, n: int, now: datetime, *,
                            raiser: str = "priya.shah@dcst.example", area: str = "denaby",
                            organisation: str = "dcst") -> None:
    """n blockers at Bronze, raised four days before `now` and due one day before it."""
    engine = create_engine(url)
    raised, due = now - timedelta(days=4), now - timedelta(days=1)
    with engine.begin() as conn:
        ids = conn.execute(text(
            "SELECT u.id AS raiser, a.id AS area, o.id AS org FROM users u, local_areas a, "
            "organisations o WHERE u.email = :raiser AND a.slug = :area AND o.slug = :org"),
            {"raiser": raiser, "area": area, "org": organisation}).one()
        conn.execute(text("""
            INSERT INTO items (kind, title, description, area_id, organisation_id, raised_by_id,
                               state, tier, due_at, created_at, updated_at, last_event_at, version)
            VALUES ('blocker', :title, 'Bulk-made for a load test.', :area, :org, :raiser,
                    'bronze', 'bronze', :due, :raised, :raised, :raised, 1)"""),
            [{"title": f"{TITLE_PREFIX}{i}", "area": ids.area, "org": ids.org,
              "raiser": ids.raiser, "due": due, "raised": raised} for i in range(1, n + 1)])
        conn.execute(text("""
            INSERT INTO events (item_id, trigger, from_state, to_state, from_tier, to_tier,
                                actor_id, reason, details, at)
            SELECT id, 'raise', NULL, 'bronze', NULL, 'bronze', raised_by_id, '',
                   '{"version_before": 0}', created_at
            FROM items WHERE title LIKE :prefix"""), {"prefix": TITLE_PREFIX + "%"})
    engine.dispose()
