"""Attachments: a file kept with an item, a decision or a meeting. Allowed by its content (not
its name) against the allow-list, refused by type and by size with the error beside the
field, served only to people who may see what it belongs to (as a download, nosniff),
never deleted but superseded, and in the record: `govflow check` finds a swapped file or an
edited row."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest
import segno
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from govflow.attachments import queries, services, storage
from govflow.attachments.models import Attachment
from govflow.decisions.models import Decision
from govflow.domain_errors import Forbidden
from govflow.extensions import db
from govflow.forums.models import Meeting
from govflow.items.services import raise_blocker
from govflow.workflow import engine
from tests.support.tamper import bypass_protections

PDF = (b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")
CSV = b"area,blockers\nDenaby,3\nBalby,1\n"


def _zip(entries) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, body in entries:
            archive.writestr(name, body)
    return buffer.getvalue()


def _png() -> bytes:
    buffer = io.BytesIO()
    segno.make("govflow").save(buffer, kind="png")
    return buffer.getvalue()


DOCX = _zip([("[Content_Types].xml", "<Types/>"), ("word/document.xml", "<w:document/>")])
ODS = _zip([("mimetype", "application/vnd.oasis.opendocument.spreadsheet"),
            ("content.xml", "<office:document-content/>")])


@pytest.fixture
def files(app, tmp_path, monkeypatch):
    """Attachments kept in a folder of this test's own (with a copy of the demo data's
    files), with a small size limit."""
    folder = tmp_path / "attachments"
    if Path(app.config["ATTACHMENTS_DIR"]).is_dir():
        shutil.copytree(app.config["ATTACHMENTS_DIR"], folder)
    monkeypatch.setitem(app.config, "ATTACHMENTS_DIR", str(folder))
    monkeypatch.setitem(app.config, "ATTACHMENTS_MAX_BYTES", 20_000)
    return folder


def new_files(folder: Path) -> list[Path]:
    demo = {a.sha256 for a in db.session.scalars(select(Attachment))}
    return [p for p in folder.rglob("*") if p.is_file() and p.name not in demo]


def blocker(people, **kw):
    return raise_blocker(people["practitioner"], title="Room bookings at the family hub",
                         description="The hub's rooms cannot be booked by voluntary groups.",
                         area="denaby", **kw)


def upload(auth, url, name, data, *, confirm=True, description=""):
    form = {"description": description, "file": (io.BytesIO(data), name)}
    if confirm:
        form["confirm"] = "y"
    return auth.post(url, form, form_page=url, content_type="multipart/form-data")


@pytest.mark.parametrize("name, data, stored_type, words", [
    ("agreement.pdf", PDF, "application/pdf", "PDF"),
    ("notes.docx", DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word"),
    ("figures.ods", ODS, "application/vnd.oasis.opendocument.spreadsheet", "OpenDocument spreadsheet"),
    ("poster.png", _png(), "image/png", "PNG image"),
    ("counts.csv", CSV, "text/csv", "CSV"),
    ("notes.txt", "Café notes — 3 ideas\n".encode(), "text/plain", "Plain text"),
])
def test_an_allowed_file_is_kept_outside_the_database_and_listed_on_the_item(
        client, auth, people, files, name, data, stored_type, words):
    item = blocker(people)
    auth.login(people["practitioner"].email)
    url = f"/attachments/item/{item.id}/new"
    response = upload(auth, url, name, data, description="Signed copy")
    assert response.status_code == 302 and response.location.endswith(f"/items/{item.id}")
    row = db.session.scalar(select(Attachment).where(Attachment.filename == name))
    assert (row.filename, row.content_type, row.size) == (name, stored_type, len(data))
    assert row.sha256 == hashlib.sha256(data).hexdigest() and row.chain_hash
    assert (files / row.sha256[:2] / row.sha256).read_bytes() == data
    page = " ".join(client.get(f"/items/{item.id}").get_data(as_text=True).split())
    assert f">{name}</a> <span class=\"govuk-body-s\">({words}," in page
    assert "Signed copy" in page


@pytest.mark.parametrize("name, data, message", [
    ("archive.zip", _zip([("a.txt", "x")]), "The file must be a PDF, Word, Excel, OpenDocument, PNG, JPEG, plain text or CSV file"),
    ("report.pdf", b"MZ\x90\x00" + b"\x00" * 64, "The file must be a PDF, Word, Excel, OpenDocument, PNG, JPEG, plain text or CSV file"),
    ("animation.gif", b"GIF89a" + b"\x00" * 20, "The file must be a PDF, Word, Excel, OpenDocument, PNG, JPEG, plain text or CSV file"),
    ("names.csv", "Caf\xe9,3\n".encode("latin-1"), "The file must be a PDF, Word, Excel, OpenDocument, PNG, JPEG, plain text or CSV file"),
    ("notes.txt", b"text\x00with a NUL byte", "The file must be a PDF, Word, Excel, OpenDocument, PNG, JPEG, plain text or CSV file"),
    ("big.txt", b"a" * 20_001, "The file must be smaller than 19.5 KB"),
    ("empty.txt", b"", "The chosen file is empty"),
])
def test_a_refused_file_is_named_beside_the_field_and_nothing_is_kept(
        auth, people, files, name, data, message):
    item = blocker(people)
    auth.login(people["practitioner"].email)
    url = f"/attachments/item/{item.id}/new"
    response = upload(auth, url, name, data, description="Typed text stays")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "govuk-error-summary" in html and message in html
    assert 'id="file-error"' in html and 'value="Typed text stays"' in html
    assert db.session.scalar(select(Attachment).where(Attachment.filename == name)) is None
    assert not files.exists() or new_files(files) == []


def test_the_uploader_must_confirm_there_are_no_personal_details(auth, people, files):
    item = blocker(people)
    auth.login(people["practitioner"].email)
    url = f"/attachments/item/{item.id}/new"
    response = upload(auth, url, "agreement.pdf", PDF, confirm=False)
    assert response.status_code == 400
    assert ("Confirm that the file holds no personal details of children or families"
            in response.get_data(as_text=True))
    assert db.session.scalar(select(Attachment).where(Attachment.filename == "agreement.pdf")) is None


def test_a_body_far_over_the_limit_is_refused_before_it_is_read(auth, people, files):
    item = blocker(people)
    auth.login(people["practitioner"].email)
    url = f"/attachments/item/{item.id}/new"
    response = upload(auth, url, "huge.txt", b"a" * 200_000)
    assert response.status_code == 413


def test_a_restricted_items_files_go_only_to_the_people_involved_as_a_download(
        client, auth, people, files):
    item = blocker(people)
    engine.set_restricted(item, people["practitioner"], restricted=True, reason="A staff matter")
    assert item.restricted
    row = services.attach("item", item, people["practitioner"], services.Upload(
        filename="../../etc/rota <b>.pdf", data=PDF, confirmed=True))
    assert row.filename == "rota <b>.pdf"
    auth.login(people["practitioner"].email)
    response = client.get(f"/attachments/{row.id}")
    assert response.status_code == 200 and response.data == PDF
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "rota" in response.headers["Content-Disposition"]
    auth.logout()

    outsider = people["liam.fletcher@hexthorpe-park-friends.example"]
    auth.login(outsider.email)
    assert client.get(f"/attachments/{row.id}").status_code == 404
    assert client.get(f"/attachments/item/{item.id}/new").status_code == 403
    with pytest.raises(Forbidden):
        services.attach("item", item, outsider, services.Upload("x.pdf", PDF, confirmed=True))


def test_meeting_files_are_added_by_its_secretary_and_read_by_everyone(client, auth, people, files):
    meeting = db.session.scalar(select(Meeting).where(Meeting.status == "approved"))
    auth.login(people["practitioner"].email)
    assert client.get(f"/attachments/meeting/{meeting.id}/new").status_code == 403
    auth.logout()
    auth.login(people["secretary"].email)
    url = f"/attachments/meeting/{meeting.id}/new"
    assert upload(auth, url, "evaluation.pdf", PDF, description="Evaluation report").status_code == 302
    auth.logout()
    auth.login(people["practitioner"].email)
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "evaluation.pdf" in page and "Evaluation report" in page
    row = db.session.scalar(select(Attachment).where(Attachment.filename == "evaluation.pdf"))
    assert client.get(f"/attachments/{row.id}").data == PDF


def test_a_file_is_never_deleted_only_superseded_by_a_new_version(client, auth, people, files):
    item = blocker(people)
    for _ in range(2):
        engine.fire(item, "escalate", people["admin"], fields={"reason": "Needs Gold."})
    decision_event = engine.fire(item, "unblock", people["executive"],
                                 fields={"resolution": "Agreed."})
    decision = db.session.scalar(select(Decision).where(Decision.event_id == decision_event.id))
    first = services.attach("decision", decision, people["executive"], services.Upload(
        "agreement.pdf", PDF, "Draft agreement", confirmed=True))
    auth.login(people["executive"].email)
    url = f"/attachments/decision/{decision.id}/new?replaces={first.id}"
    html = client.get(url).get_data(as_text=True)
    assert "This replaces agreement.pdf. The earlier version is kept" in html
    signed = PDF.replace(b"Catalog", b"Catalog /Signed true")
    response = upload(auth, url, "agreement-signed.pdf", signed, description="Signed agreement")
    assert response.status_code == 302
    rows = queries.attachments_of("decision", decision.id)
    assert [(r.filename, r.current) for r in rows] == [("agreement-signed.pdf", True),
                                                       ("agreement.pdf", False)]
    page = " ".join(client.get(f"/decisions/{decision.id}").get_data(as_text=True).split())
    assert "Earlier versions (1)" in page and "replacing an earlier version" in page
    assert client.get(f"/attachments/{first.id}").data == PDF  # still there
    response = upload(auth, url, "again.pdf", PDF)
    assert response.status_code == 409  # that version has been replaced already

    with pytest.raises(Exception, match="append-only"):
        first.filename = "renamed.pdf"
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize("statement", [
    "UPDATE attachments SET filename = 'renamed.pdf' WHERE id = :id",
    "DELETE FROM attachments WHERE id = :id",
])
def test_the_database_refuses_to_change_or_delete_an_attachment(app, people, files, statement):
    item = blocker(people)
    row = services.attach("item", item, people["practitioner"],
                          services.Upload("a.pdf", PDF, confirmed=True))
    with pytest.raises(DBAPIError, match="append-only"), db.session.begin_nested():
        db.session.execute(text(statement), {"id": row.id})


def _failed_check(runner) -> dict:
    """`govflow check` must fail (exit 1); its report, by check."""
    result = runner.invoke(args=["check", "--json"])
    assert result.exit_code == 1, result.output
    return {r["check"]: r for r in json.loads(result.output)}


def _unchanged_files_examples(runner) -> list[str]:
    """What the failed check says of attachments whose files are not as recorded."""
    return _failed_check(runner)["attachment_files_unchanged"]["examples"]


def test_check_finds_a_swapped_file_and_the_download_is_refused(client, auth, runner, people,
                                                                 files):
    item = blocker(people)
    row = services.attach("item", item, people["practitioner"],
                          services.Upload("agreement.pdf", PDF, confirmed=True))
    assert storage.problem(row.sha256, row.size) is None
    kept = Path(storage.path_for(row.sha256))
    kept.write_bytes(PDF.replace(b"Catalog", b"Catalog /Altered true"))
    auth.login(people["practitioner"].email)
    response = client.get(f"/attachments/{row.id}")
    assert response.status_code == 409
    assert "its file does not match its recorded SHA-256" in response.get_data(as_text=True)
    # Last: the check ends the test's transaction.
    assert _unchanged_files_examples(runner) == [
        f"attachment {row.id} (agreement.pdf): its file does not match its recorded SHA-256"]


def test_check_finds_a_missing_file(runner, people, files):
    row = services.attach("item", blocker(people), people["practitioner"],
                          services.Upload("agreement.pdf", PDF, confirmed=True))
    Path(storage.path_for(row.sha256)).unlink()
    assert _unchanged_files_examples(runner) == [
        f"attachment {row.id} (agreement.pdf): its file is missing"]


def test_check_finds_an_edited_attachment_row(runner, people, files):
    row = services.attach("item", blocker(people), people["practitioner"],
                          services.Upload("agreement.pdf", PDF, confirmed=True))
    bypass_protections()
    db.session.execute(text("UPDATE attachments SET filename = 'harmless.pdf' WHERE id = :id"),
                       {"id": row.id})
    report = _failed_check(runner)
    assert report["attachment_files_unchanged"]["problems"] == 0
    assert (f"attachments row {row.id} (entry 1 of attachment list {row.owner_ref_id}'s "
            "record): filename no longer matches its recorded hash") in "\n".join(
        report["record_chains"]["examples"])
