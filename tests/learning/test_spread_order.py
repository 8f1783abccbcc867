"""The dashboard's "How far ideas have spread": ideas tried in most other areas first, then
the rest newest first (as adopted), each with how many areas tried it and went ahead."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from govflow.accounts.models import LocalArea, Organisation
from govflow.clock import utcnow
from govflow.extensions import db
from govflow.items.models import Item
from govflow.learning.models import IdeaCopy

EXECUTIVE = "executive"


def _idea(title, area, people, *, state="adopted", closed_days_ago=None):
    now = utcnow()
    raiser = people["admin"]
    item = Item(kind="idea", title=title, description="Set up for the spread list.",
                area_id=db.session.scalar(select(LocalArea.id).where(LocalArea.slug == area)),
                organisation_id=db.session.scalar(select(Organisation.id).limit(1)),
                raised_by_id=raiser.id, state=state, tier="bronze", version=1,
                created_at=now - timedelta(days=60), updated_at=now, last_event_at=now,
                closed_at=None if closed_days_ago is None
                else now - timedelta(days=closed_days_ago))
    db.session.add(item)
    db.session.flush()
    return item


def _tried(original, copy_area, people, state):
    copy = _idea(original.title, copy_area, people, state=state)
    db.session.add(IdeaCopy(original_id=original.id, copy_id=copy.id,
                            area_id=copy.area_id, created_by_id=people["admin"].id))
    db.session.flush()


def _spread_rows(html: str) -> list[tuple[str, str, str]]:
    table = re.search(r'<table class="govuk-table" id="spread-table">(.*?)</table>', html, re.S)
    return [(title, tried, going) for title, tried, going in re.findall(
        r'<a class="govuk-link" href="/items/\d+">([^<]+)</a></td>\s*<td[^>]*>[^<]*</td>\s*'
        r'<td[^>]*>([^<]+)</td>\s*<td[^>]*>([^<]+)</td>', table.group(1))]


def test_ideas_tried_elsewhere_come_first_then_the_newest_adopted(client, auth, people):
    older = _idea("Spread: adopted a month ago, tried nowhere", "denaby", people,
                  closed_days_ago=30)
    newer = _idea("Spread: adopted yesterday, tried nowhere", "denaby", people,
                  closed_days_ago=1)
    once = _idea("Spread: tried in one other area", "denaby", people, closed_days_ago=40)
    twice = _idea("Spread: tried in two other areas", "denaby", people, closed_days_ago=50)
    _tried(once, "hexthorpe", people, "proposed")
    _tried(twice, "hexthorpe", people, "approved")
    _tried(twice, "balby", people, "proposed")
    db.session.commit()

    auth.login(people[EXECUTIVE].email)
    rows = _spread_rows(client.get("/dashboard").get_data(as_text=True))
    mine = [r for r in rows if r[0].startswith("Spread: ")]
    areas = db.session.scalar(select(db.func.count()).select_from(LocalArea)
                              .where(LocalArea.active)) - 1
    assert mine == [
        (twice.title, f"2 of {areas}", "1"),
        (once.title, f"1 of {areas}", "0"),
        (newer.title, f"0 of {areas}", "0"),
        (older.title, f"0 of {areas}", "0"),
    ]
    # The copies are not listed as ideas of their own.
    assert [r[0] for r in rows].count(twice.title) == 1
