"""Accounts: organisations, local areas, users and the roles they hold."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from govflow.clock import utcnow
from govflow.extensions import db
from govflow.model_parts import Named, one_of
from govflow.workflow.definition import TIER_LABELS, TIER_ORDER  # noqa: F401 - TIER_LABELS for importers

ROLES = (
    "practitioner",
    "facilitator",
    "head_of_service",
    "executive",
    "sponsor",
    "secretary",
    "admin",
)
ROLE_LABELS = {
    "practitioner": "Practitioner",
    "facilitator": "Facilitator",
    "head_of_service": "Head of Service",
    "executive": "Executive",
    "sponsor": "Local area sponsor",
    "secretary": "Forum secretary",
    "admin": "Administrator",
}
# Roles that are held for a particular area or forum rather than everywhere.
AREA_ROLES = ("facilitator", "sponsor")
FORUM_ROLES = ("secretary",)
# The tiers and their words come from the workflow vocabulary (one place for every module).
TIERS = TIER_ORDER
ORGANISATION_KINDS = (
    "council",
    "trust",
    "police",
    "health",
    "school",
    "mental_health",
    "voluntary",
)


class Organisation(Named, db.Model):
    __tablename__ = "organisations"
    __table_args__ = one_of(kind=ORGANISATION_KINDS)

    kind: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    # Its people sign in only through its OpenID provider (set by an admin, once one is set up).
    passwords_off: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")

    def __repr__(self) -> str:
        return f"<Organisation {self.slug}>"


class LocalArea(Named, db.Model):
    __tablename__ = "local_areas"

    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")

    role_assignments: Mapped[list[RoleAssignment]] = relationship(
        back_populates="area", viewonly=True
    )

    @property
    def sponsors(self) -> list[User]:
        return sorted(
            {r.user for r in self.role_assignments if r.role == "sponsor" and r.user.active},
            key=lambda u: u.display_name,
        )

    @property
    def facilitators(self) -> list[User]:
        return sorted(
            {r.user for r in self.role_assignments if r.role == "facilitator" and r.user.active},
            key=lambda u: u.display_name,
        )

    def __repr__(self) -> str:
        return f"<LocalArea {self.slug}>"


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    job_title: Mapped[str] = mapped_column(String(200), default="", server_default="")
    password_hash: Mapped[str] = mapped_column(String(255), default="", server_default="")
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    home_area_id: Mapped[int | None] = mapped_column(ForeignKey("local_areas.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    # Bumped on sign-out, password change and deactivation: every session carries the
    # epoch it was issued under, so a replayed older cookie no longer matches.
    session_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(DateTime)

    organisation: Mapped[Organisation | None] = relationship()
    home_area: Mapped[LocalArea | None] = relationship()
    role_assignments: Mapped[list[RoleAssignment]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="RoleAssignment.id"
    )

    # Flask-Login asks this; the column is named `active` to keep SQL readable.
    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return bool(self.active)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_epoch}"

    @property
    def roles(self) -> set[str]:
        return {r.role for r in self.role_assignments}

    def has_role(self, role: str) -> bool:
        return role in self.roles

    @property
    def tier(self) -> str:
        roles = self.roles
        if "executive" in roles:
            return "gold"
        if "head_of_service" in roles:
            return "silver"
        return "bronze"

    def area_ids_for(self, role: str) -> set[int]:
        return {r.area_id for r in self.role_assignments if r.role == role and r.area_id}

    @property
    def sponsored_area_ids(self) -> set[int]:
        return self.area_ids_for("sponsor")

    @property
    def facilitated_area_ids(self) -> set[int]:
        return self.area_ids_for("facilitator")

    @property
    def area_ids(self) -> set[int]:
        """Every area this person works in: home, facilitated and sponsored."""
        ids = {r.area_id for r in self.role_assignments if r.area_id}
        if self.home_area_id:
            ids.add(self.home_area_id)
        return ids

    @property
    def secretary_forum_ids(self) -> set[int]:
        return {r.forum_id for r in self.role_assignments if r.role == "secretary" and r.forum_id}

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class RoleAssignment(db.Model):
    __tablename__ = "role_assignments"
    __table_args__ = (
        *one_of(role=ROLES),
        # Area roles name an area; forum roles name a forum; the rest name neither.
        CheckConstraint(
            "(role IN ('facilitator', 'sponsor') AND area_id IS NOT NULL AND forum_id IS NULL)"
            " OR (role = 'secretary' AND forum_id IS NOT NULL AND area_id IS NULL)"
            " OR (role NOT IN ('facilitator', 'sponsor', 'secretary')"
            " AND area_id IS NULL AND forum_id IS NULL)",
            name="scope",
        ),
        Index("ix_role_assignments_user_role", "user_id", "role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(30))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("local_areas.id"))
    forum_id: Mapped[int | None] = mapped_column(ForeignKey("forums.id"))

    user: Mapped[User] = relationship(back_populates="role_assignments")
    area: Mapped[LocalArea | None] = relationship(back_populates="role_assignments")
    forum = relationship("Forum")

    @property
    def label(self) -> str:
        base = ROLE_LABELS[self.role]
        if self.area is not None:
            return f"{base} — {self.area.name}"
        if self.forum is not None:
            return f"{base} — {self.forum.name}"
        return base


class LoginAttempt(db.Model):
    """A failed sign-in, kept briefly so throttling is shared by every app process."""

    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempts_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(400))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ApiToken(db.Model):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    # Only a SHA-256 of the token is kept; the token itself is shown once.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)

    user: Mapped[User] = relationship()
