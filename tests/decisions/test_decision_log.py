"""The decision log's filters, pages and CSV, against a set of 240 decisions made through the
engine (ideas approved, declined, by default, adopted; blockers unblocked, escalations refused,
some in forum meetings) in the first half of 2026, away from the demo's own decisions."""

from __future__ import annotations

import csv
import html as html_lib
import io
import re
from collections import Counter
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from govflow.accounts.models import LocalArea, RoleAssignment, User
from govflow.extensions import db
from govflow.forums.models import Forum, Meeting
from govflow.items.models import Item
from govflow.workflow import engine
from tests.support.sessions import fresh_globals_per_request, session_on

START = datetime(2026, 1, 5, 10, 0)  # a Monday; the set runs to late June 2026
AREAS = ("denaby", "central-central", "hexthorpe", "balby")
PERIOD = {"from": "2026-01-01", "to": "2026-06-30"}  # none of the demo's decisions


def _first(query):
    return db.session.scalars(query).first()


@pytest.fixture(scope="module")
def _module_connection(app):
    """One connection and outer transaction for the whole module: the set is built once in it,
    each test runs in a savepoint inside it, and it is all rolled back at the end."""
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        try:
            with session_on(connection):
                people = {u.email: u for u in db.session.scalars(select(User))}
                expected = _build_decision_set(people)
                db.session.remove()
                yield connection, expected
        finally:
            outer.rollback()
            connection.close()


@pytest.fixture(autouse=True)
def _transaction(app, _module_connection):
    """Overrides the suite's per-test transaction: a savepoint in the module's transaction."""
    connection, _ = _module_connection
    with fresh_globals_per_request(app), app.app_context():
        savepoint = connection.begin_nested()
        try:
            with session_on(connection):
                yield
        finally:
            if savepoint.is_active:
                savepoint.rollback()


@pytest.fixture
def decision_set(_module_connection):
    return _module_connection[1]


def _build_decision_set(by_email):
    """240 decisions, each recorded the way the app records them (engine.fire), with what the
    test expects of each: area, tier, outcome, decider, meeting's forum and London date."""
    from govflow.seeding import demo_sign_ins

    people = {role: by_email[email] for role, email, _name in demo_sign_ins()}
    areas = {a.slug: a for a in db.session.scalars(select(LocalArea))}
    facilitator = {
        slug: _first(select(User).join(RoleAssignment).where(
            RoleAssignment.role == "facilitator", RoleAssignment.area_id == areas[slug].id))
        for slug in AREAS
    }
    head = people["head_of_service"]
    executive = people["executive"]
    forum = db.session.scalar(select(Forum).where(Forum.slug == "central-forum"))
    meetings = []
    for week in range(4):
        m = Meeting(forum_id=forum.id, starts_at=START + timedelta(weeks=6 * week), status="held")
        db.session.add(m)
        meetings.append(m)
    db.session.flush()

    expected = []
    for n in range(240):
        slug = AREAS[n % 4]
        at = START + timedelta(days=(n * 173) // 240, hours=n % 6)  # spread over ~24 weeks
        kind = "blocker" if n % 5 == 4 else "idea"
        if kind == "idea":
            tier = ("bronze", "bronze", "silver", "gold")[n % 4 if n % 3 else 0]
            funding = {"bronze": 30_000, "silver": 500_000, "gold": 2_000_000}[tier]
            item = Item(kind="idea", title=f"Log idea {n}", description="A trial.",
                        why="It helps.", funding_pence=funding, area_id=areas[slug].id,
                        organisation_id=head.organisation_id, raised_by=people["practitioner"])
            engine.start(item, people["practitioner"], now=at - timedelta(hours=1), tier=tier)
            decider = {"bronze": facilitator[slug], "silver": head, "gold": executive}[tier]
            meeting = meetings[n % 4] if n % 7 == 0 else None
            if n % 11 == 0:
                trigger, decider, outcome = "approve_by_default", None, "approved"
                fields = {"summary": "Approved by default — no objection within 5 working days"}
            elif n % 3 == 0:
                trigger, outcome = "decline", "declined"
                fields = {"reason_category": "cost", "why_not": f"=SUM(A{n}) no budget",
                          "what_would_make_yes": "A partner to share the cost."}
            else:
                trigger, outcome = "approve", "approved"
                fields = {"conditions": "Report back in a month."}
            engine.fire(item, trigger, decider, fields=fields, now=at, meeting=meeting)
        else:
            tier = "bronze" if n % 2 else "silver"
            item = Item(kind="blocker", title=f"Log blocker {n}", description="Stuck.",
                        area_id=areas[slug].id, organisation_id=head.organisation_id,
                        raised_by=people["practitioner"])
            engine.start(item, people["practitioner"], now=at - timedelta(hours=2))
            meeting = None
            if tier == "bronze":
                trigger, decider, outcome = "unblock", facilitator[slug], "unblocked"
                fields = {"resolution": "Agreed a way through."}
            else:
                engine.fire(item, "escalate", facilitator[slug], fields={"reason": "Needs Silver"},
                            now=at - timedelta(hours=1))
                trigger, decider, outcome = "refuse_escalation", head, "escalation_refused"
                fields = {"reason": "Bronze can sort this with the school directly."}
            engine.fire(item, trigger, decider, fields=fields, now=at, meeting=meeting)
        expected.append({
            "kind": kind, "area": slug, "tier": tier, "outcome": outcome,
            "decider": decider.id if decider else None, "forum": "central-forum" if meeting else None,
            "date": at.date(), "title": item.title,
        })
    db.session.commit()
    return expected


def _count(page_html: str) -> int:
    match = re.search(r"of (\d+) decisions?|No decisions match", page_html)
    assert match, "the log says how many decisions match"
    return int(match.group(1)) if match.group(1) else 0


def _csv(client, query) -> list[dict]:
    response = client.get("/decisions/export.csv", query_string=query)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    text = response.get_data(as_text=True).lstrip("\ufeff")
    *rows, root = list(csv.DictReader(io.StringIO(text)))
    # The last line is the record root, alone in the first column (a witness for
    # govflow verify-export), not a decision.
    assert root["Decision"].startswith(("Record root on ", "No record root has been taken"))
    assert not any(v for k, v in root.items() if k != "Decision")
    return rows


def test_the_set_is_at_least_200_decisions_and_all_are_listed(auth, client, people, decision_set):
    assert len(decision_set) >= 200
    auth.login(people["admin"].email)
    page = client.get("/decisions", query_string=PERIOD).get_data(as_text=True)
    assert _count(page) == len(decision_set)
    assert "Showing 1 to 25 of 240 decisions" in page
    assert page.count('class="gf-decision"') == 25
    rows = _csv(client, PERIOD)
    assert len(rows) == 240
    assert {r["Title"] for r in rows} == {e["title"] for e in decision_set}


FILTERS = [
    ({"area": "denaby"}, lambda e: e["area"] == "denaby"),
    ({"area": ["hexthorpe", "balby"]}, lambda e: e["area"] in ("hexthorpe", "balby")),
    ({"tier": "silver"}, lambda e: e["tier"] == "silver"),
    ({"outcome": "declined"}, lambda e: e["outcome"] == "declined"),
    ({"outcome": ["unblocked", "escalation_refused"]},
     lambda e: e["outcome"] in ("unblocked", "escalation_refused")),
    ({"forum": "central-forum"}, lambda e: e["forum"] == "central-forum"),
    ({"decider": "default"}, lambda e: e["decider"] is None),
    ({"kind": "blocker", "tier": "silver"}, lambda e: e["kind"] == "blocker" and e["tier"] == "silver"),
    ({"area": "central-central", "outcome": "approved", "tier": "bronze"},
     lambda e: e["area"] == "central-central" and e["outcome"] == "approved" and e["tier"] == "bronze"),
    ({"from": "2026-03-01", "to": "2026-03-31"},
     lambda e: e["date"].month == 3),
]


@pytest.mark.parametrize(("query", "keep"), FILTERS,
                         ids=[",".join(f"{k}={v}" for k, v in q.items()) for q, _ in FILTERS])
def test_each_filter_shows_exactly_the_matching_decisions_on_the_page_and_in_the_csv(
    auth, client, people, decision_set, query, keep
):
    wanted = [e for e in decision_set if keep(e)]
    assert wanted, "the set exercises this filter"
    assert len(wanted) < len(decision_set), "the filter leaves something out"
    auth.login(people["admin"].email)
    full = PERIOD | query
    page = client.get("/decisions", query_string=full).get_data(as_text=True)
    assert _count(page) == len(wanted)
    rows = _csv(client, full)
    assert Counter(r["Title"] for r in rows) == Counter(e["title"] for e in wanted)


def test_filter_by_decider(auth, client, people, decision_set):
    head = people["head_of_service"]
    wanted = [e for e in decision_set if e["decider"] == head.id]
    auth.login(people["admin"].email)
    rows = _csv(client, PERIOD | {"decider": str(head.id)})
    assert len(rows) == len(wanted) > 0
    assert {r["Decided by"] for r in rows} == {head.display_name}


def test_the_decided_by_list_offers_everyone_who_decided_something_by_name(
        auth, client, people, decision_set):
    from govflow.decisions.models import Decision

    auth.login(people["admin"].email)
    html = client.get("/decisions").get_data(as_text=True)
    picker = html[html.index('id="filter-decider"'):]
    picker = picker[:picker.index("</select>")]
    offered = re.findall(r'<option value="(\d+)"[^>]*>([^<]*)</option>', picker)
    deciders = db.session.execute(
        select(User.id, User.display_name)
        .where(User.id.in_(select(Decision.decided_by_id).where(
            Decision.decided_by_id.is_not(None))))
        .order_by(User.display_name)).all()
    assert len(deciders) > 3
    assert [(int(i), html_lib.unescape(name)) for i, name in offered] == [tuple(d) for d in deciders]
    assert people["practitioner"].id not in {int(i) for i, _ in offered}  # decided nothing


def test_pages_walk_through_every_decision_once_newest_first(auth, client, people, decision_set):
    auth.login(people["admin"].email)
    seen = []
    for n in range(1, 11):
        page = client.get("/decisions", query_string=PERIOD | {"page": n}).get_data(as_text=True)
        seen += re.findall(r'id="decision-(\d+)"', page)
    assert len(seen) == len(set(seen)) == 240
    rows = _csv(client, PERIOD)
    assert [r["Decision"] for r in rows] == seen  # the CSV is in the same order as the pages
    decided = [r["Decided at (UK time)"] for r in rows]
    assert decided == sorted(decided, reverse=True)
    last = client.get("/decisions", query_string=PERIOD | {"page": 10}).get_data(as_text=True)
    assert "Showing 226 to 240 of 240 decisions" in last


def test_the_csv_neutralises_formulas_and_links_each_decision_to_its_item(
    auth, client, people, decision_set
):
    auth.login(people["admin"].email)
    rows = _csv(client, PERIOD | {"outcome": "declined"})
    assert rows and all(r["Why not"].startswith("'=SUM(") for r in rows)
    assert all(r["Main reason for saying no"] == "Cost" for r in rows)
    assert all(re.search(r"/items/\d+$|item=\d+", r["Link"]) for r in rows)


def test_by_default_decisions_say_so_and_name_no_decider(auth, client, people, decision_set):
    auth.login(people["admin"].email)
    page = client.get("/decisions", query_string=PERIOD | {"decider": "default"}).get_data(
        as_text=True)
    assert "<strong>By default</strong> — nobody answered in time" in page
    rows = _csv(client, PERIOD | {"decider": "default"})
    assert all(r["By default"] == "yes" and r["Decided by"] == "" for r in rows)


def test_a_bad_date_is_reported_beside_the_filter_and_not_applied(auth, client, people,
                                                                   decision_set):
    auth.login(people["admin"].email)
    response = client.get("/decisions", query_string={"from": "31/02/2026", "to": "2026-06-30"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Decided from must be a real date" in page
    assert 'href="#filter-from"' in page
    assert _count(page) >= 240


def test_everyone_reads_every_decision_except_on_restricted_items_not_theirs(
        auth, client, people, decision_set):
    """Reading is open: a Denaby facilitator reads every area's decisions, except those on
    an item restricted away from her."""
    facilitator = people["facilitator"]  # Denaby
    auth.login(facilitator.email)
    rows = _csv(client, PERIOD)
    assert len(rows) == len(decision_set)
    assert {r["Area"] for r in rows} > {"Denaby"}
    balby = db.session.scalar(select(Item).where(
        Item.title == next(e["title"] for e in decision_set if e["area"] == "balby")))
    engine.set_restricted(balby, balby.raised_by, restricted=True, reason="A staff matter")
    db.session.flush()
    rows = _csv(client, PERIOD)
    assert balby.title not in {r["Title"] for r in rows}
    assert len(rows) == len(decision_set) - sum(e["title"] == balby.title for e in decision_set)


def test_the_api_lists_the_same_decisions_with_the_same_filters(auth, client, people,
                                                                 decision_set):
    auth.login(people["admin"].email)
    query = PERIOD | {"area": "balby", "outcome": "approved", "per_page": 10}
    first = client.get("/api/v1/decisions", query_string=query).get_json()
    wanted = [e for e in decision_set if e["area"] == "balby" and e["outcome"] == "approved"]
    assert first["total"] == len(wanted)
    assert first["pages"] == -(-len(wanted) // 10)
    assert len(first["decisions"]) == 10
    titles = []
    for page in range(1, first["pages"] + 1):
        body = client.get("/api/v1/decisions", query_string=query | {"page": page}).get_json()
        titles += [d["item"]["title"] for d in body["decisions"]]
        assert all(d["outcome"] == "approved" and d["item"]["area"] == "balby"
                   for d in body["decisions"])
    assert Counter(titles) == Counter(e["title"] for e in wanted)
    bad = client.get("/api/v1/decisions", query_string={"from": "soon"})
    assert bad.status_code == 400 and "from" in bad.get_json()["fields"]
