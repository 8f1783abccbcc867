"""The "What we've learnt" library: what it holds, its search and filters, and that it shows
each person only what the access policy lets them see."""

from __future__ import annotations

from sqlalchemy import select

from govflow.extensions import db
from govflow.items import services
from govflow.items.models import Item
from govflow.workflow import engine
from tests.ideas.idea_pages import text_of

CLUB = "Weekly conversation club at the Denaby community café"
ROOMS = "Community groups cannot book family hub rooms: only council staff can use the booking system"


def _item(title):
    return db.session.scalar(select(Item).where(Item.title == title))


def test_the_library_holds_adopted_ideas_with_their_evaluation_and_unblocked_blockers(
        client, auth, people):
    auth.login("liam.fletcher@hexthorpe-park-friends.example")
    page = client.get("/library")
    assert page.status_code == 200
    text = text_of(page)
    assert "What we’ve learnt" in text
    club = _item(CLUB)
    assert f'href="/items/{club.id}"' in page.get_data(as_text=True)
    assert ("What was learnt Practitioners sorted out who was doing what for families in "
            "minutes instead of days of emails") in text
    assert "Recommendation Adopt it: keep the Denaby club going" in text
    assert "Also tried in No other area yet" in text
    rooms = _item(ROOMS)
    assert f'href="/items/{rooms.id}"' in page.get_data(as_text=True)
    assert "What was done Agreed a way through with the service concerned" in text
    # Open items are not in it.
    open_blocker = db.session.scalar(select(Item).where(Item.kind == "blocker",
                                                        Item.state == "bronze"))
    assert f'href="/items/{open_blocker.id}"' not in page.get_data(as_text=True)


def test_search_reads_the_evaluation_and_filters_narrow_by_area_outcome_and_date(client, auth):
    auth.login("liam.fletcher@hexthorpe-park-friends.example")
    club = _item(CLUB)
    found = client.get("/library?q=minutes+instead+of+days").get_data(as_text=True)
    assert f'href="/items/{club.id}"' in found
    assert "Showing 1 to 1 of 1" in text_of(found)
    assert f'href="/items/{club.id}"' not in client.get(
        "/library?area=hexthorpe").get_data(as_text=True)
    assert f'href="/items/{club.id}"' in client.get(
        "/library?area=denaby&outcome=safe-stronger-families&kind=idea").get_data(as_text=True)
    assert f'href="/items/{club.id}"' not in client.get(
        "/library?from=2030-01-01").get_data(as_text=True)
    bad = client.get("/library?from=not-a-date")
    assert bad.status_code == 400
    assert "There is a problem" in text_of(bad)


def test_a_restricted_unblocked_blocker_is_only_in_the_library_of_those_involved(
        client, auth, people):
    kelly, rachel = people["kelly.bramley@dbth.example"], people["rachel.dunn@dmbc.example"]
    blocker = services.raise_blocker(kelly, title="Marrowdale rota blocker", area="denaby",
                                     organisation="dbth", description="The rota.")
    engine.fire(blocker, "unblock", rachel, fields={"resolution": "Marrowdale rota agreed"})
    engine.set_restricted(blocker, rachel, restricted=True, reason="Commercially sensitive")
    db.session.flush()
    auth.login("liam.fletcher@hexthorpe-park-friends.example")
    hidden = client.get("/library?q=Marrowdale")
    assert f'href="/items/{blocker.id}"' not in hidden.get_data(as_text=True)
    assert "Marrowdale rota agreed" not in text_of(hidden)
    assert "Nothing matches this search" in text_of(hidden)
    auth.logout()
    auth.login("rachel.dunn@dmbc.example")
    assert "Marrowdale rota agreed" in text_of(client.get("/library?q=Marrowdale"))


def test_the_library_downloads_as_a_spreadsheet_with_the_same_filters(client, auth):
    auth.login("liam.fletcher@hexthorpe-park-friends.example")
    page = client.get("/library?area=denaby&kind=idea").get_data(as_text=True)
    assert 'href="/library/export.csv?kind=idea&amp;area=denaby"' in page
    response = client.get("/library/export.csv?kind=idea&area=denaby")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    lines = response.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0].startswith("Item,Type,Title,Area,State,Learnt on (UK date),What happened,")
    club = [line for line in lines if CLUB in line]
    assert len(club) == 1
    assert "Practitioners sorted out who was doing what for families" in club[0]
    assert all("Denaby" in line for line in lines[1:])
