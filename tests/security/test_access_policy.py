"""The access policy (govflow/permissions/): reading is open, acting comes from one's own
place, and the policy module stands apart from the services that ask it."""

from __future__ import annotations

import ast
from pathlib import Path

from sqlalchemy import select

from govflow.extensions import db
from govflow.items.models import Event, Item
from tests.items.blocker_pages import csrf_from, text_of

ROOT = Path(__file__).resolve().parents[2]
GOLD_DENABY = "Nobody will say what we can share with school and health visiting without consent"
BRONZE_DENABY = "A drop-in stall on market day needs a street trading consent we cannot get in time"
UNBLOCKED_DENABY = ("Community groups cannot book family hub rooms: only council staff can use "
                    "the booking system")


def _item(title: str) -> Item:
    return db.session.scalar(select(Item).where(Item.title == title))


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


POLICY = ROOT / "govflow" / "permissions"


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def test_the_policy_module_imports_no_domain_service():
    """Services ask the policy; the policy reads models only, so it is in no import cycle."""
    # Its own modules (the rules by area, deputies among them) import each other, and models.
    allowed = {"govflow.extensions", "govflow.accounts.models", "govflow.accounts.deputy_models",
               "govflow.items.models", "govflow.forums.models",
               } | {_module_name(p) for p in POLICY.glob("*.py")}
    for path in POLICY.glob("*.py"):
        imported = {m for m in _imports(path) if m.startswith("govflow")}
        assert imported <= allowed, (path.name, sorted(imported - allowed))


def test_the_policy_module_is_in_no_import_cycle():
    modules = {_module_name(path): path for path in (ROOT / "govflow").rglob("*.py")}
    graph = {}
    for name, path in modules.items():
        graph[name] = set()
        for imported in _imports(path):
            if imported in modules:
                graph[name].add(imported)
    for start in (_module_name(p) for p in POLICY.glob("*.py")):
        seen, stack = set(), list(graph[start])
        while stack:
            here = stack.pop()
            assert here != start, f"{start} imports something that imports it back"
            if here not in seen:
                seen.add(here)
                stack.extend(graph.get(here, ()))


def _post(client, path: str, data: dict, page: str) -> object:
    token = csrf_from(client.get(page).get_data(as_text=True))
    return client.post(path, data={"csrf_token": token, **data})


def test_joining_a_blocker_then_acting_on_it_is_refused(client, auth, people):
    """A Balby facilitator says "we have this too" on a Denaby blocker: Balby is affected, and
    she gains no power to unblock it (403, the blocker unchanged)."""
    item = _item(BRONZE_DENABY)
    before = (item.state, item.version, len(item.events))
    auth.login("megan.lloyd@dmbc.example")
    page = f"/items/{item.id}/we-have-this-too"
    assert client.get(page).status_code == 200
    added = _post(client, page, {"area": "balby", "effect": "Our market stall has the same wait."},
                  page)
    assert added.status_code == 302, text_of(added)
    assert "Balby" in text_of(client.get(f"/items/{item.id}"))

    assert client.get(f"/items/{item.id}/actions/unblock").status_code == 403
    refused = _post(client, f"/items/{item.id}/actions/unblock",
                    {"resolution": "Sorted it.", "version": str(item.version)},
                    f"/items/{item.id}")
    assert refused.status_code == 403
    db.session.expire_all()
    item = _item(BRONZE_DENABY)
    assert (item.state, item.version) == before[:2]
    assert not db.session.scalar(select(Event.id).where(
        Event.item_id == item.id, Event.trigger == "unblock"))


def test_joining_a_gold_blocker_gives_a_sponsor_no_power_to_refer_it_down(client, auth):
    item = _item(GOLD_DENABY)
    assert item.tier == "gold"
    state, version = item.state, item.version
    auth.login("nadia.rahman@dmbc.example")  # sponsor of Hexthorpe
    page = f"/items/{item.id}/we-have-this-too"
    added = _post(client, page, {"area": "hexthorpe", "effect": "The same question in Hexthorpe."},
                  page)
    assert added.status_code == 302, text_of(added)
    refused = _post(client, f"/items/{item.id}/actions/refer_to_bronze",
                    {"support_given": "Go ahead.", "version": str(version)}, f"/items/{item.id}")
    assert refused.status_code == 403
    db.session.expire_all()
    item = _item(GOLD_DENABY)
    assert (item.state, item.version) == (state, version)


def test_a_practitioner_reads_how_another_area_unblocked_a_blocker_with_no_action_buttons(
        client, auth):
    """Learning travels: a Hexthorpe practitioner opens a Denaby blocker that was unblocked,
    reads what was done and the decision, and is offered nothing to do to it."""
    item = _item(UNBLOCKED_DENABY)
    auth.login("liam.fletcher@hexthorpe-park-friends.example")
    page = client.get(f"/items/{item.id}")
    assert page.status_code == 200
    text = text_of(page)
    assert "Unblocked" in text
    html = page.get_data(as_text=True)
    assert f"/items/{item.id}/actions/" not in html
    decisions = text_of(client.get(f"/decisions?q={item.id}"))
    assert page.status_code == 200 and decisions


def test_a_head_of_service_reads_a_blocker_at_silver_in_an_area_she_works_with(client, auth,
                                                                             people):
    item = db.session.scalar(select(Item).where(Item.state == "silver").order_by(Item.id))
    auth.login(people["head_of_service"].email)
    assert client.get(f"/items/{item.id}").status_code == 200


def test_restricting_needs_a_reason_and_both_steps_are_in_the_history(client, auth, people):
    item = _item(BRONZE_DENABY)
    version = item.version
    auth.login(people["facilitator"].email)  # Denaby's facilitator
    page = f"/items/{item.id}/restriction"
    assert client.get(page).status_code == 200
    refused = _post(client, page, {"reason": "  ", "version": str(version)}, page)
    assert refused.status_code == 400
    assert "Say why it must be restricted" in text_of(refused)
    db.session.expire_all()
    assert not _item(BRONZE_DENABY).restricted
    assert _item(BRONZE_DENABY).version == version

    done = _post(client, page, {"reason": "A live safeguarding concern", "version": str(version)},
                 page)
    assert done.status_code == 302, text_of(done)
    shown = text_of(client.get(f"/items/{item.id}"))
    assert "Restricted" in shown and "A live safeguarding concern" in shown
    assert "Restricted to the people involved" in shown  # the event in its history

    lifted = _post(client, page, {"reason": "The concern is closed"}, page)
    assert lifted.status_code == 302, text_of(lifted)
    shown = text_of(client.get(f"/items/{item.id}"))
    assert "No longer restricted" in shown and "Everyone in the partnership" in shown
    triggers = db.session.scalars(select(Event.trigger).where(
        Event.item_id == item.id, Event.trigger.in_(("restrict", "unrestrict")))
        .order_by(Event.id)).all()
    assert triggers == ["restrict", "unrestrict"]


def test_a_practitioner_of_another_area_may_not_restrict(client, auth):
    item = _item(BRONZE_DENABY)
    auth.login("liam.fletcher@hexthorpe-park-friends.example")
    assert client.get(f"/items/{item.id}/restriction").status_code == 403
    assert "Restrict it" not in text_of(client.get(f"/items/{item.id}"))


def test_the_item_page_says_who_acts_next_by_name(client, auth, people):
    item = _item(BRONZE_DENABY)
    auth.login("liam.fletcher@hexthorpe-park-friends.example")
    text = text_of(client.get(f"/items/{item.id}"))
    assert "Who can see it Everyone in the partnership" in text
    assert "Escalate to the next tier: " in text
    assert "Rachel Dunn" in text and "Lorraine Hebden" in text  # Denaby's facilitators
