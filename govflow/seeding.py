"""Loads reference data and the demo partnership from the YAML files in seeds/. Idempotent."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import yaml
from flask import current_app
from sqlalchemy import select

from govflow.clock import utcnow
from govflow.extensions import db
from govflow.hooks import domain_hooks

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

# Demo text for the fields a scripted journey needs, by trigger.
JOURNEY_FIELDS = {
    "escalate": {"reason": "This needs a decision beyond what we can agree locally."},
    "refer_down": {"support_given": "Permission given to go ahead locally; the service lead "
                                    "has confirmed it in writing."},
    "unblock": {"resolution": "Agreed a way through with the service concerned; practitioners "
                              "have been told what they can now do."},
    "reopen": {"reason": "The fix has not held: the same problem came back this week."},
    "pause": {"reason": "Waiting on the information governance team's written view."},
    "withdraw": {"reason": "Resolved another way before it needed escalating."},
    # Ideas (an entry's own `fields:` take precedence).
    "approve": {"conditions": "Report back to the local governance group after the first "
                              "month."},
    "challenge": {"reason": "The concern can be met another way; we would like the next tier "
                            "to look at it again."},
    "evaluate": {"what_happened": "The trial ran as planned with practitioners and local "
                                  "volunteers taking part each week.",
                 "what_learnt": "Families came who would not have gone to the hub, and "
                                "practitioners got to know each other's services.",
                 "recommendation": "Keep it going and offer it to other areas."},
    "adopt": {"reason": "The evaluation shows it works and costs little: offer it across the "
                        "borough."},
    "stop": {"reason": "The evaluation shows it did not reach the families it was meant for."},
}


def rows_by(model, key: str) -> dict:
    """Every row of a small table by one of its unique columns (areas by slug, people by
    email), for demo data that names them."""
    return {getattr(row, key): row for row in db.session.scalars(select(model))}


def _read(relative: str):
    with (SEEDS / relative).open(encoding="utf-8") as fh:
        return yaml.safe_load(fh) or []


def _upsert(model, key: str, value, **fields):
    row = db.session.scalar(select(model).where(getattr(model, key) == value))
    if row is None:
        row = model(**{key: value}, **fields)
        db.session.add(row)
        return row, True
    for name, val in fields.items():
        setattr(row, name, val)
    return row, False


def load_reference() -> dict:
    from govflow.items.models import Tag

    data = _read("reference/taxonomy.yaml")
    created = 0
    position = 0
    for kind, key in (("feature", "features"), ("outcome", "outcomes")):
        for entry in data.get(key, []):
            position += 1
            _, new = _upsert(
                Tag, "slug", entry["slug"], name=entry["name"], kind=kind,
                group=entry.get("group", ""), description=entry.get("description", ""),
                position=position,
            )
            created += new
    db.session.flush()
    return {"tags": created}


def load_demo() -> dict:
    from govflow.accounts.models import LocalArea, Organisation, User
    from govflow.accounts.passwords import hash_password
    from govflow.accounts.services import set_roles
    from govflow.forums.models import Forum

    counts = {"organisations": 0, "areas": 0, "forums": 0, "users": 0, "blockers": 0, "ideas": 0}
    for org in _read("demo/organisations.yaml"):
        _, new = _upsert(Organisation, "slug", org["slug"], name=org["name"], kind=org["kind"])
        counts["organisations"] += new
    for area in _read("demo/areas.yaml"):
        _, new = _upsert(LocalArea, "slug", area["slug"], name=area["name"],
                         description=area.get("description", ""))
        counts["areas"] += new
    db.session.flush()
    areas, orgs = rows_by(LocalArea, "slug"), rows_by(Organisation, "slug")
    forums_data = _read("demo/forums.yaml")
    for forum in forums_data:
        area = areas.get(forum.get("area")) if forum.get("area") else None
        _, new = _upsert(Forum, "slug", forum["slug"], name=forum["name"], kind=forum["kind"],
                         area_id=area.id if area else None, place=forum.get("place", ""),
                         quorum=forum.get("quorum"),
                         quorum_tiers=",".join(forum.get("quorum_tiers") or []),
                         decide_without_quorum=bool(forum.get("decide_without_quorum")))
        counts["forums"] += new
    db.session.flush()

    password_hash = None
    for person in _read("demo/users.yaml"):
        user = db.session.scalar(select(User).where(User.email == person["email"]))
        if user is None:
            # Hashing is slow by design: hash the shared demo password once.
            password_hash = password_hash or hash_password(current_app.config["DEMO_PASSWORD"])
            user = User(email=person["email"], password_hash=password_hash)
            db.session.add(user)
            counts["users"] += 1
        user.display_name = person["display_name"]
        user.job_title = person.get("job_title", "")
        user.organisation_id = orgs[person["organisation"]].id if person.get("organisation") else None
        user.home_area_id = areas[person["home_area"]].id if person.get("home_area") else None
        db.session.flush()
        specs = []
        for role in person.get("roles", []):
            if isinstance(role, str):
                specs.append((role, None))
            else:
                specs.append((role["role"], role.get("area") or role.get("forum")))
        set_roles(user, specs)
    db.session.flush()

    users = rows_by(User, "email")
    for forum in forums_data:
        row = db.session.scalar(select(Forum).where(Forum.slug == forum["slug"]))
        row.members = [users[e] for e in forum.get("members", []) if e in users]
    db.session.flush()

    counts["blockers"] = _load_items("blocker", _read("demo/blockers.yaml"), areas, orgs, users)
    if (Path(current_app.root_path).parent / "workflows" / "idea.yaml").exists():
        counts["ideas"] = _load_items("idea", _read("demo/ideas.yaml"), areas, orgs, users)
    for extra in _demo_extras():
        counts.update(extra())
    return counts


def _demo_extras():
    """Domains that add demo data (meetings, sponsor actions) expose `load_demo_extras()`."""
    return domain_hooks(("govflow.sponsors.demo", "govflow.forums.demo", "govflow.outcomes.demo",
                         "govflow.agreements.demo", "govflow.accounts.sso_demo",
                         "govflow.follows.demo", "govflow.accounts.demo"), "load_demo_extras")


def _load_items(kind, entries, areas, orgs, users) -> int:
    from govflow.items import services
    from govflow.items.models import Item

    created = 0
    now = utcnow()
    for entry in entries:
        exists = db.session.scalar(
            select(Item.id).where(Item.kind == kind, Item.title == entry["title"])
        )
        if exists:
            continue
        # Moments are spread over the days first and then each put in office hours, so
        # they stay in order.
        raised = now - timedelta(days=int(entry.get("days_ago", 0)), hours=2)
        raiser = users[entry.get("raised_by") or entry.get("proposed_by")]
        item = services.create_from_seed(kind, entry, raiser, areas, orgs,
                                         _office_hours(raised, now))
        journey = entry.get("journey") or []
        if journey:
            span = (now - raised) / (len(journey) + 1)
            for step, trigger in enumerate(journey, start=1):
                _replay(item, trigger, _office_hours(raised + span * step, now),
                        users.values(), entry)
        created += 1
    return created


def _replay(item, trigger, at, people, entry):
    """Fire a scripted trigger as the first person allowed to, as at a past moment."""
    from govflow.permissions import item_roles
    from govflow.workflow import engine

    def only_as_admin(person) -> bool:
        # An administrator can do almost anything, but the demo should show the people
        # whose job it is (the facilitator, the Head of Service) doing it.
        return not (item_roles(person, item) - {"admin"})

    candidates = [item.raised_by] + sorted(
        (p for p in people if p.id != item.raised_by_id),
        key=lambda p: (only_as_admin(p), p.tier != "bronze", p.id),
    )
    for person in candidates:
        if any(a.trigger.name == trigger for a in engine.available(item, person)):
            fields = dict(JOURNEY_FIELDS.get(trigger, {}))
            fields.update(entry.get("fields", {}).get(trigger, {}) if entry.get("fields") else {})
            fields.update(_idea_fields(trigger, entry))
            engine.fire(item, trigger, person, fields=fields, now=at)
            return
    raise RuntimeError(f"Demo journey: nobody may {trigger} '{item.title}' from {item.state}")


def _office_hours(at, now):
    """The same London day, squeezed into 9am to 5pm (demo history at 3am looks wrong).

    Keeps the order of moments, and nothing lands after `now`.
    """
    from datetime import UTC

    from govflow import workdays

    local = workdays.to_london(at)
    since_midnight = local.hour * 60 + local.minute
    squeezed = local.replace(hour=9, minute=0, second=0, microsecond=0) + timedelta(
        minutes=since_midnight / 3
    )
    return min(squeezed.astimezone(UTC).replace(tzinfo=None), now)


def _idea_fields(trigger, entry) -> dict:
    if trigger == "decline":
        return {k: entry[k] for k in ("why_not", "what_would_make_yes", "reason_category")
                if k in entry}
    return {}


def demo_sign_ins() -> list[tuple[str, str, str]]:
    """(role, email, name) for each role's demo sign-in."""
    out = []
    for person in _read("demo/users.yaml"):
        if not person.get("demo_sign_in"):
            continue
        for role in person.get("roles", []):
            name = role if isinstance(role, str) else role["role"]
            out.append((name, person["email"], person["display_name"]))
    order = ["practitioner", "facilitator", "head_of_service", "executive", "sponsor",
             "secretary", "admin"]
    return sorted(out, key=lambda r: order.index(r[0]) if r[0] in order else 99)
