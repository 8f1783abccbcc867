"""Attachment pages: add a file to a thing (or a new version of one of its files), and
download one. Only people who may see the thing get its files, always as a download."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request
from flask_login import current_user, login_required

from govflow.attachments import owners, queries, services
from govflow.attachments.forms import AttachmentForm
from govflow.attachments.models import Attachment
from govflow.domain_errors import Invalid, Unprocessable
from govflow.edge import accepts_uploads
from govflow.extensions import db
from govflow.form_flow import put_errors
from govflow.permissions import can, may_attach

bp = Blueprint("attachments", __name__)


@bp.before_request
@login_required
def _signed_in():
    return None


def _user():
    return current_user._get_current_object()


def _visible(attachment_id: int) -> Attachment:
    """The attachment, or 404 for anyone who may not see what it belongs to (nothing about
    it is given away, not even that it exists)."""
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or not can(_user(), "attachment.view", attachment):
        abort(404)
    return attachment


@bp.get("/attachments/<int:attachment_id>")
def download(attachment_id: int):
    attachment = _visible(attachment_id)
    data = services.read(attachment)
    response = Response(data, mimetype=attachment.content_type)
    # Always a download, never shown in the page's place, and never second-guessed.
    response.headers.set("Content-Disposition", "attachment", filename=attachment.filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Attachment-SHA256"] = attachment.sha256
    return response


@bp.route("/attachments/<owner_kind>/<int:owner_id>/new", methods=["GET", "POST"])
@accepts_uploads("ATTACHMENTS_MAX_BYTES")
def new(owner_kind: str, owner_id: int):
    owner = owners.load_owner(owner_kind, owner_id)
    if owner is None:
        abort(404)
    supersedes = None
    replacing = request.args.get("replaces", "")
    if replacing:
        supersedes = _visible(int(replacing)) if replacing.isdigit() and len(replacing) < 10 else None
        if supersedes is None or supersedes.owner_ref.kind != owner_kind or \
                supersedes.owner_ref.owner_id != owner_id:
            abort(404)
    if not may_attach(_user(), owner_kind, owner):
        abort(403)
    spec = owners.OWNERS[owner_kind]
    form = AttachmentForm()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            upload = request.files.get("file")
            try:
                services.attach(owner_kind, owner, _user(), services.Upload(
                    filename=upload.filename if upload else "",
                    data=upload.read() if upload else b"",
                    description=form.description.data or "",
                    confirmed=bool(form.confirm.data)), supersedes=supersedes)
            except (Invalid, Unprocessable) as err:
                put_errors(form, err)
                status = err.status
            else:
                flash("The file has been added." if supersedes is None
                      else "The new version has been added.", "success")
                return redirect(spec.page(owner))
        else:
            status = 400
    return render_template(
        "attachments/new.html", page_title="Add a new version" if supersedes else "Add a file",
        form=form, owner_name=spec.name(owner), owner_url=spec.page(owner),
        supersedes=supersedes, max_size=services.size_words(services.max_bytes()),
    ), status


def attachments_for(kind: str, owner, has_some: bool = True) -> dict:
    """For the pages of things with attachments: the list, and whether one may add.
    `has_some`: False when the page already knows there are none (the item page's `has`)."""
    user = _user()
    return {
        "kind": kind,
        "owner_id": owner.id,
        "rows": queries.attachments_of(kind, owner.id) if has_some else [],
        "may_attach": user.is_authenticated and may_attach(user, kind, owner),
        "size_words": services.size_words,
        "type_words": services.ALLOWED,
    }


@bp.app_context_processor
def _attachments_helper():
    return {"attachments_for": attachments_for}
