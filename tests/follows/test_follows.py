"""Following an item, a forum or an area: one button on its page, its changes on Home (in
the last week, latest first) and in the inbox; restricted items only for those who may see
them; following twice is once, and stopping changes nothing else."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from govflow.clock import utcnow
from govflow.extensions import db
from govflow.follows.models import Follow
from govflow.items import services
from govflow.notifications.models import Notification
from govflow.workflow import engine
from tests.items.blocker_pages import csrf_from, text_of


def _raise(person, title, area="denaby"):
    item = services.raise_blocker(person, title=title, area=area, organisation="dcst",
                                  description="A blocker for the follow tests.")
    db.session.commit()
    return item


def _press(client, page_path: str, button: str):
    """Press the Follow / Stop following button on a page, as a browser sends its form."""
    html = client.get(page_path).get_data(as_text=True)
    form = re.search(r'<form method="post" action="(/follow/[^"]+)" class="gf-follow"[^>]*>'
                     r"(.*?)</form>", html, re.S)
    assert form and button in form.group(2), f"no {button!r} button on {page_path}"
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"',
                             form.group(2)))
    fields["csrf_token"] = csrf_from(html)
    return client.post(form.group(1), data=fields)


def _follows(user) -> set[tuple[str, int]]:
    db.session.expire_all()
    return set(db.session.execute(select(Follow.thing, Follow.thing_id)
                                  .where(Follow.user_id == user.id)).all())


def test_following_an_item_shows_its_changes_on_home_and_in_the_inbox(client, auth, people):
    helen = people["head_of_service"]  # Silver, Central Central: Denaby's Bronze is not hers
    item = _raise(people["practitioner"], "Wren: the family hub's rooms")
    auth.login(helen.email)
    assert "Nothing you follow has changed in the last 7 days." in text_of(client.get("/"))
    reply = _press(client, f"/items/{item.id}", "Follow")
    assert reply.status_code == 303 and reply.location == f"/items/{item.id}"
    page = text_of(client.get(reply.location))
    assert "You now follow this blocker." in page
    assert "You follow this blocker: its changes show on your Home page and in your inbox." \
        in page
    assert _follows(helen) == {("item", item.id)}

    engine.fire(item, "escalate", people["facilitator"], fields={"reason": "Needs Silver."})
    db.session.commit()
    home = text_of(client.get("/"))
    assert re.search(r"What you follow that changed \(1\) .*Wren: the family hub's rooms Silver "
                     r"Last changed \w+day \d+ \w+ 20\d\d", home)
    told = db.session.scalars(select(Notification.subject).where(
        Notification.user_id == helen.id, Notification.kind == "followed")).all()
    assert told == ["Escalated: Wren: the family hub's rooms"]

    _press(client, f"/items/{item.id}", "Stop following")
    assert _follows(helen) == set()
    assert "You no longer follow this blocker." in text_of(client.get(f"/items/{item.id}"))


def test_following_an_area_covers_its_items_and_twice_is_once(client, auth, people, area):
    helen = people["head_of_service"]
    denaby = area("denaby")
    auth.login(helen.email)
    _press(client, "/areas/denaby", "Follow")
    client.post(f"/follow/area/{denaby.id}",
                data={"csrf_token": csrf_from(client.get("/areas/denaby").get_data(
                    as_text=True))})
    assert _follows(helen) == {("area", denaby.id)}
    item = _raise(people["practitioner"], "Wren: no room on Tuesdays")
    home = text_of(client.get("/"))
    assert "Wren: no room on Tuesdays Bronze" in home
    elsewhere = _raise(people["ryan.cooper@syp.example"], "Wren: in Balby", area="balby")
    assert "Wren: in Balby" not in text_of(client.get("/"))
    assert item.id != elsewhere.id


def test_following_a_forum_shows_its_meetings(client, auth, people):
    from govflow.forums.models import Forum, Meeting

    rachel = people["facilitator"]  # in the Denaby club, not the central forum
    forum = db.session.scalar(select(Forum).where(Forum.slug == "central-forum"))
    auth.login(rachel.email)
    _press(client, "/forums/central-forum", "Follow")
    assert _follows(rachel) == {("forum", forum.id)}
    # Within the hour, so it is her soonest meeting whatever the suite's moment: Home lists
    # three, and in late October the demo Denaby club's weekly meetings come first.
    db.session.add(Meeting(forum_id=forum.id, starts_at=utcnow() + timedelta(hours=1),
                           status="planned", place="Committee room 2"))
    db.session.commit()  # scheduled just now
    assert re.search(r"What you follow that changed \(\d\) .*Central Governance Forum: meeting "
                     r"on \d+ \w+ 20\d\d \(planned\)", text_of(client.get("/")))
    # A forum one follows is one whose meetings are one's next meetings too.
    assert re.search(r"Your next meetings Central Governance Forum : \w+day \d+ .*, "
                     r"Committee room 2", text_of(client.get("/")))


def test_a_restricted_item_cannot_be_followed_by_those_who_may_not_see_it(
        client, auth, people):
    item = _raise(people["practitioner"], "Wren: a staff matter")
    item.restricted = True
    item.restricted_reason = "A staff matter."
    db.session.commit()
    auth.login(people["ryan.cooper@syp.example"].email)  # a Balby practitioner
    token = csrf_from(client.get("/account").get_data(as_text=True))
    assert client.post(f"/follow/item/{item.id}", data={"csrf_token": token}).status_code == 404
    assert _follows(people["ryan.cooper@syp.example"]) == set()
