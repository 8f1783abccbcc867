"""Correcting an addendum to approved minutes: a new addendum that supersedes the first,
which stays on the meeting page and in the addenda PDF, marked as corrected."""

from __future__ import annotations

import io

from pypdf import PdfReader
from sqlalchemy import select

from govflow.extensions import db
from govflow.forums import services
from govflow.forums.models import Meeting, MinutesAddendum


def _approved_with_addendum(people):
    meeting = db.session.scalar(select(Meeting).where(Meeting.status == "approved"))
    first = services.add_addendum(meeting, people["secretary"],
                                  "Fiona Marsh sent apologies; she was not present.")
    db.session.commit()
    return meeting, first


def _pdf_text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


def test_an_addendum_is_corrected_by_a_new_one_and_both_stay(client, auth, people):
    meeting, first = _approved_with_addendum(people)
    auth.login(people["secretary"].email)
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    link = f"/meetings/{meeting.id}/addenda?corrects={first.id}"
    assert f'href="{link}">Correct addendum 1</a>' in page

    form = client.get(link).get_data(as_text=True)
    assert '<h1 class="govuk-heading-l">Correct addendum 1</h1>' in form
    assert f'name="corrects" type="hidden" value="{first.id}"' in form
    response = auth.post(f"/meetings/{meeting.id}/addenda", {
        "body": "Fiona Marsh was present; Sam Ellis sent apologies.", "corrects": str(first.id),
    }, form_page=link)
    assert response.status_code == 302
    rows = db.session.scalars(select(MinutesAddendum).where(
        MinutesAddendum.meeting_id == meeting.id).order_by(MinutesAddendum.id)).all()
    assert [(a.body, a.supersedes_id) for a in rows] == [
        ("Fiona Marsh sent apologies; she was not present.", None),
        ("Fiona Marsh was present; Sam Ellis sent apologies.", first.id),
    ]

    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert 'Corrected by <a class="govuk-link" href="#addendum-2">addendum 2</a>.' in page
    assert 'Addendum 2, correcting <a class="govuk-link" href="#addendum-1">addendum 1</a>' in page
    assert ('<div class="gf-superseded"><span class="govuk-visually-hidden">Corrected addendum: '
            '</span><p class="govuk-body gf-pre-line">Fiona Marsh sent apologies; she was not '
            'present.</p></div>') in page
    assert f"corrects={first.id}" not in page  # only what stands can be corrected

    text = _pdf_text(client.get(f"/meetings/{meeting.id}/addenda.pdf").data)
    assert "Addendum 1 Added by" in text and "Corrected by addendum 2." in text
    assert "Addendum 2, correcting addendum 1" in text
    assert "Fiona Marsh was present; Sam Ellis sent apologies." in text


def test_a_corrected_or_unknown_addendum_cannot_be_corrected(client, auth, people):
    meeting, first = _approved_with_addendum(people)
    services.add_addendum(meeting, people["secretary"], "Fiona Marsh was present.",
                          supersedes=first)
    db.session.commit()
    auth.login(people["secretary"].email)
    assert client.get(f"/meetings/{meeting.id}/addenda?corrects={first.id}").status_code == 404
    assert client.get(f"/meetings/{meeting.id}/addenda?corrects=999999").status_code == 404
    assert client.get(f"/meetings/{meeting.id}/addenda?corrects=x").status_code == 404
    assert client.get(f"/meetings/{meeting.id}/addenda?corrects=x%00").status_code == 400
    count = len(meeting.addenda)
    response = auth.post(f"/meetings/{meeting.id}/addenda",
                         {"body": "Again", "corrects": str(first.id)},
                         form_page=f"/meetings/{meeting.id}/addenda")
    assert response.status_code == 404
    db.session.refresh(meeting)
    assert len(meeting.addenda) == count


def test_people_who_do_not_run_the_meeting_are_not_offered_a_correction(client, auth, people):
    meeting, first = _approved_with_addendum(people)
    auth.login(people["practitioner"].email)
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Correct addendum 1" not in page
    assert client.get(f"/meetings/{meeting.id}/addenda?corrects={first.id}").status_code == 403
