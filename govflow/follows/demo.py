"""Demo follows: the demo practitioner follows her area's conversation club, so her Home
shows its meetings. Idempotent."""

from __future__ import annotations

from sqlalchemy import select

from govflow.accounts.models import User
from govflow.extensions import db
from govflow.follows import queries
from govflow.forums.models import Forum

FOLLOWS = [("priya.shah@dcst.example", "forum", "denaby-conversation-club")]


def load_demo_extras() -> dict:
    made = 0
    for email, thing, slug in FOLLOWS:
        user_id = db.session.scalar(select(User.id).where(User.email == email))
        forum_id = db.session.scalar(select(Forum.id).where(Forum.slug == slug))
        if user_id is not None and forum_id is not None and queries.follow(user_id, thing,
                                                                           forum_id):
            made += 1
    return {"follows": made}
