"""Forum pages: forums and members, meetings, the agenda, running the meeting, minutes PDFs,
the .ics invitation and decision log PDFs. Thin views: parse, check access, call a service,
each module one concern; what they share (and the one way a form is taken) is in common."""

from govflow.forums.views import (  # noqa: F401
    agenda,
    attendance,
    decision_logs,
    feeds,
    forum_pages,
    meetings,
    quorum,
    referrals,
    rhythm,
)
from govflow.forums.views.common import bp

__all__ = ["bp"]
