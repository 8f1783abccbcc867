"""The inbox pages: /inbox lists a person's notifications; opening one marks it read."""

from __future__ import annotations

import csv
import io
import math

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from govflow import workdays
from govflow.accounts.auth import is_safe_next
from govflow.notifications import inbox

bp = Blueprint("notifications", __name__)

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@bp.before_request
@login_required
def _signed_in():
    return None


def _page() -> int:
    from govflow.edge import page_number

    return page_number(request.args.get("page"))


@bp.get("/inbox", endpoint="inbox")
def inbox_page():
    unread_only = request.args.get("unread") in ("1", "true", "yes")
    page = _page()
    rows, total = inbox.page_of(current_user, page, unread_only=unread_only)
    pages = max(1, math.ceil(total / inbox.PER_PAGE))
    return render_template(
        "notifications/inbox.html",
        page_title="Inbox",
        notifications=rows,
        total=total,
        unread=inbox.unread_count(current_user),
        unread_only=unread_only,
        page=page,
        pages=pages,
        url_for_page=lambda n: url_for("notifications.inbox", page=n,
                                       unread=1 if unread_only else None),
    )


@bp.get("/inbox/<int:notification_id>")
def open_notification(notification_id: int):
    row = inbox.open_notification(current_user, notification_id)
    target = row.link if is_safe_next(row.link) else url_for("notifications.inbox")
    return redirect(target)


@bp.post("/inbox/read-all")
def mark_all_read():
    n = inbox.mark_all_read(current_user)
    flash(f"Marked {n} notification{'s' if n != 1 else ''} as read." if n else
          "There were no unread notifications.", "success")
    return redirect(url_for("notifications.inbox"))


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


@bp.get("/inbox.csv")
def inbox_csv():
    unread_only = request.args.get("unread") in ("1", "true", "yes")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Received", "Subject", "Message", "Read", "Email", "Link"])
    # Streamed in pages so a long inbox never sits in memory at once.
    query = inbox.inbox_query(current_user, unread_only=unread_only)
    from govflow.extensions import db

    for row in db.session.scalars(query.execution_options(yield_per=500)):
        writer.writerow([_cell(v) for v in (
            workdays.format_datetime(row.created_at),
            row.subject,
            row.body,
            "yes" if row.read_at else "no",
            row.email_status.replace("_", " "),
            row.link,
        )])
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="govflow-inbox.csv"'},
    )
