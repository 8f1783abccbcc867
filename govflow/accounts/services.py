"""Account use-cases: sign-in checks, ending sessions, creating users and assigning roles."""

from __future__ import annotations

from sqlalchemy import func, select, update

from govflow.accounts.models import (
    AREA_ROLES,
    FORUM_ROLES,
    ROLES,
    LocalArea,
    Organisation,
    RoleAssignment,
    User,
)
from govflow.accounts.passwords import hash_password, password_problem, verify_password
from govflow.clock import utcnow
from govflow.domain_errors import Invalid, NotFound
from govflow.extensions import db


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def authenticate(email: str, password: str) -> User | None:
    user = find_user(email)
    if not verify_password(user.password_hash if user else "", password):
        return None
    if user is None or not user.active:
        return None
    return user


def end_all_sessions(user: User) -> None:
    """Every cookie issued before now stops working: sign-out, password change, deactivation."""
    user.session_epoch = (user.session_epoch or 0) + 1


def change_password(user: User, current: str, new: str) -> None:
    if not verify_password(user.password_hash, current):
        raise Invalid("Your current password is not right", field_errors={"current_password": "Your current password is not right"})
    problem = password_problem(new, name=user.display_name, email=user.email)
    if problem:
        raise Invalid(problem, field_errors={"new_password": problem})
    user.password_hash = hash_password(new)
    end_all_sessions(user)
    db.session.flush()


def deactivate(user: User) -> None:
    """Stop a person signing in: their sessions end and their API tokens and calendar
    addresses are revoked, so reactivating them later does not bring old ones back to life."""
    from govflow.accounts.models import ApiToken
    from govflow.forums.schedule_models import CalendarFeed

    user.active = False
    end_all_sessions(user)
    for secret in (ApiToken, CalendarFeed):
        db.session.execute(
            update(secret)
            .where(secret.user_id == user.id, secret.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )
    db.session.flush()


def reactivate(user: User) -> None:
    """Let a deactivated person sign in again; their old sessions stay ended."""
    user.active = True
    db.session.flush()


def set_password(user: User, password: str) -> None:
    """An administrator sets a new password: the person's sessions everywhere end."""
    problem = password_problem(password, name=user.display_name, email=user.email,
                               whose="the person's")
    if problem:
        raise Invalid(problem, field_errors={"password": problem})
    user.password_hash = hash_password(password)
    end_all_sessions(user)


def update_user(
    user: User,
    *,
    email: str,
    display_name: str,
    job_title: str = "",
    organisation: str | None = None,
    home_area: str | None = None,
) -> None:
    email = normalise_email(email)
    other = find_user(email)
    if other is not None and other.id != user.id:
        raise Invalid("A person with that email address already exists",
                      field_errors={"email": "A person with that email address already exists"})
    user.email = email
    user.display_name = display_name.strip()
    user.job_title = (job_title or "").strip()
    user.organisation = _by_slug(Organisation, organisation, "organisation")
    user.home_area = _by_slug(LocalArea, home_area, "local area")
    db.session.flush()


def _slug_taken(model, slug: str, row, what: str) -> None:
    other = db.session.scalar(select(model).where(model.slug == slug))
    if other is not None and other is not row:
        message = f"Another {what} already uses the short name '{slug}'"
        raise Invalid(message, field_errors={"slug": message})


def save_organisation(org: Organisation | None, *, slug: str, name: str, kind: str) -> Organisation:
    """Create an organisation (org None) or change one."""
    from govflow.accounts.models import ORGANISATION_KINDS

    if kind not in ORGANISATION_KINDS:
        raise Invalid("Choose the kind of organisation",
                      field_errors={"kind": "Choose the kind of organisation"})
    slug = slug.strip()
    _slug_taken(Organisation, slug, org, "organisation")
    if org is None:
        org = Organisation(slug=slug, name=name.strip(), kind=kind)
        db.session.add(org)
    else:
        org.slug, org.name, org.kind = slug, name.strip(), kind
    db.session.flush()
    return org


def save_area(area: LocalArea | None, *, slug: str, name: str, description: str = "") -> LocalArea:
    """Create a local area (area None) or change one."""
    slug = slug.strip()
    _slug_taken(LocalArea, slug, area, "local area")
    if area is None:
        area = LocalArea(slug=slug, name=name.strip(), description=(description or "").strip())
        db.session.add(area)
    else:
        area.slug, area.name = slug, name.strip()
        area.description = (description or "").strip()
    db.session.flush()
    return area


def _by_slug(model, slug: str | None, what: str):
    if not slug:
        return None
    row = db.session.scalar(select(model).where(model.slug == slug))
    if row is None:
        raise NotFound(f"There is no {what} called '{slug}'")
    return row


def create_user(
    email: str,
    display_name: str,
    *,
    password: str | None = None,
    organisation: str | None = None,
    home_area: str | None = None,
    job_title: str = "",
) -> User:
    email = normalise_email(email)
    if find_user(email) is not None:
        raise Invalid("A person with that email address already exists",
                      field_errors={"email": "A person with that email address already exists"})
    if password:
        problem = password_problem(password, name=display_name, email=email,
                                   whose="the person's")
        if problem:
            raise Invalid(problem, field_errors={"password": problem})
    user = User(
        email=email,
        display_name=display_name.strip(),
        job_title=job_title,
        password_hash=hash_password(password) if password else "",
        organisation=_by_slug(Organisation, organisation, "organisation"),
        home_area=_by_slug(LocalArea, home_area, "local area"),
    )
    db.session.add(user)
    db.session.flush()
    return user


def parse_role(spec: str) -> tuple[str, str | None]:
    """'sponsor:denaby' → ('sponsor', 'denaby'); 'admin' → ('admin', None)."""
    role, _, scope = spec.partition(":")
    role = role.strip().replace("-", "_")
    if role not in ROLES:
        raise Invalid(f"'{role}' is not a role. Roles are: {', '.join(ROLES)}")
    scope = scope.strip() or None
    if role in AREA_ROLES + FORUM_ROLES and not scope:
        raise Invalid(f"The {role} role needs an area or forum, like {role}:denaby")
    if role not in AREA_ROLES + FORUM_ROLES and scope:
        raise Invalid(f"The {role} role is not held for an area or forum")
    return role, scope


def set_roles(user: User, specs: list[tuple[str, str | None]]) -> None:
    """Replace the person's roles with exactly these (role, area-or-forum slug) pairs."""
    from govflow.forums.models import Forum

    wanted = []
    for role, scope in specs:
        area = _by_slug(LocalArea, scope, "local area") if role in AREA_ROLES else None
        forum = _by_slug(Forum, scope, "forum") if role in FORUM_ROLES else None
        key = (role, area.id if area else None, forum.id if forum else None)
        if key not in wanted:
            wanted.append(key)
    existing = {(r.role, r.area_id, r.forum_id): r for r in user.role_assignments}
    for key, row in existing.items():
        if key not in wanted:
            user.role_assignments.remove(row)
    for role, area_id, forum_id in wanted:
        if (role, area_id, forum_id) not in existing:
            user.role_assignments.append(
                RoleAssignment(role=role, area_id=area_id, forum_id=forum_id)
            )
    db.session.flush()


def role_specs(user: User) -> list[tuple[str, str | None]]:
    out = []
    for r in user.role_assignments:
        scope = r.area.slug if r.area else (r.forum.slug if r.forum else None)
        out.append((r.role, scope))
    return out


def set_area_people(area: LocalArea, role: str, user_ids: set[int]) -> None:
    """Make exactly these people the area's sponsors (or facilitators)."""
    assert role in AREA_ROLES
    set_role_holders(role, user_ids, area_id=area.id)
    db.session.flush()


def set_role_holders(role: str, user_ids: set[int], *, area_id: int | None = None,
                     forum_id: int | None = None) -> None:
    """Make exactly these people hold the role for this area or forum: others lose it, the
    rest gain it; an assignment kept is left as it is."""
    held_for = (RoleAssignment.area_id == area_id if area_id is not None
                else RoleAssignment.forum_id == forum_id)
    current = db.session.scalars(
        select(RoleAssignment).where(RoleAssignment.role == role, held_for)).all()
    for row in current:
        if row.user_id not in user_ids:
            db.session.delete(row)
    have = {row.user_id for row in current}
    for user_id in user_ids - have:
        db.session.add(RoleAssignment(user_id=user_id, role=role, area_id=area_id,
                                      forum_id=forum_id))


def record_sign_in(user: User) -> None:
    user.last_sign_in_at = utcnow()
    db.session.flush()


def user_summary(user: User) -> dict:
    """What `govflow user list --json` and the API say about a person."""
    return {
        "email": user.email,
        "display_name": user.display_name,
        "active": user.active,
        "roles": sorted(user.roles),
        "tier": user.tier,
        "organisation": user.organisation.slug if user.organisation else None,
        "home_area": user.home_area.slug if user.home_area else None,
        "sponsor_of": sorted(r.area.slug for r in user.role_assignments if r.role == "sponsor"),
        "facilitator_of": sorted(
            r.area.slug for r in user.role_assignments if r.role == "facilitator"
        ),
        "secretary_of": sorted(r.forum.slug for r in user.role_assignments if r.role == "secretary"),
    }
