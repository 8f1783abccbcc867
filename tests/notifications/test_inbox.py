"""The in-app inbox: newest first, unread marked and counted in the menu, mark all as read."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

from sqlalchemy import select, update

from govflow.extensions import db
from govflow.notifications import outbox
from govflow.notifications.models import Notification


def clear_inbox(user):
    db.session.execute(update(Notification).where(Notification.user_id == user.id)
                       .values(read_at=datetime(2026, 1, 1)))
    db.session.commit()


def write(user, subject, at, link="/items/1", body="It is now Silver."):
    row = outbox.notify(user, "item_changed", subject, body, link=link, now=at)
    db.session.commit()
    return row


def test_signed_out_people_are_sent_to_sign_in(client):
    response = client.get("/inbox")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


def test_newest_first_unread_marked_and_counted_in_the_menu(app, auth, client, people):
    me = people["practitioner"]
    clear_inbox(me)
    base = datetime(2026, 12, 29, 9)
    write(me, "Older: escalated to Silver", base)
    write(me, "Newer: unblocked", base + timedelta(hours=2))
    write(people["facilitator"], "Someone else's news", base + timedelta(hours=3))

    auth.login(me.email)
    html = client.get("/inbox").get_data(as_text=True)
    assert html.index("Newer: unblocked") < html.index("Older: escalated to Silver")
    assert "Someone else&#39;s news" not in html and "Someone else's news" not in html
    assert "You have 2 unread notifications." in html
    import re
    assert len(re.findall(r">\s*Unread\s*<", html)) == 2
    assert "Inbox (2 unread)" in html  # the service navigation


def test_opening_one_marks_it_read_and_goes_to_its_item(app, auth, client, people):
    me = people["facilitator"]
    clear_inbox(me)
    row = write(me, "New at Bronze: Room booking", datetime(2026, 12, 29, 9), link="/items/5")
    auth.login(me.email)
    response = client.get(f"/inbox/{row.id}")
    assert response.status_code == 302 and response.headers["Location"] == "/items/5"
    db.session.expire_all()
    assert db.session.get(Notification, row.id).read_at is not None
    assert "You have no unread notifications." in client.get("/inbox").get_data(as_text=True)


def test_someone_elses_notification_is_not_found(app, auth, client, people):
    theirs = write(people["executive"], "Flagged for the central forum", datetime(2026, 12, 29))
    auth.login(people["practitioner"].email)
    assert client.get(f"/inbox/{theirs.id}").status_code == 404
    db.session.expire_all()
    assert db.session.get(Notification, theirs.id).read_at is None


def test_an_unsafe_link_goes_back_to_the_inbox(app, auth, client, people):
    me = people["sponsor"]
    row = write(me, "Odd link", datetime(2026, 12, 29), link="//elsewhere.example/x")
    auth.login(me.email)
    assert client.get(f"/inbox/{row.id}").headers["Location"] == "/inbox"


def test_mark_all_as_read(app, auth, client, people):
    me = people["head_of_service"]
    clear_inbox(me)
    for i in range(3):
        write(me, f"Reached Silver {i}", datetime(2026, 12, 29, 9, i))
    auth.login(me.email)
    assert "Inbox (3 unread)" in client.get("/inbox").get_data(as_text=True)
    response = auth.post("/inbox/read-all", form_page="/inbox", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Marked 3 notifications as read." in html
    assert "You have no unread notifications." in html
    assert "unread)" not in html
    unread = db.session.scalars(select(Notification).where(
        Notification.user_id == me.id, Notification.read_at.is_(None))).all()
    assert unread == []


def test_the_menu_counts_again_after_the_request_changed_the_inbox(make_app, people):
    """The menu's count is read with the person at the start of the request: a page that
    marks notifications read before it is shown counts them again."""
    from flask import render_template
    from flask_login import current_user

    from govflow.notifications import inbox
    from tests.conftest import Auth

    app = make_app()

    @app.get("/_test/read-all-then-show")
    def read_all_then_show():
        assert current_user.is_authenticated  # loaded, with the count, before the write
        inbox.mark_all_read(current_user)
        return render_template("main/privacy.html", page_title="Privacy")

    me = people["sponsor"]
    clear_inbox(me)
    write(me, "Reached Gold", datetime(2026, 12, 29, 9))
    client = app.test_client()
    Auth(client, app).login(me.email)
    assert "Inbox (1 unread)" in client.get("/privacy").get_data(as_text=True)
    assert "unread)" not in client.get("/_test/read-all-then-show").get_data(as_text=True)


def test_mark_all_as_read_needs_the_csrf_token(app, auth, client, people):
    me = people["head_of_service"]
    write(me, "Still unread", datetime(2026, 12, 29))
    auth.login(me.email)
    assert client.post("/inbox/read-all").status_code == 400


def test_unread_filter_and_csv_export(app, auth, client, people):
    me = people["executive"]
    clear_inbox(me)
    write(me, "=HYPERLINK(\"http://x\")", datetime(2026, 12, 29, 9))
    read = write(me, "Already read", datetime(2026, 12, 29, 8))
    read.read_at = datetime(2026, 12, 29, 10)
    db.session.commit()
    auth.login(me.email)
    html = client.get("/inbox?unread=1").get_data(as_text=True)
    assert "Already read" not in html and "HYPERLINK" in html

    response = client.get("/inbox.csv?unread=1")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["Received", "Subject", "Message", "Read", "Email", "Link"]
    assert [r[1] for r in rows[1:]] == ["'=HYPERLINK(\"http://x\")"]
    everything = list(csv.reader(io.StringIO(client.get("/inbox.csv").get_data(as_text=True))))
    assert "Already read" in [r[1] for r in everything]
