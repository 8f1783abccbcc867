"""Refer to the central forum from a blocker's own page, between meetings: the link is there
only for those the access policy lets refer for the item's local group; the form is the same
as at a meeting (a note, CSRF, a one-time submission key); a refusal changes nothing; sending
it twice refers it once; the referral and, later, the central forum's answer are on the page.

The story runs in March 2027 on govflow's clock (clock.fixed_at), so it passes at any date."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from sqlalchemy import func, select

from govflow.clock import fixed_at
from govflow.extensions import db
from govflow.forums import referrals, services
from govflow.forums.models import AgendaItem, Forum
from govflow.forums.referral_models import Referral
from govflow.items.services import raise_blocker
from govflow.workflow import engine
from tests.items.blocker_pages import csrf_from, text_of
from tests.submissions.submission_forms import form_posting_to

NOTE = "The club cannot get the trust and the council to agree who pays for interpreters."
ANSWER = "Agreed: the council pays for interpreters at the club until the end of June."
LINK = "Refer this blocker to the central forum"
ALREADY_SENT = "This was already sent. Sending it again changed nothing."
REFERRED = ("Referred to Central Governance Forum for Denaby Conversation Club. It is on its "
            "next agenda; its answer will come back to Denaby Conversation Club's next meeting "
            "as a matter arising.")


def _forum(slug) -> Forum:
    return db.session.scalar(select(Forum).where(Forum.slug == slug))


def _referrals() -> int:
    return db.session.scalar(select(func.count()).select_from(Referral))


def _central_entries(item) -> int:
    return db.session.scalar(select(func.count()).select_from(AgendaItem).where(
        AgendaItem.item_id == item.id))


@pytest.fixture
def story(people):
    """A Denaby blocker and the central forum's next meeting (its agenda already built)."""
    central = _forum("central-forum")
    with fixed_at(datetime(2027, 3, 9, 8, 0)):
        meeting = services.schedule_meeting(central, people["joanne.kilner@dcst.example"],
                                            services.MeetingDetails(
            day=date(2027, 3, 11), start=time(10), end=time(12), place="",
            chair_id=people["katherine.ward@dcst.example"].id))
        item = raise_blocker(people["priya.shah@dcst.example"],
                             title="No agreed way to pay for interpreters at the club",
                             description="Families who need an interpreter stop coming.",
                             area="denaby")
    db.session.commit()
    return {"item": item, "central": meeting, "page": f"/items/{item.id}",
            "refer": f"/items/{item.id}/refer-to-central"}


def _form(client, story, **answers) -> dict:
    html = client.get(story["refer"]).get_data(as_text=True)
    form = form_posting_to(html, story["refer"], story["refer"])
    assert form.hidden.get("csrf_token") and form.hidden.get("submission_key")
    return form.hidden | answers


def test_a_facilitator_refers_a_blocker_from_its_page_once(client, auth, people, story):
    item, page, refer = story["item"], story["page"], story["refer"]
    with fixed_at(datetime(2027, 3, 9, 10, 0)):
        auth.login("lorraine.hebden@denaby-cafe.example")  # a Denaby facilitator
        shown = text_of(client.get(page))
        assert LINK in shown
        form_page = text_of(client.get(refer))
        assert "Denaby Conversation Club Refer to the central forum " + item.title in form_page
        assert ("For what Denaby Conversation Club cannot settle itself. It goes on the central "
                "forum's next agenda under “Referred by local groups”") in form_page
        assert "What is the central forum asked?" in form_page

        before = (_referrals(), _central_entries(item))
        missing = client.post(refer, data=_form(client, story, note=" "))
        assert missing.status_code == 400
        assert "There is a problem Enter what you are asking the central forum" in text_of(missing)
        assert (_referrals(), _central_entries(item)) == before

        body = _form(client, story, note=NOTE)
        sent = client.post(refer, data=body)
        assert sent.status_code == 302
        assert sent.headers["Location"] == f"{page}#referrals"
        shown = text_of(client.get(sent.headers["Location"]))
        assert REFERRED in shown
        assert (f"Referred to Central Governance Forum by Denaby Conversation Club on 9 March "
                f"2027. {NOTE} Waiting for the central forum's answer.") in shown
        assert LINK not in shown  # once is enough until it is answered
        after = (_referrals(), _central_entries(item))
        assert after == (before[0] + 1, before[1] + 1)

        # The same form sent again (a double click, Back and send) changes nothing more.
        again = client.post(refer, data=body)
        assert again.status_code == 303
        assert again.headers["Location"] == sent.headers["Location"]
        assert ALREADY_SENT in text_of(client.get(again.headers["Location"]))
        # A fresh form for the same blocker is refused while the first waits.
        refused = client.post(refer, data=_form(client, story, note="Once more."))
        assert refused.status_code == 409
        assert ("This cannot be done now This has already been referred to the central forum "
                "and is waiting for its answer. Go back to the blocker") in text_of(refused)
        assert (_referrals(), _central_entries(item)) == after

    referral = db.session.scalar(select(Referral).where(Referral.item_id == item.id))
    assert (referral.from_forum.slug, referral.from_meeting_id, referral.note,
            referral.referred_by.display_name) == (
        "denaby-conversation-club", None, NOTE, "Lorraine Hebden")
    # On the central forum's next agenda, under "Referred by local groups".
    entry = next(a for a in story["central"].agenda if a.referral_id == referral.id)
    auth.logout()
    with fixed_at(datetime(2027, 3, 11, 10, 30)):
        auth.login("joanne.kilner@dcst.example")
        central_page = f"/meetings/{story['central'].id}/agenda/{entry.id}"
        assert (f"Referred by local groups : Denaby Conversation Club, on 9 March 2027. {NOTE}"
                in text_of(client.get(central_page)))
        referrals.answer_referral(story["central"], people["joanne.kilner@dcst.example"], entry,
                                  ANSWER)
        db.session.commit()
        auth.logout()
        auth.login("lorraine.hebden@denaby-cafe.example")
        shown = text_of(client.get(page))
    assert f"The central forum's answer (11 March 2027): {ANSWER}" in shown
    assert "Waiting for the central forum's answer" not in shown
    assert LINK in shown  # answered: it may go up again


@pytest.mark.parametrize("email", [
    "priya.shah@dcst.example",  # a practitioner and club member, not a facilitator
    "megan.lloyd@dmbc.example",  # Balby's facilitator: not this blocker's local group
    "joanne.kilner@dcst.example",  # the central forum's secretary, not the club's
    "simon.adeyemi@dmbc.example",  # Gold, Denaby's sponsor: decides, does not refer
])
def test_those_the_policy_does_not_let_refer_are_refused_and_nothing_changes(
        client, auth, story, email):
    refer = story["refer"]
    with fixed_at(datetime(2027, 3, 9, 10, 0)):
        auth.login(email)
        assert LINK not in text_of(client.get(story["page"]))
        assert client.get(refer).status_code == 403
        token = csrf_from(client.get(story["page"]).get_data(as_text=True))
        before = (_referrals(), _central_entries(story["item"]))
        refused = client.post(refer, data={"csrf_token": token, "note": NOTE,
                                           "submission_key": "k" * 22})
        assert refused.status_code == 403
        assert (_referrals(), _central_entries(story["item"])) == before


def test_the_club_secretary_and_an_administrator_may_refer(client, auth, story):
    with fixed_at(datetime(2027, 3, 9, 10, 0)):
        for email in ("jo.mitchell@denaby-cafe.example", "chris.moorhouse@dcst.example"):
            auth.login(email)
            assert LINK in text_of(client.get(story["page"]))
            assert client.get(story["refer"]).status_code == 200
            auth.logout()


def test_a_restricted_blocker_is_not_shown_to_those_who_may_not_see_it(
        client, auth, people, story):
    item = story["item"]
    engine.set_restricted(item, people["priya.shah@dcst.example"], restricted=True,
                          reason="A staff matter")
    db.session.commit()
    with fixed_at(datetime(2027, 3, 9, 10, 0)):
        auth.login("megan.lloyd@dmbc.example")  # Balby: not involved
        token = csrf_from(client.get("/account").get_data(as_text=True))
        before = _referrals()
        for response in (client.get(story["refer"]),
                         client.post(story["refer"], data={"csrf_token": token, "note": NOTE})):
            assert response.status_code == 403
            page = text_of(response)
            assert "restricted" in page.lower() and item.title not in page
        assert _referrals() == before
        auth.logout()
        auth.login("rachel.dunn@dmbc.example")  # Denaby's facilitator sees it and may refer
        assert LINK in text_of(client.get(story["page"]))


def test_a_withdrawn_blocker_cannot_be_referred_and_nothing_changes(client, auth, people, story):
    item = story["item"]
    with fixed_at(datetime(2027, 3, 9, 9, 0)):
        engine.fire(item, "withdraw", people["priya.shah@dcst.example"],
                    fields={"reason": "The club found its own interpreter"})
    db.session.commit()
    with fixed_at(datetime(2027, 3, 9, 10, 0)):
        auth.login("lorraine.hebden@denaby-cafe.example")
        assert LINK not in text_of(client.get(story["page"]))
        before = (_referrals(), _central_entries(item))
        refused = client.post(story["refer"], data=_form(client, story, note=NOTE))
    assert refused.status_code == 409
    assert ("This cannot be done now This blocker is no longer waiting on anyone, so there is "
            "nothing for the central forum to decide. Go back to the blocker") in text_of(refused)
    assert (_referrals(), _central_entries(item)) == before
