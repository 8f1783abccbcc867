"""A notification about an item later restricted away from its reader leaves their inbox,
its count and its CSV, and its own page is not theirs to open."""

from __future__ import annotations

from sqlalchemy import select

from govflow.extensions import db
from govflow.items import services
from govflow.notifications import inbox, outbox
from govflow.notifications.models import Notification
from govflow.workflow import engine

LIAM = "liam.fletcher@hexthorpe-park-friends.example"  # Hexthorpe: nothing to do with Balby


def test_a_restricted_items_notification_leaves_an_outsiders_inbox(client, auth, people):
    ryan, liam = people["ryan.cooper@syp.example"], people[LIAM]
    item = services.raise_blocker(ryan, title="Wrenfold hub staffing clash", area="balby",
                                  description="Two services book the same staff.")
    outbox.notify(liam, "area_added", f"Balby has this too: {item.title}", "See it.", item=item)
    db.session.flush()
    note = db.session.scalar(select(Notification).where(Notification.user_id == liam.id,
                                                        Notification.item_id == item.id))
    before = inbox.unread_count(liam)
    auth.login(LIAM)
    assert "Wrenfold" in client.get("/inbox").get_data(as_text=True)

    engine.set_restricted(item, ryan, restricted=True, reason="A staff matter")
    db.session.flush()
    assert inbox.unread_count(liam) == before - 1
    page = client.get("/inbox").get_data(as_text=True)
    assert "Wrenfold" not in page
    # The menu's count, loaded with the person, leaves it out too.
    assert (f"Inbox ({before - 1} unread)" in page if before > 1 else "unread)" not in page)
    assert "Wrenfold" not in client.get("/inbox.csv").get_data(as_text=True)
    assert client.get(f"/inbox/{note.id}").status_code == 404
