"""Jinja setup: GOV.UK Frontend macros, navigation for the person's roles, date filters."""

from __future__ import annotations

from flask import Flask, current_app, g, request, url_for
from flask_login import current_user
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from markupsafe import Markup
from werkzeug.routing import BuildError

from govflow import workdays
from govflow.decisions.models import OUTCOME_LABELS
from govflow.security import csp_nonce
from govflow.workflow import vocabulary


def init_templates(app: Flask) -> None:
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(app.template_folder),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.filters["london"] = lambda dt: workdays.format_datetime(dt) if dt else ""
    app.jinja_env.filters["datetime_text"] = workdays.format_date_and_time
    app.jinja_env.filters["iso_datetime"] = iso_datetime
    app.jinja_env.filters["date"] = lambda d: workdays.format_date(d) if d else ""
    app.jinja_env.filters["pounds"] = format_pounds
    # The tags and labels of macros/status.html, each rendered once per app and value: the
    # list pages' cards (items/_cards.html) and the item page's history (items/_timeline.html)
    # show dozens, and a macro call for each was most of their time.
    env = app.jinja_env
    # The workflow files' words and tag colours (macros/status.html, items/_cards.html).
    env.globals["workflow_state_tags"] = vocabulary.state_tags()
    env.globals["workflow_tier_tags"] = vocabulary.tier_tags()
    env.globals["kind_labels"] = vocabulary.kind_labels()
    env.globals["outcome_labels"] = OUTCOME_LABELS  # a decision's outcome, in words
    env.globals["workflow_tiers"] = vocabulary.TIERS
    env.globals["workflow_waiting_states"] = vocabulary.WAITING_STATES
    env.globals["workflow_tier_states"] = tuple(
        state for kind in vocabulary.KINDS for state in vocabulary.tier_states(kind))
    env.globals["card_status_tags"] = RenderedPerValue(
        env, '{% from "macros/status.html" import status_tag %}'
             "{{ status_tag(value) | trim | indent(10) }}")
    env.globals["card_tier_tags"] = RenderedPerValue(
        env, '{% from "macros/status.html" import tier_tag %}'
             "{{ tier_tag(value) | trim | indent(10) }}")
    env.globals["state_labels"] = RenderedPerValue(
        env, '{% from "macros/status.html" import state_label %}{{ state_label(value) }}')
    env.globals["tier_labels"] = RenderedPerValue(
        env, '{% from "macros/status.html" import tier_label %}{{ tier_label(value) }}')
    # The page shell's fixed pieces (base.html), worked out once per app.
    app.jinja_env.globals["phase_banner"] = phase_banner
    app.jinja_env.globals["static_url"] = static_url
    app.context_processor(_context)


class RenderedPerValue(dict):
    """A small template's output for each value a page looks up (`tags[state]`), rendered
    the first time it is asked for and kept for the app's life. Only the template makes the
    markup; this keeps it, as a dict the templates read like any other."""

    def __init__(self, env, source: str):
        super().__init__()
        self._env = env
        self._source = source
        self._template = None

    def __missing__(self, value) -> Markup:
        if self._template is None:
            self._template = self._env.from_string(self._source)
        html = Markup(self._template.render(value=value))  # noqa: S704 - autoescaped template output
        if len(self) < _KEEP:  # the values are states and tiers; never grow without bound
            self[value] = html
        return html


def iso_datetime(at) -> str:
    """For <time datetime>: naive datetimes are UTC in govflow."""
    if at.tzinfo is None:
        return at.replace(microsecond=0).isoformat() + "Z"
    return at.replace(microsecond=0).isoformat()


def format_pounds(pence) -> str:
    if pence is None:
        return "None"
    pounds = pence / 100
    return f"£{pounds:,.0f}" if pence % 100 == 0 else f"£{pounds:,.2f}"


# (label, endpoint, predicate name or None) — the navigation, filtered by what a person may do.
NAV = [
    ("Home", "main.home", None),
    ("My items", "items.mine", None),
    ("Queue", "items.queue", None),
    ("Raise", "items.new_choice", None),
    ("Decision log", "decisions.index", None),
    ("What we’ve learnt", "learning.library", None),
    ("Areas", "areas.index", None),
    ("Sponsor actions", "sponsors.actions", "sponsor_or_secretary"),
    ("Forums", "forums.index", None),
    ("Dashboard", "dashboard.index", None),
    ("Outcomes", "outcomes.index", None),
    ("Inbox", "notifications.inbox", None),
    ("Admin", "admin.index", "admin"),
]


# endpoint → ("module:function", noun): function(user) counts things shown beside that entry.
NAV_COUNTS = {
    "notifications.inbox": ("govflow.notifications.inbox:unread_count", "unread"),
}


def _nav_count(endpoint: str, user) -> str:
    import importlib

    if endpoint not in NAV_COUNTS:
        return ""
    target, noun = NAV_COUNTS[endpoint]
    module, _, name = target.partition(":")
    n = getattr(importlib.import_module(module), name)(user)
    return f" ({n} {noun})" if n else ""


def nav_items_for(user) -> list[dict]:
    if not user.is_authenticated:
        return []
    roles = user.roles
    admin = "admin" in roles
    sponsor_or_secretary = bool(roles & {"sponsor", "secretary", "admin"})
    current = request.endpoint or ""
    # Which entries a person sees, where they link and which is marked depend only on these
    # (and the app): worked out once per process, the counts beside them every time.
    key = (request.script_root, current, admin, sponsor_or_secretary)
    cache = current_app.extensions.setdefault("govflow_nav", {})
    entries = cache.get(key)
    if entries is None:
        entries = _nav_entries(current, {"admin": admin,
                                         "sponsor_or_secretary": sponsor_or_secretary})
        if len(cache) < _KEEP:
            cache[key] = entries
    return [{"text": text + _nav_count(endpoint, user), "href": href, "active": active}
            for text, endpoint, href, active in entries]


def _nav_entries(current: str, checks: dict) -> tuple:
    items = []
    for text, endpoint, check in NAV:
        if check and not checks[check]:
            continue
        try:
            href = url_for(endpoint)
        except BuildError:  # a feature not registered in this app has no nav entry
            continue
        items.append({"text": text, "endpoint": endpoint, "href": href,
                      "active": current == endpoint,
                      "_blueprint": endpoint.split(".")[0]})
    # A page with no menu entry of its own (an item page, an edit form) marks its feature's
    # first entry: one feature may have several entries (My items, Queue, Raise), and
    # marking all of them would say the person is in three places at once.
    if not any(i["active"] for i in items):
        blueprint = current.split(".")[0]
        for i in items:
            if i["_blueprint"] == blueprint and blueprint != "main":
                i["active"] = True
                break
    return tuple((i["text"], i["endpoint"], i["href"], i["active"]) for i in items)


def _nav_items() -> list[dict]:
    """The navigation, worked out once per request: a page renders several templates (each
    GOV.UK form widget is one), and each would otherwise count the unread notifications
    again. Kept per person and page, so signing in or out within a request starts afresh."""
    key = (current_user.get_id(), request.endpoint)
    cached = g.get("_nav_items")
    if cached is None or cached[0] != key:
        cached = g._nav_items = (key, nav_items_for(current_user))
    return cached[1]


_KEEP = 512  # menus (and their HTML) kept per app; beyond that they are worked out each time
_SERVICE_NAVIGATION = "govuk_frontend_jinja/components/service-navigation/macro.html"


def service_navigation(signed_in: bool) -> Markup:
    """The header's govukServiceNavigation, with the person's menu when signed in. Its HTML
    depends on the menu entries alone, so each menu's is rendered once per process."""
    # While the database is down (503 page) the navigation must not touch it.
    items = _nav_items() if signed_in and not g.get("database_down") else []
    key = tuple((i["text"], i["href"], i["active"]) for i in items)
    cache = current_app.extensions.setdefault("govflow_nav_html", {})
    html = cache.get(key)
    if html is None:
        macro = current_app.jinja_env.get_template(_SERVICE_NAVIGATION).module
        html = macro.govukServiceNavigation({
            "serviceName": "govflow",
            "serviceUrl": "/",
            "navigationLabel": "Menu",
            "navigation": items,
        })
        if len(cache) < _KEEP:
            cache[key] = html
    return html


PHASE_BANNER = {"tag": {"text": "Beta"}, "text": "This is a new service."}
_PHASE_BANNER_MACRO = "govuk_frontend_jinja/components/phase-banner/macro.html"


def phase_banner() -> Markup:
    """govukPhaseBanner(PHASE_BANNER): the same on every page, so rendered once per app."""
    cache = current_app.extensions.setdefault("govflow_static_html", {})
    html = cache.get("phase_banner")
    if html is None:
        macro = current_app.jinja_env.get_template(_PHASE_BANNER_MACRO).module
        html = cache["phase_banner"] = macro.govukPhaseBanner(PHASE_BANNER)
    return html


def static_url(filename: str) -> str:
    """url_for("static", filename=filename), kept per app and script root: every page links
    the same four files."""
    key = (request.script_root, filename)
    cache = current_app.extensions.setdefault("govflow_static_urls", {})
    url = cache.get(key)
    if url is None:
        url = url_for("static", filename=filename)
        if len(cache) < _KEEP:
            cache[key] = url
    return url


def _context() -> dict:
    return {"service_navigation": service_navigation, "csp_nonce": csp_nonce}
