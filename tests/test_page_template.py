"""The page shell: templates/govuk_template.html renders what GOV.UK Frontend's own page
template (govuk_frontend_jinja/template.html) renders, and base.html's fixed pieces kept
per app (the phase banner, the static files' addresses) are what their macros and url_for
give.

Pages are fetched twice, once through govflow's shell and once with GOV.UK's template in
its place, and must be the same text (the CSP nonce, CSRF token and one-time submission
keys, new on each request, aside)."""

from __future__ import annotations

import re

import pytest
from flask import render_template, url_for
from jinja2 import ChoiceLoader, DictLoader

SHELL = "govuk_template.html"
GOVUK = "govuk_frontend_jinja/template.html"


def _govuk_env(app):
    """The app's templates with GOV.UK's page template standing in for govflow's shell."""
    source, _, _ = app.jinja_env.loader.get_source(app.jinja_env, GOVUK)
    return app.jinja_env.overlay(
        loader=ChoiceLoader([DictLoader({SHELL: source}), app.jinja_env.loader]),
        cache_size=50)


def _same_request(text: str) -> str:
    text = re.sub(r'nonce="[^"]+"', 'nonce="N"', text)
    text = re.sub(r'(<input [^>]*name="submission_key"[^>]*value=")[^"]+"', r'\1K"', text)
    return re.sub(r'(<input [^>]*name="csrf_token"[^>]*value=")[^"]+"', r'\1C"', text)


@pytest.fixture
def both(app, client, monkeypatch):
    """get(path) -> (through govflow's shell, through GOV.UK's template)."""
    govuk = _govuk_env(app)
    shell = app.jinja_env

    def get(path, flashes=None):
        pages = []
        for env in (shell, govuk):
            monkeypatch.setattr(app, "jinja_env", env)
            if flashes:
                with client.session_transaction() as session:
                    session["_flashes"] = list(flashes)
            response = client.get(path)
            pages.append((response.status_code, _same_request(response.get_data(as_text=True))))
        monkeypatch.setattr(app, "jinja_env", shell)
        return pages

    return get


@pytest.mark.parametrize("path", ["/sign-in", "/how-it-works", "/accessibility", "/no-such-page"])
def test_signed_out_pages_are_govuks_page_template(both, path):
    ours, govuk = both(path)
    assert ours == govuk
    assert "govuk-skip-link" in ours[1] and "govuk-phase-banner" in ours[1]


@pytest.mark.parametrize("path", ["/", "/queue", "/items/mine", "/decisions", "/account",
                                  "/items/1", "/items/1/actions/no-such-action"])
def test_signed_in_pages_are_govuks_page_template(both, auth, people, path):
    auth.login(people["executive"].email)
    ours, govuk = both(path)
    assert ours == govuk


def test_flashed_messages_are_the_same_banners(both, auth, people):
    auth.login(people["facilitator"].email)
    flashes = [("success", "Blocker raised <at> Bronze."), ("success", "And another."),
               ("info", "Something to know & act on.")]
    ours, govuk = both("/items/mine", flashes=flashes)
    assert ours == govuk
    assert "Blocker raised &lt;at&gt; Bronze." in ours[1]
    assert "gf-success-banner-title" in ours[1] and "gf-notice-banner-title" in ours[1]
    # Shown once: the next page has no banner.
    assert "govuk-notification-banner" not in both("/items/mine")[0][1]


def test_the_error_page_shell_is_govuks_page_template(app):
    """The 500 page's minimal shell (no person, no navigation) through both templates."""
    with app.test_request_context("/"):
        ours = render_template("errors/500.html")
    with app.test_request_context("/"):
        app_env = app.jinja_env
        try:
            app.jinja_env = _govuk_env(app)
            govuk = render_template("errors/500.html")
        finally:
            app.jinja_env = app_env
    assert _same_request(ours) == _same_request(govuk)


BLOCKS = ["pageTitle", "head", "headIcons", "bodyStart", "skipLink", "header", "beforeContent",
          "content", "containerEnd", "footer", "bodyEnd"]
SETTINGS = [
    {},
    {"cspNonce": "abc", "htmlLang": "en-GB"},
    {"cspNonce": "", "htmlClasses": "h", "bodyClasses": "b", "containerClasses": "c",
     "mainClasses": "m", "mainLang": "cy", "pageTitleLang": "cy", "themeColor": "#0b0c0c",
     "assetPath": "/a", "assetUrl": "https://example.org/a"},
    {"opengraphImageUrl": "https://example.org/og.png"},
]


@pytest.mark.parametrize("settings", SETTINGS)
@pytest.mark.parametrize("blocks", [BLOCKS, ["header", "footer"], ["header", "content", "footer"]])
def test_the_shell_is_govuks_template_block_by_block(app, settings, blocks):
    """Every block and setting govflow's pages could use, filled with markers. (The header
    and footer are always filled: govflow's shell has no GOV.UK header or footer.)"""
    body = "".join(f"{{% set {name} = {value!r} %}}" for name, value in settings.items())
    body += "".join(f"{{% block {name} %}}<{name}>{{% endblock %}}" for name in blocks)
    with app.test_request_context("/"):
        ours = app.jinja_env.from_string('{% extends "' + SHELL + '" %}' + body).render()
        govuk = app.jinja_env.from_string('{% extends "' + GOVUK + '" %}' + body).render()
    assert ours == govuk


def test_the_fixed_pieces_are_their_macros_and_urls(app):
    with app.test_request_context("/"):
        macro = app.jinja_env.from_string(
            '{% from "govuk_frontend_jinja/components/phase-banner/macro.html" '
            'import govukPhaseBanner %}'
            '{{ govukPhaseBanner({"tag": {"text": "Beta"}, "text": "This is a new service."}) }}')
        assert str(app.jinja_env.globals["phase_banner"]()) == macro.render()
        static_url = app.jinja_env.globals["static_url"]
        for name in ("build/govflow.css", "js/init.js", "img/favicon.svg", "a file & more.js"):
            assert static_url(name) == url_for("static", filename=name)
    # Kept per script root: an app mounted under a prefix links its own files.
    with app.test_request_context("/", environ_overrides={"SCRIPT_NAME": "/govflow"}):
        assert static_url("js/init.js") == "/govflow/static/js/init.js"
