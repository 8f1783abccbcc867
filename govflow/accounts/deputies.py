"""Absences and deputies: recording when a person is away and who acts for them meanwhile.

Who may be named, and what a deputy may then see and do, is the access policy's
(govflow/permissions/deputies.py: may_deputise, covered_people; govflow.deputy_acts:
deputising_for)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import or_, select

from govflow.accounts.deputy_models import Absence, deputies_today, forget_deputies, london_today
from govflow.accounts.models import RoleAssignment, User
from govflow.clock import utcnow
from govflow.domain_errors import Invalid
from govflow.extensions import db
from govflow.permissions import DEPUTY_ROLES, can

# An absence is recorded for at most this long; a longer one is a change of role.
LONGEST = timedelta(days=366)


def possible_deputies(person) -> list[User]:
    """Everyone who may be named: active, holding one of the person's roles in its scope."""
    scopes = [(r.role, r.area_id, r.forum_id) for r in person.role_assignments
              if r.role in DEPUTY_ROLES]
    if not scopes:
        return []
    holders = db.session.scalars(
        select(User).join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(User.active.is_(True), User.id != person.id,
               or_(*[(RoleAssignment.role == role)
                     & _same(RoleAssignment.area_id, area) & _same(RoleAssignment.forum_id, forum)
                     for role, area, forum in scopes]))
        .order_by(User.display_name)).unique().all()
    return [u for u in holders if can(u, "absence.stand_in", person)]


def _same(column, value):
    return column.is_(None) if value is None else column == value


def record_absence(person, starts_on: date | None, ends_on: date | None,
                   deputy: User | None) -> Absence:
    """Record that `person` is away (both dates included), with `deputy` acting for them."""
    errors = {}
    today = london_today()
    if starts_on is None:
        errors["starts_on"] = "Enter the first day you are away"
    if ends_on is None:
        errors["ends_on"] = "Enter the last day you are away"
    if not errors:
        if ends_on < starts_on:
            errors["ends_on"] = "The last day must be the same as or after the first day"
        elif ends_on < today:
            errors["ends_on"] = "The last day must be today or later"
        elif ends_on - starts_on > LONGEST:
            errors["ends_on"] = "An absence can be at most a year long"
    if deputy is not None and not can(deputy, "absence.stand_in", person):
        errors["deputy"] = ("Choose someone who holds the same role as you, in the same area, "
                            "forum or organisation")
    if not errors and _overlapping(person, starts_on, ends_on):
        errors["starts_on"] = "You are already away on some of these days: end that absence first"
    if errors:
        raise Invalid("Some answers need changing.", field_errors=errors)
    absence = Absence(user_id=person.id, deputy_id=deputy.id if deputy else None,
                      starts_on=starts_on, ends_on=ends_on)
    db.session.add(absence)
    db.session.flush()
    forget_deputies()
    return absence


def _overlapping(person, starts_on: date, ends_on: date) -> bool:
    return db.session.scalar(select(Absence.id).where(
        Absence.user_id == person.id, Absence.cancelled_at.is_(None),
        Absence.starts_on <= ends_on, Absence.ends_on >= starts_on).limit(1)) is not None


def end_absence(absence: Absence) -> None:
    """Back early, or plans changed: the deputy's powers end now."""
    if absence.cancelled_at is None:
        absence.cancelled_at = utcnow()
        db.session.flush()
    forget_deputies()


def absences_of(person) -> list[Absence]:
    """The person's absences that have not ended, soonest first."""
    return list(db.session.scalars(select(Absence).where(
        Absence.user_id == person.id, Absence.cancelled_at.is_(None),
        Absence.ends_on >= london_today()).order_by(Absence.starts_on)))


def standing_in_for(person) -> list[Absence]:
    """The absences this person is deputy for, now or to come, soonest first."""
    return list(db.session.scalars(select(Absence).where(
        Absence.deputy_id == person.id, Absence.cancelled_at.is_(None),
        Absence.ends_on >= london_today()).order_by(Absence.starts_on)))


def deputy_today(person_id: int):
    """The deputy standing in for this person today, or None."""
    deputy_id = deputies_today().get(person_id)
    return db.session.get(User, deputy_id) if deputy_id is not None else None
