"""Home is each person's to-do list: what needs them now (soonest deadline first), their own
open items and where each is, their next meetings; counts that agree with the pages they
link to, a fixed number of statements however long the lists, and good empty states."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from govflow.clock import utcnow
from govflow.extensions import db
from govflow.items import services
from govflow.workflow import engine
from tests.items.blocker_pages import text_of
from tests.support.statements import recorded_statements


def _raise(person, title, now=None, area="denaby", **kw):
    return services.raise_blocker(person, title=title, now=now, area=area,
                                  description="A blocker for the home page tests.",
                                  organisation=kw.pop("organisation", "dcst"), **kw)


def _section(response, heading_id: str) -> str:
    """The text of one of Home's sections (from its h2 to the next)."""
    html = response.get_data(as_text=True)
    start = html.index(f'id="{heading_id}"')
    end = html.find("<h2", start)
    part = html[start:end if end > 0 else None]
    return " ".join(re.sub(r"<[^>]+>", " ", part).replace("&#39;", "'").split())


def _todo_titles(response) -> list[str]:
    html = response.get_data(as_text=True)
    start = html.index('id="needs-you"')
    part = html[start:html.index('id="yours"')]
    return re.findall(r'<a class="govuk-link" href="/[^"]+">([^<]+)</a><br>', part)


def test_a_practitioner_with_nothing_to_act_on_sees_her_own_items_and_where_they_are(
        client, auth, people):
    priya = people["practitioner"]
    item = _raise(priya, "Kiwi: a room for the club")
    engine.fire(item, "escalate", people["facilitator"], fields={"reason": "Needs Silver."})
    db.session.commit()
    auth.login(priya.email)
    home = client.get("/")
    assert "Needs you now (0) Nothing needs you today." in text_of(home)
    yours = _section(home, "yours")
    assert re.search(r"Kiwi: a room for the club Blocker \d+ in Denaby Silver Due in", yours)
    assert 'href="/items/mine"' in home.get_data(as_text=True)


def test_the_facilitator_finds_her_areas_bronze_items_soonest_deadline_first(
        client, auth, people):
    now = utcnow()
    later = _raise(people["practitioner"], "Kiwi: raised today", now=now)
    sooner = _raise(people["practitioner"], "Kiwi: raised a week ago", now=now - timedelta(days=7))
    _raise(people["ryan.cooper@syp.example"], "Kiwi: in Balby", area="balby",
           organisation="syp")
    db.session.commit()
    auth.login(people["facilitator"].email)
    titles = _todo_titles(client.get("/"))
    assert titles.index(sooner.title) < titles.index(later.title)
    assert "Kiwi: in Balby" not in titles
    page = text_of(client.get("/"))
    assert re.search(rf"{sooner.title} Blocker {sooner.id} in Denaby Bronze Overdue by", page)


def test_the_gold_executive_who_sponsors_denaby_sees_gold_and_every_tier_in_denaby(
        client, auth, people):
    admin = people["admin"]
    silver_denaby = _raise(people["practitioner"], "Kiwi: Denaby at Silver")
    engine.fire(silver_denaby, "escalate", admin, fields={"reason": "a"})
    silver_balby = _raise(people["ryan.cooper@syp.example"], "Kiwi: Balby at Silver",
                          area="balby", organisation="syp")
    engine.fire(silver_balby, "escalate", admin, fields={"reason": "a"})
    gold_balby = _raise(people["ryan.cooper@syp.example"], "Kiwi: Balby at Gold",
                        area="balby", organisation="syp")
    engine.fire(gold_balby, "escalate", admin, fields={"reason": "a"})
    engine.fire(gold_balby, "escalate", admin, fields={"reason": "b"})
    db.session.commit()
    auth.login(people["executive"].email)
    home = client.get("/")
    needs = _section(home, "needs-you")
    assert "Kiwi: Denaby at Silver" in needs and "Kiwi: Balby at Gold" in needs
    assert "Kiwi: Balby at Silver" not in needs


def test_home_counts_agree_with_the_queue_and_the_sponsor_actions_they_link_to(
        client, auth, people):
    auth.login(people["executive"].email)
    home = client.get("/")
    html = home.get_data(as_text=True)
    queue_n = int(re.search(r"Your queue: (\d+) open item", html).group(1))
    queue = text_of(client.get("/queue"))
    tabs = [int(n) for n in re.findall(r"(?:Gold|Silver|Bronze): [^()]+ \((\d+) open", queue)]
    assert len(tabs) == 3 and sum(tabs) == queue_n
    link, actions_n = re.search(r'href="([^"]+)">Your open sponsor actions: (\d+)', html).groups()
    actions = text_of(client.get(link.replace("&amp;", "&")))
    assert f"{actions_n} action{'' if actions_n == '1' else 's'}." in actions
    total = int(re.search(r"Needs you now \((\d+)\)", text_of(home)).group(1))
    assert total == queue_n + int(actions_n)


def test_the_chair_is_asked_to_approve_draft_minutes_and_the_link_goes_there(
        client, auth, people):
    from govflow.forums.models import Meeting

    meeting = db.session.scalar(select(Meeting).where(Meeting.status == "held"))
    chair = db.session.get(type(people["admin"]), meeting.chair_id)
    auth.login(chair.email)
    html = client.get("/").get_data(as_text=True)
    assert (f'<a class="govuk-link" href="/meetings/{meeting.id}/approve">Approve the minutes '
            f"of {meeting.forum.name}</a>") in html
    assert client.get(f"/meetings/{meeting.id}/approve").status_code == 200


def test_next_meetings_are_those_of_the_forums_a_person_belongs_to(client, auth, people):
    from govflow.forums.models import Forum, Meeting

    forum = db.session.scalar(select(Forum).where(Forum.slug == "central-forum"))
    start = utcnow() + timedelta(days=8)
    db.session.add(Meeting(forum_id=forum.id, starts_at=start, place="Committee room 2",
                           status="planned"))
    db.session.commit()
    auth.login(people["secretary"].email)  # Joanne: the central forum's secretary
    # (The demo's central forum also meets monthly on the first Thursday, so it may not be first.)
    assert re.search(r"Central Governance Forum : \w+day \d+ \w+ 20\d\d "
                     r"at \d+(:\d\d)?[ap]m, Committee room 2", _section(client.get("/"), "meetings"))
    auth.logout()
    auth.login(people["practitioner"].email)  # Priya: in the Denaby club, not the central forum
    mine = _section(client.get("/"), "meetings")
    assert "Denaby Conversation Club" in mine and "Committee room 2" not in mine
    auth.logout()
    auth.login("ryan.cooper@syp.example")  # in the Balby group, which has no meetings planned
    assert "You have no meetings coming up." in _section(client.get("/"), "meetings")


def test_home_explains_the_tiers(client, auth, people):
    auth.login(people["practitioner"].email)
    html = client.get("/").get_data(as_text=True)
    assert ('<span class="govuk-details__summary-text">What Bronze, Silver and Gold mean'
            "</span>") in html


@pytest.mark.parametrize("role", ["practitioner", "executive"])
def test_home_asks_the_database_the_same_number_of_questions_however_much_there_is(
        client, auth, people, role):
    auth.login(people[role].email)
    client.get("/")
    with recorded_statements() as before:
        client.get("/")
    for n in range(15):
        item = _raise(people["practitioner"], f"Kiwi many {n}")
        engine.fire(item, "escalate", people["admin"], fields={"reason": "a"})
    db.session.commit()
    client.get("/")  # the first request after the commit also reloads the session's rows
    with recorded_statements() as after:
        client.get("/")
    assert len(after) == len(before)


def test_an_unblocked_blocker_waits_on_the_person_who_raised_it(client, auth, people):
    priya = people["practitioner"]
    item = _raise(priya, "Kiwi: the hall is open again")
    engine.fire(item, "unblock", people["facilitator"],
                fields={"resolution": "The caretaker now opens at 8am."})
    db.session.commit()
    auth.login(priya.email)
    needs = _section(client.get("/"), "needs-you")
    assert (f"Kiwi: the hall is open again Blocker {item.id}, which you raised, waits on you: "
            "Confirm it is fixed and close, or Reopen: it is not really fixed") in needs
    assert "Needs you now (1)" in needs
    assert "Items you raised that are waiting on you: 1" in needs
