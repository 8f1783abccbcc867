"""Security headers on every kind of response: pages, errors, static files, CSV, JSON, PDFs."""

from __future__ import annotations

import re

import pytest

REQUIRED_CSP = ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'")


def assert_secure_headers(response, what: str) -> None:
    csp = response.headers.get("Content-Security-Policy", "")
    assert csp, f"{what}: no Content-Security-Policy"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, f"{what}: {csp}"
    for directive in REQUIRED_CSP:
        assert directive in csp, f"{what}: CSP lacks {directive}: {csp}"
    assert response.headers.get("X-Content-Type-Options") == "nosniff", what
    # same-origin keeps the Referer on our own form posts (Flask-WTF checks it over HTTPS)
    # and sends nothing to other sites.
    assert response.headers.get("Referrer-Policy") in {"same-origin", "strict-origin"}, what


def test_sign_in_page_headers_and_nonced_scripts(client):
    response = client.get("/sign-in")
    assert_secure_headers(response, "sign-in page")
    csp = response.headers["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    html = response.get_data(as_text=True)
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts, "the page has GOV.UK Frontend's scripts"
    for tag in scripts:
        assert f'nonce="{nonce}"' in tag, f"script without this response's nonce: {tag}"
    # The inline js-enabled script is the one a CSP without unsafe-inline would block.
    assert re.search(rf'<script nonce="{nonce}">document\.body\.className', html)
    assert "<style" not in html and " style=" not in html, "inline styles would be blocked"


def test_each_response_gets_a_fresh_nonce(client):
    first = client.get("/sign-in").headers["Content-Security-Policy"]
    second = client.get("/sign-in").headers["Content-Security-Policy"]
    assert re.search(r"'nonce-[^']+'", first).group(0) != re.search(r"'nonce-[^']+'", second).group(0)


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/no-such-page", 404),
        ("POST", "/accessibility", 405),
        ("GET", "/static/img/favicon.svg", 200),
        ("GET", "/api/v1/openapi.json", 200),
        ("GET", "/api/v1/decisions", 401),
        ("GET", "/accessibility", 200),
    ],
)
def test_errors_static_and_api_carry_the_headers(client, method, path, status):
    with client.open(path, method=method) as response:
        assert response.status_code == status
        assert_secure_headers(response, f"{method} {path}")


def test_oversized_body_gets_413_with_headers(client):
    response = client.post("/sign-in", data={"email": "x" * (2 * 1024 * 1024)})
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)
    assert_secure_headers(response, "413 page")


def test_unexpected_error_page_carries_the_headers(_database, make_app):
    app = create_500_app(make_app)
    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.get_data(as_text=True)
    assert_secure_headers(response, "500 page")
    assert "Traceback" not in response.get_data(as_text=True)


def create_500_app(make_app):
    app = make_app()

    @app.get("/boom")
    def boom():
        raise RuntimeError("something broke")

    return app


def test_signed_in_pages_are_never_cached(auth, client, people):
    auth.login(people["practitioner"].email)
    for path in ("/", "/account", "/decisions"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "no-store" in response.headers.get("Cache-Control", ""), path
        assert_secure_headers(response, path)


def test_csv_exports_are_never_cached(auth, client, people):
    auth.login(people["executive"].email)
    response = client.get("/decisions/export.csv")
    assert response.status_code == 200
    assert "no-store" in response.headers.get("Cache-Control", "")
    assert_secure_headers(response, "decision log CSV")


def test_hsts_only_in_production(_database, make_app, monkeypatch):
    # make_app closes each app's connections afterwards: the sign-in page reads the
    # sign-in providers, and a connection left to the GC is an error on PostgreSQL.
    development = make_app().test_client().get("/sign-in")
    assert "Strict-Transport-Security" not in development.headers

    monkeypatch.setenv("SECRET_KEY", "p" * 64)
    production = make_app(GOVFLOW_ENV="production", TESTING=False)
    response = production.test_client().get("/sign-in", base_url="https://govflow.example")
    hsts = response.headers.get("Strict-Transport-Security", "")
    assert "max-age=" in hsts and int(re.search(r"max-age=(\d+)", hsts).group(1)) >= 31536000
    assert_secure_headers(response, "production sign-in")
    # Session cookies only over HTTPS in production.
    assert production.config["SESSION_COOKIE_SECURE"] is True


def test_pages_refused_before_the_view_still_run_govuk_frontend(client):
    """A CSRF failure or an oversized body is refused before any other request hook runs:
    the page must still carry the nonce its inline script needs."""
    for response in (client.post("/sign-in", data={"email": "a@b.example"}),
                     client.post("/sign-in", data={"email": "x" * (2 * 1024 * 1024)})):
        assert response.status_code in (400, 413)
        nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"])
        assert nonce, response.headers["Content-Security-Policy"]
        assert f'<script nonce="{nonce.group(1)}">' in response.get_data(as_text=True)
