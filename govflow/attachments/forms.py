"""The form for adding an attachment (or a new version of one)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovFileInput
from wtforms import FileField
from wtforms.validators import Length

from govflow.form_fields import button, optional, text_box, tick_box


class AttachmentForm(FlaskForm):
    file = FileField("File", widget=GovFileInput(),
                     description="A PDF, Word, Excel, OpenDocument, PNG, JPEG, plain text or CSV "
                                 "file.")
    description = text_box("What it is", optional(Length(max=300)),
                           description="For example, 'Signed data-sharing agreement'")
    confirm = tick_box("This file holds no personal details of children or families")
    submit = button("Add the file")
