"""A small partnership with controlled timestamps, and the dashboard figures worked out by hand.

Everything belongs to the organisation "Known Answers Trust" (slug known-answers) and three
new areas, so filtering by that organisation isolates it from the demo data. Items move
only through the workflow engine (with `now=`), so events and decisions are real.

Period: 1 March to 30 April 2026. "Now" for the snapshot figures: 30 April 2026, midday UTC.
Bank holidays inside it: Good Friday 3 April and Easter Monday 6 April 2026. British Summer
Time starts on 29 March 2026, so 23:30 UTC on 14 April is already 15 April in London.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from govflow.accounts.models import LocalArea, Organisation, RoleAssignment, User
from govflow.extensions import db
from govflow.items.models import Item, Tag
from govflow.sponsors.models import SponsorAction
from govflow.systemic import services as systemic
from govflow.workflow import engine

ORG = "known-answers"
NORTH, SOUTH, EAST = "kn-north", "kn-south", "kn-east"
PERIOD = {"organisation": ORG, "from": "2026-03-01", "to": "2026-04-30"}
NOW = datetime(2026, 4, 30, 12, 0)


def at(day: str, hm: str = "10:00") -> datetime:
    return datetime.fromisoformat(f"{day}T{hm}")


# ---------------------------------------------------------------- hand-worked answers
#
# Unblocked in the period (working days raised → unblocked, London dates):
#   B1 North  bronze  Mon 2 Mar → Wed 4 Mar                               2
#   B2 North  silver  Mon 2 Mar → Mon 9 Mar (escalated Thu 5 Mar)          5   (+East added)
#   B3 South  bronze  Wed 1 Apr → Tue 7 Apr (Good Friday, Easter Monday)   2   (not 4)
#   B4 South  gold    Mon 13 Apr → 23:30 UTC Tue 14 Apr = Wed 15 Apr BST   2   (not 1)
#   B5 East   silver  Mon 2 Mar → Fri 20 Mar; unblocked at Bronze Fri 13 Mar, reopened
#                     Mon 16 Mar, escalated, unblocked again at Silver     14  (last counts)
#   B6 North  bronze  Mon 2 Mar → same day                                  0
# Shares: Bronze 3/6 = 50%, Silver 2/6 = 33.3%, Gold 1/6 = 16.7%.
# All: [0, 2, 2, 2, 5, 14] → median (ranks 2.5) 2; 90th percentile (rank 4.5) 5 + ½·9 = 9.5.
# Bronze [0, 2, 2] → 2 and 2; Silver [5, 14] → 9.5 and 5 + 0.9·9 = 13.1; Gold [2] → 2 and 2.
EXPECTED = {
    "unblocked": 6,
    "share_bronze": 50.0,
    "share_silver": 33.3,
    "share_gold": 16.7,
    "median_days": 2,
    "p90_days": 9.5,
    # Open at NOW: B7 Bronze overdue (due Wed 29 Apr 5pm), B8 Bronze (due Fri 1 May),
    # B9 Silver paused, B10 Silver systemic (moved up on 28 Apr, due Fri 1 May).
    "open": 4,
    "overdue": 1,
    "paused": 1,
    "systemic": 1,
    "reopened": 1,
    # Ideas I1–I6 proposed; approved I1, I2 (after a challenge), I4, I5; I3 by default;
    # I2 declined for cost then challenged; I4 adopted; I5 stopped.
    "ideas_proposed": 6,
    "ideas_approved": 4,
    "ideas_approved_by_default": 1,
    "ideas_declined": 1,
    "ideas_challenged": 1,
    "ideas_adopted": 1,
    "ideas_stopped": 1,
    # First decisions: I1 2, I2 3 (the decline), I3 5, I4 1, I5 4 → median 3.
    "ideas_median_days_to_decision": 3,
    # Sponsor actions due in the period: one done on time, one done late, one overdue, one
    # due on the last day and still open, one dropped (one more falls due after it).
    "actions_open": 2,
    "actions_overdue": 1,
    "actions_done_on_time": 1,
}
BY_TIER_TIMES = {"bronze": (3, 2, 2), "silver": (2, 9.5, 13.1), "gold": (1, 2, 2),
                 "all": (6, 2, 9.5)}
BY_MONTH = {"March 2026": {"bronze": 2, "silver": 2, "gold": 0},
            "April 2026": {"bronze": 1, "silver": 0, "gold": 1}}
UNBLOCKED_BY_AREA = {"Known North": {"bronze": 2, "silver": 1, "gold": 0, "total": 3},
                     "Known South": {"bronze": 1, "silver": 0, "gold": 1, "total": 2},
                     "Known East": {"bronze": 0, "silver": 2, "gold": 0, "total": 2}}
OPEN_BY_TIER = {"Bronze": (2, 1, 0), "Silver": (2, 0, 1), "Gold": (0, 0, 0),
                "All tiers": (4, 1, 1)}
OPEN_BY_AREA = {"Known North": {"bronze": 1, "silver": 1, "total": 2, "overdue": 1, "paused": 0},
                "Known South": {"bronze": 1, "silver": 1, "total": 2, "overdue": 0, "paused": 0},
                "Known East": {"bronze": 0, "silver": 2, "total": 2, "overdue": 0, "paused": 1}}
THEMES_TAGS = [("Rooted in place", 4), ("Whole family working", 2),
               ("Governance and leadership", 1)]
THEMES_AREAS = [("Known North", 6), ("Known East", 4), ("Known South", 4)]
SYSTEMIC_REASON = ("Affects 3 areas: Known North, Known South, Known East — moved to Silver "
                   "as a systemic blocker")


@dataclass
class Scenario:
    org: Organisation
    areas: dict
    facilitator: User
    head: User
    raiser: User
    admin: User
    items: dict = field(default_factory=dict)


def _user(email, name, org, roles, areas=()):
    user = User(email=email, display_name=name, organisation_id=org.id, password_hash="x")
    db.session.add(user)
    db.session.flush()
    for role in roles:
        if role in ("facilitator", "sponsor"):
            for a in areas:
                db.session.add(RoleAssignment(user_id=user.id, role=role, area_id=a.id))
        else:
            db.session.add(RoleAssignment(user_id=user.id, role=role))
    db.session.flush()
    db.session.refresh(user)
    return user


def build(people) -> Scenario:
    org = Organisation(slug=ORG, name="Known Answers Trust", kind="trust")
    db.session.add(org)
    areas = {}
    for slug, name in ((NORTH, "Known North"), (SOUTH, "Known South"), (EAST, "Known East")):
        areas[slug] = LocalArea(slug=slug, name=name)
        db.session.add(areas[slug])
    db.session.flush()
    all_areas = list(areas.values())
    s = Scenario(
        org=org,
        areas=areas,
        facilitator=_user("fac@known.example", "Fran Facilitator", org,
                          ["facilitator", "sponsor"], all_areas),
        head=_user("hos@known.example", "Hari Head", org, ["head_of_service"]),
        raiser=_user("raiser@known.example", "Rae Raiser", org, ["practitioner"]),
        admin=people["admin"],
    )
    tags = {t.slug: t for t in db.session.query(Tag).all()}

    def blocker(key, area, raised, tag_slugs=()):
        item = Item(kind="blocker", title=f"Known blocker {key}",
                    description=f"Scenario blocker {key}.", area_id=areas[area].id,
                    organisation_id=org.id, raised_by=s.raiser,
                    tags=[tags[t] for t in tag_slugs], created_at=raised)
        engine.start(item, s.raiser, now=raised)
        db.session.commit()
        s.items[key] = item
        return item

    def fire(item, trigger, actor, when, **fields):
        engine.fire(item, trigger, actor, fields=fields, now=when)

    unblock = {"resolution": "Sorted."}
    b1 = blocker("B1", NORTH, at("2026-03-02"), ["rooted-in-place"])
    fire(b1, "unblock", s.admin, at("2026-03-04"), **unblock)

    b2 = blocker("B2", NORTH, at("2026-03-02"), ["rooted-in-place"])
    fire(b2, "escalate", s.admin, at("2026-03-05"), reason="Needs Silver.")
    systemic.add_area(b2, s.admin, area=EAST, effect="East has it too.", now=at("2026-03-06"))
    fire(b2, "unblock", s.admin, at("2026-03-09"), **unblock)

    b3 = blocker("B3", SOUTH, at("2026-04-01"), ["rooted-in-place"])
    fire(b3, "unblock", s.admin, at("2026-04-07"), **unblock)

    b4 = blocker("B4", SOUTH, at("2026-04-13"), ["whole-family-working"])
    fire(b4, "escalate", s.admin, at("2026-04-13", "11:00"), reason="Needs Silver.")
    fire(b4, "escalate", s.admin, at("2026-04-14", "09:00"), reason="Needs Gold.")
    fire(b4, "unblock", s.admin, at("2026-04-14", "23:30"), **unblock)

    b5 = blocker("B5", EAST, at("2026-03-02"), ["whole-family-working"])
    fire(b5, "unblock", s.admin, at("2026-03-13"), **unblock)
    fire(b5, "reopen", s.raiser, at("2026-03-16"), reason="It came back.")
    fire(b5, "escalate", s.admin, at("2026-03-17"), reason="Needs Silver.")
    fire(b5, "unblock", s.admin, at("2026-03-20"), **unblock)

    b6 = blocker("B6", NORTH, at("2026-03-02"))
    fire(b6, "unblock", s.admin, at("2026-03-02", "14:00"), **unblock)

    blocker("B7", NORTH, at("2026-04-27"))
    blocker("B8", SOUTH, at("2026-04-29"))
    b9 = blocker("B9", EAST, at("2026-04-20"))
    fire(b9, "escalate", s.admin, at("2026-04-21"), reason="Needs Silver.")
    fire(b9, "pause", s.admin, at("2026-04-22"), reason="Waiting on health.")

    b10 = blocker("B10", NORTH, at("2026-04-28", "09:00"),
                  ["rooted-in-place", "governance-and-leadership"])
    systemic.add_area(b10, s.admin, area=SOUTH, effect="South too.", now=at("2026-04-28", "11:00"))
    systemic.add_area(b10, s.admin, area=EAST, effect="East too.", now=at("2026-04-28", "12:00"))

    b11 = blocker("B11", NORTH, at("2026-04-01"))
    fire(b11, "withdraw", s.raiser, at("2026-04-02"), reason="Sorted another way.")

    # ---- ideas (Bronze: no funding asked), decided by the area's facilitator
    def idea(key, area, proposed):
        item = Item(kind="idea", title=f"Known idea {key}", description=f"Idea {key}.",
                    why="It helps.", area_id=areas[area].id, organisation_id=org.id,
                    raised_by=s.raiser, created_at=proposed)
        engine.start(item, s.raiser, now=proposed, tier="bronze")
        db.session.commit()
        s.items[key] = item
        return item

    decline = {"reason_category": "cost", "why_not": "No budget left.",
               "what_would_make_yes": "A partner who will pay."}
    i1 = idea("I1", NORTH, at("2026-03-02"))
    fire(i1, "approve", s.facilitator, at("2026-03-04"))
    i2 = idea("I2", SOUTH, at("2026-03-02"))
    fire(i2, "decline", s.facilitator, at("2026-03-05"), **decline)
    fire(i2, "challenge", s.raiser, at("2026-03-06"), reason="It is cheap.")
    fire(i2, "approve", s.head, at("2026-03-10"))
    i3 = idea("I3", EAST, at("2026-03-09"))
    fire(i3, "approve_by_default", None, at("2026-03-16"))
    i4 = idea("I4", NORTH, at("2026-03-16"))
    fire(i4, "approve", s.facilitator, at("2026-03-17"))
    fire(i4, "start", s.raiser, at("2026-03-18"))
    fire(i4, "evaluate", s.raiser, at("2026-04-01"), what_happened="Ran it.",
         what_learnt="It works.", recommendation="Adopt.")
    fire(i4, "adopt", s.facilitator, at("2026-04-02"), reason="It works.")
    i5 = idea("I5", SOUTH, at("2026-03-16"))
    fire(i5, "approve", s.facilitator, at("2026-03-20"))
    fire(i5, "start", s.raiser, at("2026-03-23"))
    fire(i5, "stop", s.facilitator, at("2026-04-08"), reason="Nobody came.")
    idea("I6", EAST, at("2026-04-20"))

    # ---- sponsor actions (written directly: the sponsor actions feature owns their forms)
    def action(what, due, status="open", done=None):
        row = SponsorAction(area_id=areas[NORTH].id, sponsor_id=s.facilitator.id,
                            owner_id=s.facilitator.id, created_by_id=s.facilitator.id,
                            what=what, due_on=due, status=status,
                            outcome_note="" if status == "open" else "Noted.",
                            completed_at=done, created_at=at("2026-03-02"))
        db.session.add(row)

    action("Done on time", date(2026, 4, 10), "done", at("2026-04-10", "16:00"))
    action("Done late", date(2026, 4, 10), "done", at("2026-04-14"))
    action("Overdue", date(2026, 4, 20))
    action("Due on the last day", date(2026, 4, 30))
    action("Dropped", date(2026, 4, 15), "dropped")
    action("Falls due after the period", date(2026, 5, 5))
    db.session.commit()
    return s
