"""Area pages: people, open blockers by tier, ideas, decisions, sponsor actions, the next
local meeting and the "stuck" list — readable by anyone signed in, in a fixed number of queries."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sponsor_support import BALBY_PRACTITIONER, FACILITATOR, PRACTITIONER, SPONSOR
from sqlalchemy import select

from govflow.clock import utcnow
from govflow.extensions import db
from govflow.forums.models import Forum, Meeting
from tests.support.statements import recorded_statements


def test_signed_out_people_are_sent_to_sign_in(client):
    for path in ("/areas", "/areas/denaby"):
        response = client.get(path)
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_areas_index_lists_every_area_with_its_sponsors(auth, client):
    auth.login(BALBY_PRACTITIONER)
    html = client.get("/areas").get_data(as_text=True)
    for name in ("Denaby", "Central Central", "Hexthorpe", "Balby"):
        assert name in html
    assert "Gareth Holmes" in html and "Claire Firth" in html
    assert 'href="/areas/denaby"' in html


def test_unknown_area_is_404(auth, client):
    auth.login(PRACTITIONER)
    assert client.get("/areas/atlantis").status_code == 404


def test_area_page_shows_people_blockers_by_tier_ideas_and_actions(auth, client, make_blocker,
                                                                   make_action):
    gold = make_blocker(tier="gold", title="Gold blocker for the area page")
    silver = make_blocker(tier="silver", title="Silver blocker for the area page")
    action = make_action(what="Area page action", item=gold)
    auth.login(PRACTITIONER)
    response = client.get("/areas/denaby")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Simon Adeyemi" in html and "Gareth Holmes" in html  # sponsors
    assert "Rachel Dunn" in html and "Lorraine Hebden" in html  # facilitators
    assert gold.title in html and silver.title in html
    assert html.index("Gold blocker for the area page") > html.index(">Gold</h3>")
    assert action.what in html
    assert "Denaby Conversation Club" in html
    # A practitioner is not a facilitator or sponsor: no stuck list.
    assert 'id="stuck"' not in html


def test_counts_by_tier_match_the_open_blockers(auth, client, make_blocker):
    from govflow.items.models import Item
    from govflow.items.queries import OPEN_STATES, _in_areas
    from govflow.sponsors.services import get_area

    make_blocker(tier="gold", title="Counted gold blocker")
    area = get_area("denaby")
    expected = {}
    for tier in ("bronze", "silver", "gold"):
        expected[tier] = len(db.session.scalars(select(Item.id).where(
            _in_areas([area.id]), Item.kind == "blocker", Item.tier == tier,
            Item.state.in_(OPEN_STATES))).all())
    auth.login(PRACTITIONER)
    html = client.get("/areas/denaby").get_data(as_text=True)
    for tier, n in expected.items():
        assert f'id="count-{tier}">{n}</dd>' in html
    assert expected["gold"] >= 1


def test_people_from_other_areas_read_titles_but_not_restricted_items(auth, client,
                                                                      make_blocker):
    """Learning travels: a Balby practitioner reads Denaby's blockers; a restricted one is
    absent from the page and from its counts."""
    from govflow.workflow import engine

    shared = make_blocker(tier="bronze", title="Every area may read this title")
    secret = make_blocker(tier="bronze", title="Only the people involved see this title")
    auth.login(BALBY_PRACTITIONER)
    before = client.get("/areas/denaby").get_data(as_text=True)
    counted = int(re.search(r'id="count-bronze">(\d+)</dd>', before).group(1))
    engine.set_restricted(secret, secret.raised_by, restricted=True, reason="A staff matter")
    html = client.get("/areas/denaby").get_data(as_text=True)
    assert shared.title in html
    assert secret.title not in html
    assert f'id="count-bronze">{counted - 1}</dd>' in html


def test_next_meeting_is_none_scheduled_until_one_is_planned(auth, client, people):
    auth.login(PRACTITIONER)
    html = client.get("/areas/hexthorpe").get_data(as_text=True)
    forum = db.session.scalar(select(Forum).where(Forum.slug == "hexthorpe-group"))
    has_planned = db.session.scalar(select(Meeting.id).where(
        Meeting.forum_id == forum.id, Meeting.status == "planned", Meeting.starts_at >= utcnow()))
    if has_planned is None:
        assert "None scheduled" in html

    when = utcnow() + timedelta(days=3)
    later = Meeting(forum_id=forum.id, starts_at=when + timedelta(days=7), status="planned",
                    place="Later room")
    soon = Meeting(forum_id=forum.id, starts_at=when - timedelta(days=2), status="planned",
                   place="Community room, Hexthorpe Primary School")
    past = Meeting(forum_id=forum.id, starts_at=utcnow() - timedelta(days=2), status="held",
                   place="Old room")
    db.session.add_all([later, soon, past])
    db.session.commit()
    html = client.get("/areas/hexthorpe").get_data(as_text=True)
    nxt = html[html.index('id="next-meeting"'):]
    nxt = nxt[:nxt.index("</p>")]
    assert "None scheduled" not in nxt
    assert "Community room, Hexthorpe Primary School" in nxt
    assert "Later room" not in nxt and "Old room" not in nxt


@pytest.mark.parametrize("email", [FACILITATOR, SPONSOR])
def test_facilitators_and_sponsors_see_the_stuck_list(auth, client, make_blocker, email):
    quiet = make_blocker(title="Quiet blocker nobody has touched",
                         now=utcnow() - timedelta(days=21))
    fresh = make_blocker(title="Fresh blocker raised today")
    auth.login(email)
    html = client.get("/areas/denaby").get_data(as_text=True)
    stuck = html[html.index('id="stuck"'):html.index('id="blockers"')]
    assert "5 working days" in stuck  # N comes from workflows/blocker.yaml
    assert quiet.title in stuck
    assert fresh.title not in stuck
    assert "Nothing has happened for" in stuck


def test_stuck_cutoff_counts_working_days_not_calendar_days(app):
    from datetime import datetime

    from govflow import workdays
    from govflow.sponsors.queries import stuck_cutoff

    monday = datetime(2026, 11, 16, 10, 0)  # London = UTC in November
    cutoff = stuck_cutoff(monday, 5)
    last_stuck = workdays.london_date(cutoff - timedelta(seconds=1))
    assert workdays.working_days_between(last_stuck, monday.date()) == 5
    assert last_stuck.isoformat() == "2026-11-09"  # Monday a week earlier
    # A week containing bank holidays reaches further back.
    after_christmas = datetime(2026, 12, 30, 10, 0)
    last = workdays.london_date(stuck_cutoff(after_christmas, 5) - timedelta(seconds=1))
    assert workdays.working_days_between(last, after_christmas.date()) == 5
    assert (after_christmas.date() - last).days > 7


def test_area_page_runs_a_fixed_number_of_queries(auth, client, make_blocker, make_action,
                                                  people):
    from govflow.workflow import engine

    auth.login(FACILITATOR)

    def queries_for_page():
        with recorded_statements() as statements:
            assert client.get("/areas/denaby").status_code == 200
        return statements

    before = queries_for_page()
    for n in range(4):
        item = make_blocker(tier=("bronze", "silver", "gold", "gold")[n],
                            title=f"Extra blocker {n}", now=utcnow() - timedelta(days=15))
        make_action(what=f"Extra action {n}", item=item, owner=people[FACILITATOR])
        if n == 3:  # and a decision for the "recent decisions" list
            engine.fire(item, "unblock", people["admin"], fields={"resolution": "Sorted locally"})
    db.session.commit()  # as the request that unblocked it did
    after = queries_for_page()
    assert len(after) == len(before), "\n\n".join(after)


def test_long_lists_are_cut_to_the_most_urgent_with_a_way_to_see_all(auth, client, monkeypatch,
                                                                     make_blocker):
    from govflow.sponsors import views

    monkeypatch.setattr(views, "LIST_LIMIT", 1)
    first = make_blocker(tier="gold", title="Most urgent gold", now=utcnow() - timedelta(days=20))
    second = make_blocker(tier="gold", title="Less urgent gold")
    auth.login(FACILITATOR)
    html = client.get("/areas/denaby").get_data(as_text=True)
    assert first.title in html and second.title not in html
    assert "Showing the 1 most urgent of" in html
    assert 'href="/areas/denaby?show=all#blockers"' in html
    html = client.get("/areas/denaby?show=all").get_data(as_text=True)
    assert first.title in html and second.title in html
