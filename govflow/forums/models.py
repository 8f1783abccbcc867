"""Forums, meetings, attendance, agenda items, conflicts and minutes addenda."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.schema import CheckConstraint, ForeignKey, Index
from sqlalchemy.types import Boolean, Date, DateTime, Integer, LargeBinary, String, Text

from govflow.accounts.models import LocalArea, User
from govflow.clock import utcnow
from govflow.extensions import db
from govflow.items.models import refuse_changes
from govflow.model_parts import Named, Versioned, link_table, one_of
from govflow.records.chain import Chained, seal_rows_on_insert

FORUM_KINDS = ("central", "local")
MEETING_STATUSES = ("planned", "held", "approved")
AGENDA_KINDS = ("item", "sponsor_action", "matter_arising", "topic")
ATTENDANCE = ("present", "apologies")

forum_members = link_table("forum_members", forum_id="forums.id", user_id="users.id")


class Forum(Named, db.Model):
    __tablename__ = "forums"
    __table_args__ = (
        *one_of(kind=FORUM_KINDS),
        CheckConstraint(
            "(kind = 'central' AND area_id IS NULL) OR (kind = 'local' AND area_id IS NOT NULL)",
            name="area",
        ),
    )

    kind: Mapped[str] = mapped_column(String(10))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("local_areas.id"))
    place: Mapped[str] = mapped_column(String(300), default="", server_default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    # Quorum (govflow.forums.quorum): how many members must be present for a decision, and
    # which tiers (comma-separated, e.g. "gold") must have someone there. None: no quorum.
    quorum: Mapped[int | None] = mapped_column(Integer)
    quorum_tiers: Mapped[str] = mapped_column(String(40), default="", server_default="")
    # When the quorum is not met: refuse decisions (False), or record them as "taken
    # without a quorum" in the decision log and the minutes (True).
    decide_without_quorum: Mapped[bool] = mapped_column(Boolean, default=False,
                                                        server_default="0")

    area: Mapped[LocalArea | None] = relationship()
    members: Mapped[list[User]] = relationship(
        secondary=forum_members, order_by="User.display_name"
    )


class Meeting(Versioned, Chained, db.Model):
    __tablename__ = "meetings"
    __table_args__ = (
        *one_of(status=MEETING_STATUSES),
        CheckConstraint(
            "status <> 'approved' OR (minutes_pdf IS NOT NULL AND minutes_sha256 IS NOT NULL)",
            name="approved_has_pdf",
        ),
        # A rhythm makes one meeting per date of its series, however often the sweep runs.
        Index("uq_meetings_rhythm_occurrence", "rhythm_id", "occurrence_on", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(ForeignKey("forums.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    ends_at: Mapped[datetime | None] = mapped_column(DateTime)
    place: Mapped[str] = mapped_column(String(300), default="", server_default="")
    chair_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Approves the minutes when the chair cannot (permissions.can_approve_minutes).
    vice_chair_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(10), default="planned", server_default="planned")
    summary: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    approved_at: Mapped[datetime | None] = mapped_column(DateTime)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    minutes_pdf: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    minutes_sha256: Mapped[str | None] = mapped_column(String(64))
    # SHA-256 of the canonical minutes record embedded in the archived PDF and printed in
    # its footer (a file cannot print its own hash; see README "Forums and minutes").
    minutes_fingerprint: Mapped[str | None] = mapped_column(String(64))
    # A meeting of a forum's rhythm: the series and the date it fell on (kept when the
    # meeting is moved, so the sweep does not make it again).
    rhythm_id: Mapped[int | None] = mapped_column(ForeignKey("meeting_rhythms.id"))
    occurrence_on: Mapped[date | None] = mapped_column(Date)
    # When the draft agenda was built (at scheduling, or by the sweep the working day before).
    agenda_built_at: Mapped[datetime | None] = mapped_column(DateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime)
    cancelled_reason: Mapped[str | None] = mapped_column(Text)

    forum: Mapped[Forum] = relationship()
    rhythm = relationship("MeetingRhythm")
    chair: Mapped[User | None] = relationship(foreign_keys=[chair_id])
    vice_chair: Mapped[User | None] = relationship(foreign_keys=[vice_chair_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    attendance: Mapped[list[MeetingAttendance]] = relationship(
        order_by="MeetingAttendance.id", cascade="all, delete-orphan"
    )
    agenda: Mapped[list[AgendaItem]] = relationship(
        order_by="AgendaItem.position", cascade="all, delete-orphan"
    )
    conflicts: Mapped[list[ConflictDeclaration]] = relationship(
        order_by="ConflictDeclaration.id", cascade="all, delete-orphan"
    )
    addenda: Mapped[list[MinutesAddendum]] = relationship(order_by="MinutesAddendum.id")

    @property
    def cancelled(self) -> bool:
        return self.cancelled_at is not None


class MeetingAttendance(Chained, db.Model):
    __tablename__ = "meeting_attendance"
    __table_args__ = (
        *one_of(status=ATTENDANCE),
        CheckConstraint("user_id IS NOT NULL OR guest_name <> ''", name="who"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    guest_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    guest_role: Mapped[str] = mapped_column(String(200), default="", server_default="")
    status: Mapped[str] = mapped_column(String(10), default="present", server_default="present")

    user: Mapped[User | None] = relationship()

    @property
    def name(self) -> str:
        return self.user.display_name if self.user else self.guest_name


class AgendaItem(Chained, db.Model):
    __tablename__ = "agenda_items"
    __table_args__ = one_of(kind=AGENDA_KINDS)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    item_id: Mapped[int | None] = mapped_column(ForeignKey("items.id"))
    sponsor_action_id: Mapped[int | None] = mapped_column(ForeignKey("sponsor_actions.id"))
    title: Mapped[str] = mapped_column(String(300), default="", server_default="")
    notes: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Referred by a local group (on the central agenda), or its answer (a matter arising on
    # the group's next agenda): govflow.forums.referrals.
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referrals.id"))

    item = relationship("Item")
    sponsor_action = relationship("SponsorAction", foreign_keys=[sponsor_action_id])
    referral = relationship("Referral")


class ConflictDeclaration(Chained, db.Model):
    __tablename__ = "conflict_declarations"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_items.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    person_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    declaration: Mapped[str] = mapped_column(Text)
    # The chair's dispensation: the person may still take part in (and decide) the item,
    # for the reason given. Nullable with no default, so rows sealed before keep their hash.
    dispensation: Mapped[str | None] = mapped_column(Text)
    dispensation_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    dispensation_at: Mapped[datetime | None] = mapped_column(DateTime)

    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    dispensation_by: Mapped[User | None] = relationship(foreign_keys=[dispensation_by_id])


class MinutesAddendum(Chained, db.Model):
    """A correction to approved minutes: added beside them, never edited into them. Itself
    append-only: a correction of an addendum is a new addendum that supersedes it."""

    __tablename__ = "minutes_addenda"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("minutes_addenda.id"),
                                                      unique=True)

    author: Mapped[User] = relationship()


refuse_changes(MinutesAddendum)
seal_rows_on_insert(MinutesAddendum)

# The rhythm a meeting came from is named by string above; its class must be known too.
from govflow.forums import referral_models, schedule_models  # noqa: E402, F401
