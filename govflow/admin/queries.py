"""The admin pages' statements: counts, people matching the list's filters, and the
organisations, areas and forums with the people in them."""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from govflow.accounts.models import ROLES, LocalArea, Organisation, RoleAssignment, User
from govflow.extensions import db


class Counts(NamedTuple):
    people: int
    organisations: int
    areas: int


def counts() -> Counts:
    """Active people, organisations and areas, for the admin home page."""
    return Counts(
        people=db.session.scalar(select(func.count(User.id)).where(User.active.is_(True))),
        organisations=db.session.scalar(select(func.count(Organisation.id))),
        areas=db.session.scalar(select(func.count(LocalArea.id))),
    )


def people_matching(args):
    """People matching the list's filters (search text, role, organisation, area, status)."""
    query = select(User).options(
        selectinload(User.role_assignments).selectinload(RoleAssignment.area),
        selectinload(User.role_assignments).selectinload(RoleAssignment.forum),
        selectinload(User.organisation),
        selectinload(User.home_area),
    )
    q = (args.get("q") or "").strip()[:200]
    if q:
        like = "%" + q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(
            or_(
                func.lower(User.email).like(like, escape="\\"),
                func.lower(User.display_name).like(like, escape="\\"),
                func.lower(User.job_title).like(like, escape="\\"),
            )
        )
    role = args.get("role", "")
    if role in ROLES:
        query = query.where(User.role_assignments.any(RoleAssignment.role == role))
    organisation = args.get("organisation", "")
    if organisation:
        query = query.where(User.organisation.has(Organisation.slug == organisation))
    area = args.get("area", "")
    if area:
        query = query.where(
            or_(
                User.home_area.has(LocalArea.slug == area),
                User.role_assignments.any(RoleAssignment.area.has(LocalArea.slug == area)),
            )
        )
    status = args.get("status", "active")
    if status == "active":
        query = query.where(User.active.is_(True))
    elif status == "deactivated":
        query = query.where(User.active.is_(False))
    return query.order_by(func.lower(User.display_name), User.id)


def count_of(query: Select) -> int:
    return db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))


def page_of(query: Select, page: int, per_page: int) -> list[User]:
    return list(db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)))


def everyone_matching(args) -> list[User]:
    return list(db.session.scalars(people_matching(args)).unique())


def organisations() -> list[Organisation]:
    return list(db.session.scalars(select(Organisation).order_by(Organisation.name)))


def areas() -> list[LocalArea]:
    return list(db.session.scalars(select(LocalArea).order_by(LocalArea.name)))


def forums() -> list:
    from govflow.forums.models import Forum

    return list(db.session.scalars(select(Forum).order_by(Forum.name)))


class OrganisationRow(NamedTuple):
    organisation: Organisation
    people: int  # active people in it


def organisations_with_people() -> list[OrganisationRow]:
    rows = db.session.execute(
        select(Organisation, func.count(User.id))
        .outerjoin(User, (User.organisation_id == Organisation.id) & User.active.is_(True))
        .group_by(Organisation.id)
        .order_by(Organisation.name)
    ).all()
    return [OrganisationRow(*row) for row in rows]


def areas_with_people() -> list[LocalArea]:
    """Every area with its sponsors and facilitators loaded."""
    return list(db.session.scalars(
        select(LocalArea)
        .options(selectinload(LocalArea.role_assignments).selectinload(RoleAssignment.user))
        .order_by(LocalArea.name)
    ))


def people_to_choose(assigned: set[int]) -> list[User]:
    """Active people, plus the ones in `assigned` even if deactivated."""
    return list(db.session.scalars(
        select(User)
        .options(selectinload(User.organisation))
        .where(or_(User.active.is_(True), User.id.in_(assigned or {0})))
        .order_by(func.lower(User.display_name))
    ))


class RecordStatus(NamedTuple):
    last: object | None  # the last finished RecordVerification
    last_intact: object | None  # the last one that found the record intact
    roots: list  # the latest daily RecordRoots, newest first


def record_status(days: int = 14) -> RecordStatus:
    """Whether the record is intact: the last check, the last time it found it intact, and
    the daily roots (the witnesses sent to the central forum's secretaries)."""
    from govflow.records.models import RecordRoot, RecordVerification

    checks = select(RecordVerification).where(RecordVerification.finished_at.is_not(None))
    last = db.session.scalar(checks.order_by(RecordVerification.finished_at.desc()).limit(1))
    last_intact = db.session.scalar(
        checks.where(RecordVerification.intact.is_(True))
        .order_by(RecordVerification.finished_at.desc()).limit(1))
    roots = list(db.session.scalars(select(RecordRoot).order_by(RecordRoot.day.desc())
                                    .limit(days)))
    return RecordStatus(last, last_intact, roots)
