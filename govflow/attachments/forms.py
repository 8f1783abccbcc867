"""The form for adding an attachment (or a new version of one)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovFileInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import BooleanField, FileField, StringField, SubmitField
from wtforms.validators import Length, Optional


class AttachmentForm(FlaskForm):
    file = FileField("File", widget=GovFileInput(),
                     description="A PDF, Word, Excel, OpenDocument, PNG, JPEG, plain text or CSV "
                                 "file.")
    description = StringField("What it is", widget=GovTextInput(),
                              description="For example, 'Signed data-sharing agreement'",
                              validators=[Optional(), Length(max=300)])
    confirm = BooleanField("This file holds no personal details of children or families",
                           widget=GovCheckboxInput())
    submit = SubmitField("Add the file", widget=GovSubmitInput())
