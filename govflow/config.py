"""Configuration read from environment variables, with safe defaults for the embedded mode."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

DEV_SECRET_PLACEHOLDER = "dev-only-not-secret"  # noqa: S105 - marks the insecure default


class ConfigError(RuntimeError):
    """The configuration would make govflow unsafe to run."""


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def load_config(instance_path: str, environ: dict | None = None) -> dict:
    """Build the Flask config from the environment (``environ`` defaults to os.environ)."""
    env = os.environ if environ is None else environ
    mode = env.get("GOVFLOW_ENV", "development").strip().lower()
    if mode not in {"development", "production", "test"}:
        raise ConfigError(f"GOVFLOW_ENV must be development, production or test, not {mode!r}")
    production = mode == "production"

    secret = env.get("SECRET_KEY", "")
    if production and (len(secret) < 32 or secret == DEV_SECRET_PLACEHOLDER):
        raise ConfigError(
            "SECRET_KEY must be set to a random value of at least 32 characters in production "
            '(for example: python -c "import secrets; print(secrets.token_hex(32))")'
        )
    if not secret:
        # Development and tests get a per-process key: sessions do not survive a restart,
        # which is fine locally and never reaches production (refused above).
        secret = secrets.token_hex(32) if mode == "test" else DEV_SECRET_PLACEHOLDER

    default_db = "sqlite:///" + str(Path(instance_path) / "govflow.sqlite")
    database_url = env.get("DATABASE_URL", default_db)
    if database_url.startswith("postgres://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgres://"):]
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://"):]

    return {
        "GOVFLOW_ENV": mode,
        "PRODUCTION": production,
        "SECRET_KEY": secret,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "BASE_URL": env.get("GOVFLOW_BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        "REDIS_URL": env.get("REDIS_URL", ""),
        # How long a SQLite request waits for another writer before giving up (a 503).
        "SQLITE_BUSY_TIMEOUT_MS": int(env.get("GOVFLOW_SQLITE_BUSY_TIMEOUT_MS", "10000")),
        "MAX_CONTENT_LENGTH": int(env.get("GOVFLOW_MAX_CONTENT_LENGTH", str(1024 * 1024))),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        "GOVFLOW_REMEMBER_ME": _bool(env.get("GOVFLOW_REMEMBER_ME"), default=True),
        "WTF_CSRF_TIME_LIMIT": int(env.get("GOVFLOW_CSRF_TIME_LIMIT", "3600")),
        "WTF_CSRF_SSL_STRICT": production,
        "LOGIN_MAX_ATTEMPTS": int(env.get("GOVFLOW_LOGIN_MAX_ATTEMPTS", "5")),
        "LOGIN_WINDOW_SECONDS": int(env.get("GOVFLOW_LOGIN_WINDOW_SECONDS", "60")),
        "MAIL_SERVER": env.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(env.get("MAIL_PORT", "25")),
        "MAIL_USERNAME": env.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": _bool(env.get("MAIL_USE_TLS")),
        "MAIL_FROM": env.get("MAIL_FROM", "govflow <govflow@localhost>"),
        # Deliveries tried before a message is marked failed; seconds to wait for the server.
        "MAIL_MAX_ATTEMPTS": int(env.get("MAIL_MAX_ATTEMPTS", "5")),
        "MAIL_TIMEOUT": float(env.get("MAIL_TIMEOUT", "30")),
        # Owners of sponsor actions are reminded this many working days before the due date.
        "ACTION_REMINDER_WORKING_DAYS": int(env.get("GOVFLOW_ACTION_REMINDER_WORKING_DAYS", "2")),
        # How long the dashboard's rendered figures are kept (0: never; tests default to 0).
        "DASHBOARD_CACHE_SECONDS": int(
            env.get("GOVFLOW_DASHBOARD_CACHE_SECONDS", "0" if mode == "test" else "60")
        ),
        "DEMO_PASSWORD": env.get("GOVFLOW_DEMO_PASSWORD", "demo-password-2026"),
    }
