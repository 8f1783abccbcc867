"""Imports every model so SQLAlchemy's metadata (and Alembic) sees the whole schema."""

from govflow.accounts.deputy_models import Absence  # noqa: F401
from govflow.accounts.factor_models import RecoveryCode, SecondFactor  # noqa: F401
from govflow.accounts.models import (  # noqa: F401
    ApiToken,
    LocalArea,
    LoginAttempt,
    Organisation,
    RoleAssignment,
    User,
)
from govflow.accounts.sso_models import IdentityProvider, UsedNonce  # noqa: F401
from govflow.agreements.models import Agreement  # noqa: F401
from govflow.attachments.models import Attachment, AttachmentOwner  # noqa: F401
from govflow.decisions.models import Decision  # noqa: F401
from govflow.follows.models import Follow  # noqa: F401
from govflow.forums.models import (  # noqa: F401
    AgendaItem,
    ConflictDeclaration,
    Forum,
    Meeting,
    MeetingAttendance,
    MinutesAddendum,
)
from govflow.forums.referral_models import Referral  # noqa: F401
from govflow.forums.schedule_models import CalendarFeed, MeetingRhythm  # noqa: F401
from govflow.items.models import Comment, Event, Item, ItemArea, Tag  # noqa: F401
from govflow.learning.models import IdeaCopy  # noqa: F401
from govflow.metrics.models import WorkingDay  # noqa: F401
from govflow.notifications.models import Notification  # noqa: F401
from govflow.outcomes.models import (  # noqa: F401
    FamilyFeedback,
    Indicator,
    IndicatorFigure,
    IndicatorTarget,
    Publication,
    ReportSubscription,
)
from govflow.records.models import RecordChain, RecordRoot, RecordVerification  # noqa: F401
from govflow.search.models import SearchDocument  # noqa: F401
from govflow.sponsors.models import SponsorAction, SponsorActionEvent  # noqa: F401
from govflow.submissions.models import SubmissionKey  # noqa: F401
