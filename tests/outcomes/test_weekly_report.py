"""The weekly progress report: subscribed on the account page, made by the sweep for the
partnership and each area, and delivered with its PDF through a real SMTP server."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from sqlalchemy import update

from govflow.extensions import db
from govflow.notifications.models import Notification

# Quarters and 'the last four quarters' come from the clock: replayed at awkward moments.
pytestmark = pytest.mark.clock

READER = "priya.shah@dcst.example"  # practitioner, Denaby


@pytest.fixture
def empty_outbox(app):
    """Park the demo data's own notifications so the test sees only the ones it makes."""
    db.session.execute(update(Notification).where(Notification.email_status == "pending")
                       .values(email_status="not_sent"))
    db.session.commit()


def _reports(smtp):
    return [m for m in smtp.messages if m["Subject"].startswith("Weekly progress report")]


def test_subscribing_on_the_account_page(client, auth):
    auth.login(READER)
    account = client.get("/account").get_data(as_text=True)
    assert "Choose your weekly progress reports" in account
    form = client.get("/account/progress-report").get_data(as_text=True)
    assert "The whole partnership" in form and ">Denaby<" in form.replace("\n", "").replace(" ", "") \
        or "Denaby" in form
    response = auth.post("/account/progress-report", {"scopes": ["partnership", "denaby"]},
                         form_page="/account/progress-report")
    assert response.status_code == 302
    page = client.get("/account").get_data(as_text=True)
    assert "You will get the weekly progress report for: The whole partnership, Denaby." in page
    again = client.get("/account/progress-report").get_data(as_text=True)
    assert 'value="denaby" checked' in again and 'value="partnership" checked' in again
    bad = auth.post("/account/progress-report", {"scopes": ["atlantis"]},
                    form_page="/account/progress-report")
    assert bad.status_code == 400
    assert "Choose only from the weekly progress reports listed" in bad.get_data(as_text=True)
    auth.post("/account/progress-report", {}, form_page="/account/progress-report")
    assert "You will not get the weekly progress report." in \
        client.get("/account").get_data(as_text=True)


def test_the_sweep_emails_each_subscriber_their_reports_once_a_week(
        app, client, auth, runner, empty_outbox, mail_config):
    auth.login(READER)
    auth.post("/account/progress-report", {"scopes": ["partnership", "denaby"]},
              form_page="/account/progress-report")
    db.session.commit()

    out = runner.invoke(args=["sweep"])
    assert out.exit_code == 0, out.output
    reports = _reports(mail_config)
    assert sorted(m["Subject"].split(",")[0] for m in reports) == [
        "Weekly progress report for Denaby", "Weekly progress report for the whole partnership"]
    assert all(m["To"] == READER for m in reports)

    denaby = next(m for m in reports if "Denaby" in m["Subject"])
    body = denaby.get_body(("plain",)).get_content()
    assert "This week's progress report for Denaby is attached (PDF)" in body
    attachment = next(denaby.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename().startswith("govflow-progress-report-")
    pdf = PdfReader(io.BytesIO(attachment.get_content()))
    first, second = (" ".join(p.extract_text().split()) for p in pdf.pages[:2])
    assert "Progress report" in first and "Denaby" in first
    assert "Outcomes for children and families: Denaby" in second
    assert "Contacts to the Front Door" in second
    assert "You said, we did" in second
    assert "Weekly conversation club at the Denaby community café" in second

    # A second sweep in the same week sends nothing more.
    assert runner.invoke(args=["sweep"]).exit_code == 0
    assert len(_reports(mail_config)) == 2
