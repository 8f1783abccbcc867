"""What every forum page shares: the blueprint, loading a forum or meeting (404), checking
access (403), the refusal page, and the one way a forum form is taken."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Response, abort, flash, redirect, render_template, request
from flask_login import current_user, login_required

from govflow import workdays
from govflow.domain_errors import DomainError, Invalid, Refused, Unprocessable
from govflow.extensions import db
from govflow.form_flow import put_errors
from govflow.forums import queries, rules
from govflow.forums.models import Forum, Meeting
from govflow.permissions import can

bp = Blueprint("forums", __name__)


@bp.before_request
@login_required
def _signed_in():
    return None


@bp.app_template_filter("clock")
def _clock(dt):
    """London clock time, GOV.UK style ("10am", "2:30pm")."""
    return workdays.format_time(dt) if dt else ""


def user():
    return current_user._get_current_object()


def load_forum(slug: str) -> Forum:
    forum = queries.forum_by_slug(slug)
    if forum is None:
        abort(404)
    return forum


def load_meeting(meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        abort(404)
    return meeting


def load_entry(meeting: Meeting, agenda_item_id: int):
    entry = next((a for a in meeting.agenda if a.id == agenda_item_id), None)
    if entry is None:
        abort(404)
    return entry


def require(action: str, obj=None) -> None:
    if not can(current_user, action, obj):
        abort(403)


def running(meeting_id: int) -> Meeting:
    """Load a meeting someone is about to change: 404, then 403 unless they may run it."""
    meeting = load_meeting(meeting_id)
    require("meeting.run", meeting)
    return meeting


def can_run(meeting_or_forum) -> bool:
    return can(current_user, "meeting.run", meeting_or_forum)


def refused(err: DomainError, meeting: Meeting | None = None,
            back: tuple[str, str] | None = None):
    """A refusal on a forum page: its own message and a way back (to the meeting, or `back`:
    (address, words) for a page reached from elsewhere), status 409 (403 if not allowed)."""
    locked = bool(err.extra.get("locked"))
    heading = ("These minutes are approved and locked" if locked
               else "This cannot be done now")
    return render_template(
        "forums/refused.html", page_title=heading, heading=heading, message=err.message,
        meeting=meeting, locked=locked, back=back,
    ), err.status


def locked_error(meeting: Meeting) -> Refused:
    try:
        rules.editable(meeting)
    except Refused as err:
        return err
    raise AssertionError("meeting is not locked")  # pragma: no cover


def done(message: str | None, url: str):
    """The use-case worked: say so (if there is anything to say) on the next page."""
    if message:
        flash(message, "success")
    return redirect(url)


def take_form(form, use_case: Callable, *, then: Callable, again: Callable | None = None,
              meeting: Meeting | None = None, refusals: str | None = "page",
              back: tuple[str, str] | None = None):
    """The forum pages' one way to take a form: check it, run the use-case, answer.

    - not a POST: the page with its form, `again(200)`;
    - a form that does not validate: the page again, `again(400)`;
    - the use-case refuses some fields (Invalid, Unprocessable): the page again with the
      errors beside the fields, at the error's status;
    - it refuses the whole thing (Refused): the forum's refusal page when `refusals` is
      "page"; with "locked", only when the minutes are locked; otherwise (and with None)
      the app's own error page;
    - it worked: `then(result)`, usually `done(message, url)`.

    `form` (and `again`) are None for a button with nothing to check. Nothing is committed here: the
    request commits at its end, and an answer of 400 or more keeps nothing
    (govflow.transaction)."""
    if request.method != "POST":
        return again(200)
    if form is not None and not form.validate_on_submit():
        return again(400)
    try:
        result = use_case()
    except (Invalid, Unprocessable) as err:
        if again is None:  # a button: nothing to show the errors beside
            raise
        if form is not None:
            put_errors(form, err)
        return again(err.status)
    except Refused as err:
        if refusals == "page" or (refusals == "locked" and err.extra.get("locked")):
            return refused(err, meeting, back)
        raise
    return then(result)


def choices_users(users, blank: str | None = None):
    """People to choose from, each with role and organisation (accounts/pickers.py)."""
    from govflow.accounts.pickers import people_choices

    return people_choices(users, blank)


def pdf_response(data: bytes, filename: str, *, sha256: str | None = None,
                 inline: bool = False) -> Response:
    response = Response(data, mimetype="application/pdf")
    disposition = "inline" if inline else "attachment"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    if sha256:
        response.headers["X-Minutes-SHA256"] = sha256
    return response
