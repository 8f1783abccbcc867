"""Ideas: proposing one, which tier decides it, and the challenge window after a decline."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select

from govflow import money, workdays
from govflow.domain_errors import Invalid
from govflow.extensions import db
from govflow.items.models import Event, Item, Tag
from govflow.items.services import _check_item_texts, area_by_slug, organisation_by_slug
from govflow.workflow import engine
from govflow.workflow.definition import load

# Larger asks are not ideas for this route (and would overflow the pence column).
MAX_FUNDING_PENCE = 100_000_000  # £1,000,000

TIER_DECIDERS = {
    "bronze": "a facilitator or the local area sponsor",
    "silver": "a Head of Service",
    "gold": "an executive",
}


def _settings() -> dict:
    return load("idea").settings


def thresholds_pence() -> dict[str, int]:
    limits = _settings()["funding_thresholds_pounds"]
    return {tier: int(pounds) * 100 for tier, pounds in limits.items()}


def deciding_tier(funding_pence: int | None) -> str:
    """The tier whose decision an idea needs, from the funding it asks for."""
    limits = thresholds_pence()
    pence = funding_pence or 0
    if pence <= limits["bronze"]:
        return "bronze"
    if pence <= limits["silver"]:
        return "silver"
    return "gold"


def tier_rules() -> list[dict]:
    """Plain-English rows for the propose page: how much, who decides, how long they have."""
    spec = load("idea")
    limits = _settings()["funding_thresholds_pounds"]
    sponsor = int(_settings().get("sponsor_limit_pounds", 0))
    return [
        {"tier": "bronze", "up_to": f"Up to £{int(limits['bronze']):,}",
         "who": "A facilitator or the local area sponsor",
         "days": spec.deadlines["bronze"]},
        {"tier": "silver", "up_to": f"Up to £{int(limits['silver']):,}",
         "who": f"A Head of Service (or the local area sponsor, up to £{sponsor:,})",
         "days": spec.deadlines["silver"]},
        {"tier": "gold", "up_to": f"More than £{int(limits['silver']):,}",
         "who": "An executive", "days": spec.deadlines["gold"]},
    ]


def decision_days(tier: str) -> int:
    return load("idea").deadlines[tier]


_MONEY_RE = re.compile(r"^\d{1,3}(,\d{3})+(\.\d{1,2})?$|^\d+(\.\d{1,2})?$")


def parse_funding(value) -> int | None:
    """Funding asked, as typed ("450", "£1,200", "75.50") or sent (a number), in pence.

    Blank means no funding. Anything else that is not an amount of money is a field error
    that says what to type; the text is never guessed at.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise _funding_error("Enter the funding asked as an amount of money, like 450 or 75.50")
    if isinstance(value, int | float | Decimal):
        text = str(value)
    else:
        text = str(value).strip().replace(" ", "")
        if not text:
            return None
        text = text.removeprefix("£")
        if not _MONEY_RE.match(text):
            if text.startswith("-"):
                raise _funding_error("Funding asked cannot be less than £0")
            raise _funding_error(
                "Enter the funding asked in pounds, like 450, or pounds and pence, like 75.50"
            )
        text = text.replace(",", "")
    try:
        pence = money.pence(text)
    except money.NotAnAmount as err:
        raise _funding_error(FUNDING_ERRORS[err.reason]) from None
    if pence > MAX_FUNDING_PENCE:
        raise _funding_error(f"Funding asked must be £{MAX_FUNDING_PENCE // 100:,} or less")
    return pence


FUNDING_ERRORS = {
    "not_money": "Enter the funding asked as an amount of money, like 450",
    "negative": "Funding asked cannot be less than £0",
    "part_penny": "Enter the funding asked to the nearest penny, like 75.50",
}


def _funding_error(message: str) -> Invalid:
    return Invalid(message, field_errors={"funding_asked": message})


def outcome_tags(slugs) -> list[Tag]:
    slugs = list(dict.fromkeys(s for s in (slugs or []) if s))
    if not slugs:
        return []
    tags = db.session.scalars(select(Tag).where(Tag.slug.in_(slugs), Tag.kind == "outcome")).all()
    unknown = set(slugs) - {t.slug for t in tags}
    if unknown:
        raise Invalid("Unknown outcomes", field_errors={
            "outcomes": f"These are not outcomes in the framework: {', '.join(sorted(unknown))}"})
    return sorted(tags, key=lambda t: t.position)


def propose_idea(
    actor,
    *,
    title: str,
    description: str,
    why: str,
    area: str,
    outcomes=(),
    who_involved: str = "",
    funding_asked=None,
    support_needed: str = "",
    organisation: str | None = None,
    now: datetime | None = None,
) -> Item:
    """Someone proposes an idea: it starts at the tier its funding ask needs."""
    texts = {
        "title": title or "",
        "description": description or "",
        "why": why or "",
        "who_involved": who_involved or "",
        "support_needed": support_needed or "",
    }
    errors = {}
    if not texts["title"].strip():
        errors["title"] = "Enter a title"
    if not texts["description"].strip():
        errors["description"] = "Say what the idea is"
    if not list(outcomes or []):
        errors["outcomes"] = "Choose at least one outcome the idea serves"
    if not texts["why"].strip():
        errors["why"] = "Say why: how the idea helps children and families"
    if not (area or "").strip():
        errors["area"] = "Choose the area"
    try:
        funding_pence = parse_funding(funding_asked)
    except Invalid as err:
        errors.update(err.field_errors)
        funding_pence = None
    if errors:
        raise Invalid("Some required information is missing or wrong.", field_errors=errors)
    _check_item_texts(texts)
    item = Item(
        kind="idea",
        title=texts["title"].strip(),
        description=texts["description"].strip(),
        why=texts["why"].strip(),
        who_involved=texts["who_involved"].strip(),
        support_needed=texts["support_needed"].strip(),
        funding_pence=funding_pence,
        area=area_by_slug(area.strip()),
        # An idea belongs to the proposer's organisation unless they say otherwise, so a
        # Head of Service there can decide it at Silver.
        organisation_id=(
            organisation_by_slug(organisation).id if organisation else actor.organisation_id
        ),
        raised_by=actor,
        tags=outcome_tags(outcomes),
    )
    engine.start(item, actor, now=now, tier=deciding_tier(funding_pence))
    db.session.flush()
    return item


# The name blocker-backend's JSON API calls to create an idea.
create_idea = propose_idea


def challenge_deadline(item) -> datetime | None:
    """5pm on the last working day the proposer may challenge a decline (None if not declined)."""
    if item.kind != "idea" or item.state != "declined":
        return None
    declined_at = db.session.scalar(
        select(Event.at)
        .where(Event.item_id == item.id, Event.to_state == "declined")
        .order_by(Event.id.desc())
        .limit(1)
    )
    if declined_at is None:
        return None
    days = int(_settings().get("challenge_window_working_days", 10))
    return workdays.deadline_after(declined_at, days)


def can_still_be_challenged(item, now: datetime) -> bool:
    ends = challenge_deadline(item)
    return item.tier != "gold" and ends is not None and now <= ends


def by_default_summary(item) -> str:
    """The decision-log wording for a deemed approval, naming the tier that did not answer."""
    days = decision_days(item.tier)
    who = {
        "bronze": f"the facilitators and local area sponsor of {item.area.name}",
        "silver": "Heads of Service",
        "gold": "executives",
    }[item.tier]
    return (
        f"Approved by default — no objection within {days} working "
        f"day{'s' if days != 1 else ''}: {item.tier.capitalize()} ({who}) did not answer"
    )


def next_tier(tier: str) -> str:
    from govflow.workflow.definition import TIER_ORDER

    return TIER_ORDER[min(TIER_ORDER.index(tier) + 1, len(TIER_ORDER) - 1)]
