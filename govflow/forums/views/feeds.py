"""Calendar subscriptions: the page listing a person's private calendar addresses (issue,
re-issue, revoke), and the addresses themselves, which calendar programs fetch without
signing in — the secret in the address is the key, so they live on a blueprint of their own
outside the forum pages' sign-in."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from flask_login import current_user

from govflow.extensions import db
from govflow.forums import feeds
from govflow.forums.schedule_models import CalendarFeed
from govflow.forums.views.common import bp, done, load_forum, require, user

public = Blueprint("calendar_feeds", __name__)


def _page(new_address: str | None = None, new_feed_name: str = ""):
    return render_template(
        "forums/calendar_feeds.html", page_title="Calendar subscriptions",
        feeds=feeds.active_feeds(user()), new_address=new_address, new_feed_name=new_feed_name)


def _address(token: str) -> str:
    return url_for("calendar_feeds.feed", token=token, _external=True)


@bp.get("/calendar")
def calendar_feeds():
    require("calendar.subscribe")
    return _page()


@bp.post("/calendar/mine")
def subscribe_mine():
    require("calendar.subscribe")
    token = feeds.issue_feed(user())
    return _page(_address(token), "your meetings")


@bp.post("/forums/<slug>/calendar")
def subscribe_forum(slug):
    forum = load_forum(slug)
    require("calendar.subscribe", forum)
    if not forum.active:
        abort(404)
    token = feeds.issue_feed(user(), forum)
    return _page(_address(token), f"{forum.name}'s meetings")


@bp.post("/calendar/<int:feed_id>/revoke")
def revoke_feed(feed_id):
    feed = db.session.get(CalendarFeed, feed_id)
    if feed is None or feed.user_id != current_user.id:
        abort(404)
    feeds.revoke_feed(user(), feed)
    return done(f"The address for {feeds.feed_name(feed)} no longer works. Calendars "
                "subscribed to it stop updating.", url_for("forums.calendar_feeds"))


@public.get("/calendar/<token>.ics")
def feed(token):
    found = feeds.feed_by_token(token)
    if found is None:
        abort(404)
    host = (current_app.config.get("SERVER_NAME") or request.host or "govflow").split(":")[0]
    body = feeds.calendar_for(found, uid_host=host, meeting_url=lambda m: url_for(
        "forums.meeting", meeting_id=m.id, _external=True))
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Disposition"] = 'inline; filename="govflow.ics"'
    # The address is the secret: it must not travel on as a Referer.
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
