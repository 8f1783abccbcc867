"""The signed copy of an agreement is kept with it as an attachment: added by whoever may
record its review, read by everyone."""

from __future__ import annotations

import io

from sqlalchemy import select

from govflow.agreements.models import Agreement
from govflow.attachments.models import Attachment
from govflow.extensions import db
from tests.attachments.test_attachments import PDF, files  # noqa: F401 - the fixture


def test_the_owner_attaches_the_signed_copy_and_a_practitioner_downloads_it(
        client, auth, people, files):  # noqa: F811
    agreement = db.session.scalar(select(Agreement).where(
        Agreement.title == "Denaby early help information-sharing protocol"))
    url = f"/attachments/agreement/{agreement.id}/new"
    auth.login("liam.fletcher@hexthorpe-park-friends.example")
    assert client.get(url).status_code == 403
    auth.logout()
    auth.login("rachel.dunn@dmbc.example")  # its owner
    form = {"description": "Signed by all five partners", "confirm": "y",
            "file": (io.BytesIO(PDF), "signed-protocol.pdf")}
    assert auth.post(url, form, form_page=url,
                     content_type="multipart/form-data").status_code == 302
    auth.logout()
    auth.login("liam.fletcher@hexthorpe-park-friends.example")
    page = client.get(f"/agreements/{agreement.id}").get_data(as_text=True)
    assert "signed-protocol.pdf" in page and "Signed by all five partners" in page
    row = db.session.scalar(select(Attachment).where(Attachment.filename == "signed-protocol.pdf"))
    assert client.get(f"/attachments/{row.id}").data == PDF
