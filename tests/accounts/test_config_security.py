"""Configuration safety: production needs a real SECRET_KEY; cookies are HttpOnly and
SameSite=Lax (and Secure in production); remember-me can be turned off."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from govflow import create_app
from govflow.config import DEV_SECRET_PLACEHOLDER, ConfigError, load_config
from tests.support.pages import CSRF_RE

ROOT = Path(__file__).resolve().parent.parent.parent
GOOD_SECRET = "k" * 20 + "0123456789abcdef0123456789"


@pytest.mark.parametrize("secret", [None, "", "short-secret", DEV_SECRET_PLACEHOLDER])
def test_production_refuses_to_start_without_a_real_secret_key(tmp_path, secret):
    environ = {"GOVFLOW_ENV": "production"}
    if secret is not None:
        environ["SECRET_KEY"] = secret
    with pytest.raises(ConfigError, match="SECRET_KEY must be set"):
        load_config(str(tmp_path), environ)


def test_create_app_in_production_without_secret_raises(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("GOVFLOW_INSTANCE_PATH", str(tmp_path))
    with pytest.raises(ConfigError):
        create_app({"GOVFLOW_ENV": "production"})


def test_wsgi_entry_point_refuses_to_start_in_production_without_secret(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update(GOVFLOW_ENV="production", GOVFLOW_INSTANCE_PATH=str(tmp_path),
               DATABASE_URL=f"sqlite:///{tmp_path}/x.sqlite")
    result = subprocess.run([sys.executable, "-c", "import wsgi"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_unknown_mode_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="GOVFLOW_ENV"):
        load_config(str(tmp_path), {"GOVFLOW_ENV": "staging"})


def test_production_with_a_real_secret_starts(tmp_path):
    config = load_config(str(tmp_path), {"GOVFLOW_ENV": "production", "SECRET_KEY": GOOD_SECRET})
    assert config["PRODUCTION"] and config["SECRET_KEY"] == GOOD_SECRET
    assert config["SESSION_COOKIE_SECURE"] and config["REMEMBER_COOKIE_SECURE"]


@pytest.mark.parametrize(("value", "expected"), [(None, True), ("1", True), ("0", False),
                                                 ("false", False), ("no", False)])
def test_remember_me_setting_is_read_from_the_environment(tmp_path, value, expected):
    environ = {} if value is None else {"GOVFLOW_REMEMBER_ME": value}
    assert load_config(str(tmp_path), environ)["GOVFLOW_REMEMBER_ME"] is expected


def test_postgres_urls_use_psycopg_3(tmp_path):
    url = load_config(str(tmp_path), {"DATABASE_URL": "postgres://u@h/db"})[
        "SQLALCHEMY_DATABASE_URI"]
    assert url == "postgresql+psycopg://u@h/db"


def _set_cookies(response) -> dict[str, str]:
    return {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}


def _sign_in(client, email, password, *, remember=False, **kw):
    page = client.get("/sign-in", **kw).get_data(as_text=True)
    data = {"email": email, "password": password, "csrf_token": CSRF_RE.search(page).group(1)}
    if remember:
        data["remember"] = "y"
    return client.post("/sign-in", data=data, **kw)


def test_cookies_are_httponly_and_samesite_lax(app, people):
    response = _sign_in(app.test_client(), people["practitioner"].email,
                        app.config["DEMO_PASSWORD"], remember=True)
    cookies = _set_cookies(response)
    for name in ("session", "remember_token"):
        assert name in cookies, name
        assert "HttpOnly" in cookies[name]
        assert "SameSite=Lax" in cookies[name]
        assert "Secure" not in cookies[name]  # http://127.0.0.1 in development


def test_cookies_are_secure_in_production(make_app, monkeypatch, people):
    monkeypatch.setenv("SECRET_KEY", GOOD_SECRET)
    prod = make_app(GOVFLOW_ENV="production", SECRET_KEY=GOOD_SECRET)
    assert prod.config["PRODUCTION"]
    client = prod.test_client()
    https = {"base_url": "https://govflow.example", "headers": {
        "Referer": "https://govflow.example/sign-in", "X-Forwarded-Proto": "https"}}
    response = _sign_in(client, people["practitioner"].email, prod.config["DEMO_PASSWORD"],
                        remember=True, **https)
    assert response.status_code == 302
    cookies = _set_cookies(response)
    # __Host- names: browsers accept them only with Secure, Path=/ and no Domain, so no
    # sibling subdomain can plant or overwrite a session.
    assert set(cookies) == {"__Host-session", "__Host-remember_token"}
    for name in ("__Host-session", "__Host-remember_token"):
        assert "Secure" in cookies[name] and "HttpOnly" in cookies[name]
        assert "SameSite=Lax" in cookies[name]
        assert "Path=/;" in cookies[name] + ";" and "Domain" not in cookies[name]
    assert "Strict-Transport-Security" in response.headers
    # The cookies carry the sign-in onwards, under the same names.
    page = client.get("/account", **https)
    assert page.status_code == 200 and "Your account" in page.get_data(as_text=True)


def test_development_cookies_keep_plain_names(tmp_path):
    config = load_config(str(tmp_path), {})
    assert (config["SESSION_COOKIE_NAME"], config["REMEMBER_COOKIE_NAME"]) == (
        "session", "remember_token")


def test_remember_me_can_be_turned_off(make_app, people):
    no_remember = make_app(GOVFLOW_REMEMBER_ME=False)
    client = no_remember.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    assert 'name="remember"' not in page
    assert "Keep me signed in" not in page
    # Even a hand-made post asking to be remembered gets no remember cookie.
    response = _sign_in(client, people["practitioner"].email,
                        no_remember.config["DEMO_PASSWORD"], remember=True)
    assert response.status_code == 302
    remember = _set_cookies(response).get("remember_token", "remember_token=;")
    # Flask-Login may send an instruction to delete one, never a cookie with a value.
    assert remember.startswith("remember_token=;")
    assert "session" in _set_cookies(response)
    assert client.get_cookie("remember_token") is None


def test_remember_me_is_offered_by_default(client):
    page = client.get("/sign-in").get_data(as_text=True)
    assert 'name="remember"' in page and "Keep me signed in on this device" in page


def test_mail_retries_and_timeout_come_from_the_environment(tmp_path):
    config = load_config(str(tmp_path), {"MAIL_MAX_ATTEMPTS": "8", "MAIL_TIMEOUT": "12.5"})
    assert (config["MAIL_MAX_ATTEMPTS"], config["MAIL_TIMEOUT"]) == (8, 12.5)
    defaults = load_config(str(tmp_path), {})
    assert (defaults["MAIL_MAX_ATTEMPTS"], defaults["MAIL_TIMEOUT"]) == (5, 30.0)
