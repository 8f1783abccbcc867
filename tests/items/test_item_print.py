"""A blocker or idea printed as its own PDF (read back with pypdf): the facts, its texts, its
decisions and its history; the same refusal as the item's page for a restricted item."""

from __future__ import annotations

import io

from pypdf import PdfReader

from govflow.items import services
from govflow.workflow import engine


def _text(response) -> str:
    reader = PdfReader(io.BytesIO(response.get_data()))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def test_a_blocker_prints_with_its_decision_and_history(client, auth, people):
    priya, rachel = people["priya.shah@dcst.example"], people["rachel.dunn@dmbc.example"]
    item = services.raise_blocker(priya, title="Family hub room cannot be booked after 4pm",
                                  description="The booking system closes at 4pm.",
                                  area="denaby", organisation="dcst")
    engine.fire(item, "unblock", rachel,
                fields={"resolution": "The hub now takes evening bookings by phone"})
    auth.login("liam.fletcher@hexthorpe-park-friends.example")  # anyone who may see it
    page = client.get(f"/items/{item.id}").get_data(as_text=True)
    assert (f'<a class="govuk-link" href="/items/{item.id}/print.pdf">Print this blocker (PDF)'
            "</a>") in page
    response = client.get(f"/items/{item.id}/print.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        f'inline; filename="blocker-{item.id}.pdf"')
    text = " ".join(_text(response).split())
    assert f"Blocker {item.id} Family hub room cannot be booked after 4pm" in text
    assert "Area Denaby" in text
    assert "Raised by Priya Shah" in text
    assert "What is blocked The booking system closes at 4pm." in text
    assert "Decisions" in text and "Unblocked at Bronze" in text
    assert "The hub now takes evening bookings by phone" in text
    assert "History" in text and "Rachel Dunn" in text
    assert "Page 1 of 1" in text
    reader = PdfReader(io.BytesIO(response.get_data()))
    assert reader.metadata.title == f"Blocker {item.id}: Family hub room cannot be booked after 4pm"


def test_a_restricted_item_does_not_print_for_those_who_may_not_see_it(client, auth, people):
    ryan = people["ryan.cooper@syp.example"]
    item = services.raise_blocker(ryan, title="Rota dispute", description="A staff matter.",
                                  area="balby", organisation="syp")
    engine.set_restricted(item, ryan, restricted=True, reason="A staff matter")
    auth.login("liam.fletcher@hexthorpe-park-friends.example")
    response = client.get(f"/items/{item.id}/print.pdf")
    assert response.status_code == 403
    assert b"%PDF" not in response.get_data()
    assert "This item is restricted" in response.get_data(as_text=True)
