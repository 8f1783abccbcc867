"""The queue tabs' counts come from the tallies the database keeps (govflow/items/tallies.py).
They must say exactly what counting the items says, for every person's every queue, with or
without filters, whatever changed the items: the workflow, an added area, a hand-written
statement, the sweep's folding."""

from __future__ import annotations

import re

from sqlalchemy import func, select, text
from werkzeug.datastructures import MultiDict

from govflow.accounts.models import User
from govflow.checks import run_checks
from govflow.extensions import db
from govflow.items import services, tallies
from govflow.items.models import Item, ItemTally
from govflow.items.queries import ItemFilters, apply_filters, queue_scopes, visible_items
from govflow.systemic import services as systemic
from govflow.workflow import engine

FILTERS = [
    {},
    {"kind": "blocker"},
    {"kind": "idea"},
    {"state": "paused"},
    {"state": "bronze,silver"},
    {"tier": "gold", "kind": "blocker"},
    {"open": "1"},
    {"kind": "no-such-kind"},
]


def _counted(user, scope, filters=None) -> int:
    """Counting the items, as the lists did before the tallies: what the person may see."""
    query = visible_items(user).where(scope.clause())
    if filters is not None:
        query = apply_filters(query, filters)
    ids = query.with_only_columns(Item.id).subquery()
    return db.session.scalar(select(func.count()).select_from(ids))


def _changes(people, area):
    """A morning's work: blockers raised, escalated, paused, taken, and areas added to them
    ("we have this too"), including an area added to a blocker of another organisation."""
    raised = []
    for n, (who, where, org) in enumerate([
        ("practitioner", "denaby", "dcst"), ("ryan.cooper@syp.example", "balby", "syp"),
        ("practitioner", "denaby", "dcst"), ("ryan.cooper@syp.example", "balby", "syp"),
    ]):
        raised.append(services.raise_blocker(
            people[who], title=f"Tally check {n}", description="For the tally tests.",
            area=where, organisation=org))
    engine.fire(raised[0], "escalate", people["facilitator"], fields={"reason": "Trust."})
    engine.fire(raised[1], "escalate", people["megan.lloyd@dmbc.example"],
                fields={"reason": "Police."})
    engine.fire(raised[1], "escalate", people["claire.firth@dbth.example"],
                fields={"reason": "Gold."})
    engine.fire(raised[2], "pause", people["facilitator"], fields={"reason": "Legal."})
    engine.fire(raised[3], "take", people["megan.lloyd@dmbc.example"])
    admin = people["admin"]
    for item in (raised[0], raised[3]):
        for slug in ("denaby", "balby", "central-central"):
            if slug not in {a.slug for a in systemic.affected_areas(item)}:
                systemic.add_area(item, admin, area=slug, effect="We have this too.")
                break
    db.session.commit()
    return raised


def test_every_queue_tab_counts_what_counting_the_items_says(app, people, area):
    _changes(people, area)
    users = db.session.scalars(select(User).where(User.active).order_by(User.id)).all()
    checked = 0
    for user in users:
        scopes = {key: scope for key, _, scope in queue_scopes(user)}
        if not scopes:
            continue
        for args in FILTERS:
            filters = ItemFilters.from_args(MultiDict(args))
            for current in scopes:
                counts, narrowed = tallies.queue_counts(
                    scopes, current=current, narrow=tallies.narrowing(filters))
                expected = {key: _counted(user, scope) for key, scope in scopes.items()}
                assert counts == expected, (user.email, args)
                assert narrowed == _counted(user, scopes[current], filters), (user.email, args)
                checked += 1
    assert checked > 100  # every person with a queue, every filter, every tab


def test_filters_the_tallies_cannot_answer_are_left_to_the_items():
    for args in ({"area": "balby"}, {"tag": "x"}, {"q": "words"}, {"overdue": "1"}):
        assert tallies.narrowing(ItemFilters.from_args(MultiDict(args))) is None
    assert tallies.narrowing(ItemFilters.from_args(MultiDict({"kind": "idea"}))) is not None


def test_the_queue_page_shows_the_tallied_counts(client, auth, people, area):
    _changes(people, area)
    auth.login(people["executive"].email)
    html = client.get("/queue?show=gold&kind=blocker").get_data(as_text=True)
    user = db.session.get(User, people["executive"].id)
    gold = dict((k, s) for k, _, s in queue_scopes(user))["gold"]
    tab = re.search(r"Gold: everything at Gold[^(]*\((\d+)", html)
    assert tab and int(tab.group(1)) == _counted(user, gold)
    blockers = _counted(user, gold, ItemFilters(kind="blocker"))
    assert f"{blockers} items match your filters." in html


def _tally_problems() -> list[str]:
    check = next(r for r in run_checks() if r.name == "item_tallies_match_items")
    return check.problems


def test_the_tallies_follow_changes_made_outside_the_application(app, people):
    assert _tally_problems() == []
    item = db.session.scalar(select(Item).where(Item.state == "bronze").order_by(Item.id))
    # A hand-written statement (a data fix, another client) is counted by the triggers too.
    db.session.execute(text("UPDATE items SET area_id = (SELECT min(id) FROM local_areas "
                            "WHERE id <> :area), organisation_id = NULL WHERE id = :id"),
                       {"area": item.area_id, "id": item.id})
    db.session.execute(text("UPDATE items SET title = 'Renamed' WHERE id = :id"),
                       {"id": item.id})
    before = db.session.scalar(select(func.count()).select_from(ItemTally))
    db.session.execute(text("UPDATE items SET updated_at = updated_at WHERE id = :id"),
                       {"id": item.id})
    # An update that moves nothing appends nothing.
    assert db.session.scalar(select(func.count()).select_from(ItemTally)) == before
    db.session.execute(text(
        "INSERT INTO items (kind, title, area_id, raised_by_id, state, tier, created_at, "
        "updated_at, last_event_at, version) SELECT 'blocker', 'Imported', area_id, "
        "raised_by_id, 'gold', 'gold', created_at, updated_at, last_event_at, 1 FROM items "
        "WHERE id = :id"), {"id": item.id})
    assert _tally_problems() == []
    db.session.execute(text("DELETE FROM items WHERE title = 'Imported'"))
    assert _tally_problems() == []


def test_folding_keeps_every_count_and_leaves_one_row_per_combination(app, people, area):
    _changes(people, area)
    executive = db.session.get(User, people["executive"].id)
    scopes = {key: scope for key, _, scope in queue_scopes(executive)}
    before, _ = tallies.queue_counts(scopes)
    rows = db.session.scalar(select(func.count()).select_from(ItemTally))
    assert tallies.fold() == rows
    combinations = db.session.scalar(select(func.count()).select_from(
        select(Item.tier, Item.state, Item.kind, Item.area_id, Item.organisation_id)
        .distinct().subquery()))
    assert db.session.scalar(select(func.count()).select_from(ItemTally)) == combinations
    assert tallies.queue_counts(scopes)[0] == before
    assert _tally_problems() == []


def test_the_sweep_folds_the_tallies(app, people, area):
    from govflow import sweep

    _changes(people, area)
    sweep.run(keep_lines=False)
    combinations = db.session.scalar(select(func.count()).select_from(
        select(Item.tier, Item.state, Item.kind, Item.area_id, Item.organisation_id)
        .distinct().subquery()))
    assert db.session.scalar(select(func.count()).select_from(ItemTally)) == combinations
    assert _tally_problems() == []


def test_govflow_check_reports_a_tally_that_does_not_match(app, runner):
    item = db.session.scalar(select(Item).order_by(Item.id))
    expected = db.session.scalar(select(func.count()).select_from(Item).where(
        Item.tier == item.tier, Item.state == item.state, Item.kind == item.kind,
        Item.area_id == item.area_id, Item.organisation_id.is_(item.organisation_id)
        if item.organisation_id is None else Item.organisation_id == item.organisation_id))
    db.session.add(ItemTally(tier=item.tier, state=item.state, kind=item.kind,
                             area_id=item.area_id, organisation_id=item.organisation_id, n=1))
    db.session.flush()
    result = runner.invoke(args=["check"])
    assert result.exit_code == 1
    assert "item_tallies_match_items" in result.output
    assert (f"tallies say {expected + 1} items at {item.tier}/{item.state}/{item.kind} "
            f"in area {item.area_id} but there are {expected}") in result.output


def test_each_areas_open_items_count_its_own_and_those_added_to_it(app, people, area):
    from govflow.accounts.models import LocalArea
    from govflow.items.models import ItemArea
    from govflow.items.queries import OPEN_STATES

    _changes(people, area)
    ids = db.session.scalars(select(LocalArea.id)).all()
    own = select(Item.area_id.label("area_id"), Item.id.label("item_id"),
                 Item.kind.label("kind")).where(Item.state.in_(OPEN_STATES))
    extra = (select(ItemArea.area_id.label("area_id"), Item.id.label("item_id"),
                    Item.kind.label("kind"))
             .join(Item, Item.id == ItemArea.item_id).where(Item.state.in_(OPEN_STATES)))
    both = own.union(extra).subquery()
    expected = {(a, k): n for a, k, n in db.session.execute(
        select(both.c.area_id, both.c.kind, func.count(func.distinct(both.c.item_id)))
        .group_by(both.c.area_id, both.c.kind))}
    assert tallies.open_items_by_area(ids) == expected
