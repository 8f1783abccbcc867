"""The weekly progress report's email attachment: the report's PDF, made when the email is
sent (after the sweep's commit) and as its reader may see it."""

from __future__ import annotations

from email.message import EmailMessage
from urllib.parse import parse_qs, urlsplit

from werkzeug.datastructures import MultiDict


def attach_report(msg: EmailMessage, row) -> None:
    from govflow.dashboard.views import progress_report_pdf

    query = parse_qs(urlsplit(row.link).query)
    args = MultiDict([(k, v) for k, values in query.items() for v in values])
    pdf, name = progress_report_pdf(args, row.user)
    msg.add_attachment(pdf, maintype="application", subtype="pdf", filename=name)
