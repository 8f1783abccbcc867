"""Systemic blockers: similar blockers suggested as a title is typed (full-text search on
SQLite FTS5 and PostgreSQL), "we have this too", and Silver at the third area."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from govflow.extensions import db
from govflow.items import services as items
from govflow.items.models import Event, Item, ItemArea
from govflow.notifications.models import Notification
from govflow.systemic import search
from govflow.systemic import services as systemic
from govflow.workflow import engine

MONDAY = datetime(2026, 11, 2, 10, 0)
BALBY_SPONSOR = "andrew.kirkby@syp.example"


@pytest.fixture
def photocopier(app, people):
    """An open blocker in Hexthorpe with words nothing in the demo data uses."""
    blocker = items.raise_blocker(
        people["admin"],
        title="Photocopier quota runs out before the family hub newsletter is printed",
        description="The library photocopier allowance is shared with three teams and is "
                    "spent by the second week of each month.",
        area="hexthorpe",
        now=MONDAY,
    )
    db.session.commit()  # as the request that raised it did
    return blocker


def test_search_finds_open_blockers_by_title_description_and_typed_prefix(photocopier):
    assert search.similar_ids("photocopier quota")[0] == photocopier.id
    assert photocopier.id in search.similar_ids("allowance spent by teams")  # description
    assert photocopier.id in search.similar_ids("Newsletter photoco")  # still typing
    assert search.similar_ids("the and of with") == []  # nothing worth searching for
    assert search.similar_ids('quota" OR x*') [0] == photocopier.id  # quotes are inert


def test_search_follows_changes_and_leaves_out_closed_blockers(photocopier, people):
    photocopier.title = "Laminator broken in the community centre"
    db.session.commit()
    assert photocopier.id in search.similar_ids("laminator")
    assert photocopier.id not in search.similar_ids("newsletter quota")
    engine.fire(photocopier, "withdraw", people["admin"], fields={"reason": "Fixed."})
    assert search.similar_ids("laminator") == []


def test_suggestions_fragment_page_and_api(photocopier, auth, client, people):
    auth.login(people["practitioner"].email)
    fragment = client.get("/items/similar?fragment=1&title=photocopier+quota")
    html = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in html
    assert f'href="/items/{photocopier.id}/we-have-this-too"' in html
    assert "Affects Hexthorpe" in html
    page = client.get("/items/similar?title=photocopier").get_data(as_text=True)
    assert "Check for similar blockers" in page and photocopier.title in page
    api = client.get("/api/v1/items/similar?title=photocopier%20quota").get_json()
    assert api["items"][0] == {
        "id": photocopier.id, "title": photocopier.title, "state": "bronze", "tier": "bronze",
        "systemic": False, "areas": ["hexthorpe"],
        "add_area_url": f"/items/{photocopier.id}/we-have-this-too"}
    missing = client.get("/api/v1/items/similar")
    assert missing.status_code == 400 and missing.get_json()["fields"]["title"]


def test_raise_form_checks_for_similar_blockers_without_javascript(photocopier, auth, client,
                                                                    people):
    auth.login(people["practitioner"].email)
    form = client.get("/blockers/new").get_data(as_text=True)
    assert "data-gf-similar" in form and 'formaction="/items/similar"' in form
    assert "/static/js/similar.js" in form
    typed = MultiDict([("title", "Our photocopier quota is gone"),
                       ("description", "No copies left."), ("effect", "Letters go out late."),
                       ("area", "denaby"), ("features", "rooted-in-place"),
                       ("features", "whole-family-working"), ("organisation", ""),
                       ("check_similar", "1")])
    typed.add("csrf_token", auth.csrf("/blockers/new"))
    checked = client.post("/items/similar", data=typed)
    page = checked.get_data(as_text=True)
    assert checked.status_code == 200
    assert photocopier.title in page
    # Everything typed is carried, ready to raise after all: post it as the browser would.
    carried = MultiDict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))
    assert carried.getlist("features") == ["rooted-in-place", "whole-family-working"]
    assert carried["title"] == "Our photocopier quota is gone" and "check_similar" not in carried
    assert "Raise my blocker" in page
    raised = client.post("/blockers/new", data=carried)
    assert raised.status_code == 302
    assert db.session.scalar(select(Item).where(Item.title == "Our photocopier quota is gone"))


def test_we_have_this_too_needs_an_effect_and_keeps_what_was_typed(photocopier, auth, client,
                                                                    people):
    auth.login(people["practitioner"].email)
    path = f"/items/{photocopier.id}/we-have-this-too"
    page = client.get(path).get_data(as_text=True)
    assert "Denaby" in page and "Add my area to this blocker" in page
    response = auth.post(path, {"area": "denaby", "effect": ""}, form_page=path)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in html and 'href="#effect"' in html
    assert db.session.scalars(select(ItemArea).where(ItemArea.item_id == photocopier.id)).all() == []
    tampered = auth.post(path, {"area": "balby", "effect": "Here too."}, form_page=path)
    assert tampered.status_code == 400  # not an area this person works in
    assert "Choose your area from the list" in tampered.get_data(as_text=True)


def test_third_area_through_the_web_makes_it_systemic_at_silver(photocopier, auth, client,
                                                                 people):
    path = f"/items/{photocopier.id}/we-have-this-too"
    auth.login(people["practitioner"].email)
    first = auth.post(path, {"area": "denaby", "effect": "Our hub newsletter is late too."},
                      form_page=path)
    assert first.status_code == 302
    db.session.refresh(photocopier)
    assert (photocopier.state, photocopier.systemic) == ("bronze", False)
    assert db.session.scalar(select(Notification).where(
        Notification.item_id == photocopier.id, Notification.kind == "area_added"))

    auth.logout()
    auth.login(BALBY_SPONSOR)
    second = auth.post(path, {"area": "balby", "effect": "Balby's hub too."}, form_page=path)
    assert second.status_code == 302
    db.session.refresh(photocopier)
    assert (photocopier.state, photocopier.tier, photocopier.systemic) == ("silver", "silver", True)
    event = db.session.scalars(select(Event).where(Event.item_id == photocopier.id)
                               .order_by(Event.id.desc())).first()
    assert event.trigger == "systemic" and event.actor_id is None
    assert event.reason == ("Affects 3 areas: Hexthorpe, Denaby, Balby — moved to Silver as "
                            "a systemic blocker")
    shown = client.get(second.headers["Location"]).get_data(as_text=True)
    assert "systemic blocker" in shown
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert photocopier.title in dashboard.split('id="headline-figures">Headline figures')[0]


def test_a_paused_bronze_blocker_resumes_then_moves_up_with_a_fresh_silver_deadline(
        photocopier, people, area):
    engine.fire(photocopier, "pause", people["admin"], fields={"reason": "Waiting on IT."},
                now=MONDAY)
    systemic.add_area(photocopier, people["admin"], area="denaby", effect="Here too.",
                      now=MONDAY)
    later = datetime(2026, 11, 4, 10, 0)
    systemic.add_area(photocopier, people["admin"], area="balby", effect="And here.", now=later)
    triggers = [e.trigger for e in db.session.scalars(
        select(Event).where(Event.item_id == photocopier.id).order_by(Event.id))]
    assert triggers == ["raise", "pause", "resume", "systemic"]
    assert photocopier.state == "silver"
    # Three working days from Wednesday 4 November: Monday 9 November, 5pm (GMT).
    assert photocopier.due_at == datetime(2026, 11, 9, 17, 0)


def test_closed_blockers_and_areas_already_on_it_are_refused(photocopier, people):
    from govflow.domain_errors import Invalid, Refused

    with pytest.raises(Invalid) as err:
        systemic.add_area(photocopier, people["admin"], area="hexthorpe", effect="Same.")
    assert err.value.field_errors == {"area": "Hexthorpe is already affected by this blocker"}
    db.session.rollback()
    engine.fire(photocopier, "withdraw", people["admin"], fields={"reason": "Sorted."})
    with pytest.raises(Refused):
        systemic.add_area(photocopier, people["admin"], area="denaby", effect="Same.")


def test_the_blocker_page_shows_other_areas_their_effect_and_systemic(photocopier, auth,
                                                                      client, people):
    systemic.add_area(photocopier, people["admin"], area="denaby", effect="Late newsletters.")
    systemic.add_area(photocopier, people["admin"], area="balby", effect="No flyers either.")
    auth.login(people["admin"].email)
    page = client.get(f"/items/{photocopier.id}").get_data(as_text=True)
    assert "Other areas with this blocker" in page
    assert "Late newsletters." in page and "No flyers either." in page
    assert "This blocker affects 3 areas, so it is handled at Silver or above (it moved up when it reached that many; one already at Silver or Gold stays where it is)." in page
    assert f"/items/{photocopier.id}/we-have-this-too" in page


def _systemic_titles(client) -> list[str]:
    page = client.get("/dashboard").get_data(as_text=True)
    listed = re.search(r'<ul class="govuk-list gf-systemic-list">(.*?)</ul>', page, re.S)
    return re.findall(r'<a class="govuk-link" href="/items/\d+">([^<]+)</a>', listed.group(1))


def test_the_dashboard_lists_systemic_blockers_most_areas_first_then_longest_waiting(
        photocopier, auth, client, people):
    admin = people["admin"]
    version = photocopier.version
    systemic.add_area(photocopier, admin, area="denaby", effect="Here too.", now=MONDAY)
    # Counted on the blocker, which is not an edit of it: forms opened before still work.
    assert db.session.execute(select(Item.areas_added, Item.version)
                              .where(Item.id == photocopier.id)).one() == (1, version)
    systemic.add_area(photocopier, admin, area="balby", effect="And here.", now=MONDAY)
    four = items.raise_blocker(admin, title="Interpreters cannot be booked for evening visits",
                               description="Set up for the systemic list.", area="hexthorpe",
                               now=datetime(2026, 11, 3, 10, 0))
    newest = items.raise_blocker(admin, title="Minibus insurance lapses over the holidays",
                                 description="Set up for the systemic list.", area="hexthorpe",
                                 now=datetime(2026, 11, 4, 10, 0))
    for blocker, areas in ((four, ("denaby", "balby", "central-central")),
                           (newest, ("denaby", "balby"))):
        for other in areas:
            systemic.add_area(blocker, admin, area=other, effect="Same here.", now=MONDAY)
    db.session.commit()
    auth.login(admin.email)
    mine = {photocopier.title, four.title, newest.title}
    # Four areas first; then the two with three areas, the one waiting longest first.
    assert [t for t in _systemic_titles(client) if t in mine] == [
        four.title, photocopier.title, newest.title]
