"""Configuration read from environment variables, with safe defaults for the embedded mode."""

from __future__ import annotations

import os
import re
import secrets
from datetime import timedelta
from pathlib import Path

DEV_SECRET_PLACEHOLDER = "dev-only-not-secret"  # noqa: S105 - marks the insecure default
# OWASP ASVS 5.0: a "remember me" sign-in lasts at most 30 days.
MAX_REMEMBER_DAYS = 30


class ConfigError(RuntimeError):
    """The configuration would make govflow unsafe to run."""


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _positive(env, name: str, default: str, kind=int):
    raw = env.get(name, default)
    try:
        value = kind(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, not {raw!r}") from None
    if value <= 0:
        raise ConfigError(f"{name} must be more than 0, not {raw!r}")
    return value


def engine_options(config: dict) -> dict:
    """SQLAlchemy engine options for the database the app ends up using (tests and served
    apps replace the URL after the environment is read).

    Fail fast when the database does: a database that accepts connections and never
    answers, or a statement stuck behind a lock, ends in the 503 page within seconds
    instead of holding a worker (and the requests queued behind it) for minutes. SQLite's
    equivalent is its busy timeout (see govflow.db)."""
    options: dict = {"pool_pre_ping": True}
    if config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        # libpq's connect_timeout bounds the TCP connect and the start-up exchange;
        # statement_timeout is enforced by the server, for every statement of ours.
        options["connect_args"] = {"connect_timeout": config["DB_CONNECT_TIMEOUT"]}
        if config["DB_STATEMENT_TIMEOUT_MS"]:  # 0: no limit (the command line's default)
            options["connect_args"]["options"] = (
                f"-c statement_timeout={int(config['DB_STATEMENT_TIMEOUT_MS'])}")
        options["pool_timeout"] = config["DB_POOL_TIMEOUT"]
    return options


OIDC_FIELDS = ("NAME", "ISSUER", "CLIENT_ID", "CLIENT_SECRET", "DOMAINS", "ORGANISATION")


def oidc_providers(env) -> list[dict]:
    """The OpenID providers named in GOVFLOW_OIDC_PROVIDERS ("dcst-entra schools-google"),
    each described by GOVFLOW_OIDC_<NAME>_ISSUER, _CLIENT_ID, _CLIENT_SECRET, _DOMAINS,
    _ORGANISATION, _NAME and _CREATE_ACCOUNTS (see docs/single-sign-on.md)."""
    providers = []
    for slug in env.get("GOVFLOW_OIDC_PROVIDERS", "").replace(",", " ").split():
        slug = slug.strip().lower()
        if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug):
            raise ConfigError(f"GOVFLOW_OIDC_PROVIDERS: {slug!r} is not a short name (lower-case "
                              "letters, numbers and single hyphens)")
        prefix = "GOVFLOW_OIDC_" + slug.upper().replace("-", "_") + "_"
        values = {f.lower(): env.get(prefix + f, "").strip() for f in OIDC_FIELDS}
        missing = [prefix + f for f in OIDC_FIELDS[1:] if not values[f.lower()]]
        if missing:
            raise ConfigError(f"The OpenID provider {slug!r} needs {', '.join(missing)}")
        if not values["issuer"].startswith(("https://", "http://127.0.0.1", "http://localhost")):
            raise ConfigError(f"{prefix}ISSUER must be an https:// address")
        providers.append({
            **values,
            "slug": slug,
            "name": values["name"] or slug,
            "domains": values["domains"].replace(",", " ").lower().split(),
            "create_accounts": _bool(env.get(prefix + "CREATE_ACCOUNTS")),
        })
    return providers


def _mode(env) -> str:
    mode = env.get("GOVFLOW_ENV", "development").strip().lower()
    if mode not in {"development", "production", "test"}:
        raise ConfigError(f"GOVFLOW_ENV must be development, production or test, not {mode!r}")
    return mode


def _secret_key(env, mode: str) -> str:
    secret = env.get("SECRET_KEY", "")
    if mode == "production" and (len(secret) < 32 or secret == DEV_SECRET_PLACEHOLDER):
        raise ConfigError(
            "SECRET_KEY must be set to a random value of at least 32 characters in production "
            '(for example: python -c "import secrets; print(secrets.token_hex(32))")'
        )
    if not secret:
        # Development and tests get a per-process key: sessions do not survive a restart,
        # which is fine locally and never reaches production (refused above).
        secret = secrets.token_hex(32) if mode == "test" else DEV_SECRET_PLACEHOLDER
    return secret


def _database_url(env, instance_path: str) -> str:
    default_db = "sqlite:///" + str(Path(instance_path) / "govflow.sqlite")
    database_url = env.get("DATABASE_URL", default_db)
    if database_url.startswith("postgres://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgres://"):]
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://"):]
    return database_url


def _session_settings(env, production: bool) -> dict:
    """Cookies, sign-in lengths and CSRF."""
    remember_days = _positive(env, "GOVFLOW_REMEMBER_DAYS", str(MAX_REMEMBER_DAYS))
    if remember_days > MAX_REMEMBER_DAYS:
        raise ConfigError(f"GOVFLOW_REMEMBER_DAYS must be {MAX_REMEMBER_DAYS} or fewer, "
                          f"not {remember_days}")
    # In production the cookies are bound to this exact host over HTTPS: a "__Host-" name
    # makes browsers refuse one set without Secure, with a Domain, or for a narrower path,
    # so a sibling subdomain cannot plant or overwrite them.
    cookie_prefix = "__Host-" if production else ""
    return {
        "SESSION_COOKIE_NAME": f"{cookie_prefix}session",
        "SESSION_COOKIE_PATH": "/",
        "SESSION_COOKIE_DOMAIN": None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_NAME": f"{cookie_prefix}remember_token",
        "REMEMBER_COOKIE_PATH": "/",
        "REMEMBER_COOKIE_DOMAIN": None,
        "REMEMBER_COOKIE_DURATION": timedelta(days=remember_days),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        "GOVFLOW_REMEMBER_ME": _bool(env.get("GOVFLOW_REMEMBER_ME"), default=True),
        # A sign-in without "keep me signed in" ends after this long without a request,
        # and in any case this long after signing in; a remembered one after REMEMBER_DAYS.
        "SESSION_IDLE_MINUTES": _positive(env, "GOVFLOW_SESSION_IDLE_MINUTES", "30"),
        "SESSION_LIFETIME_HOURS": _positive(env, "GOVFLOW_SESSION_LIFETIME_HOURS", "12"),
        "REMEMBER_DAYS": remember_days,
        "WTF_CSRF_TIME_LIMIT": int(env.get("GOVFLOW_CSRF_TIME_LIMIT", "3600")),
        "WTF_CSRF_SSL_STRICT": production,
        "LOGIN_MAX_ATTEMPTS": int(env.get("GOVFLOW_LOGIN_MAX_ATTEMPTS", "5")),
        "LOGIN_WINDOW_SECONDS": int(env.get("GOVFLOW_LOGIN_WINDOW_SECONDS", "60")),
    }


def _mail_settings(env) -> dict:
    return {
        "MAIL_SERVER": env.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(env.get("MAIL_PORT", "25")),
        "MAIL_USERNAME": env.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": _bool(env.get("MAIL_USE_TLS")),
        "MAIL_FROM": env.get("MAIL_FROM", "govflow <govflow@localhost>"),
        # Deliveries tried before a message is marked failed; seconds to wait for the server.
        "MAIL_MAX_ATTEMPTS": int(env.get("MAIL_MAX_ATTEMPTS", "5")),
        "MAIL_TIMEOUT": float(env.get("MAIL_TIMEOUT", "30")),
    }


def _attachment_settings(env, instance_path: str) -> dict:
    """Attachments: the folder their files are kept in (outside the database; every app
    process must see the same one), and the largest file accepted, in bytes."""
    return {
        "ATTACHMENTS_DIR": env.get("GOVFLOW_ATTACHMENTS_DIR",
                                   str(Path(instance_path) / "attachments")),
        "ATTACHMENTS_MAX_BYTES": _positive(env, "GOVFLOW_ATTACHMENTS_MAX_BYTES",
                                           str(10 * 1024 * 1024)),
    }


def load_config(instance_path: str, environ: dict | None = None) -> dict:
    """Build the Flask config from the environment (``environ`` defaults to os.environ)."""
    env = os.environ if environ is None else environ
    mode = _mode(env)
    production = mode == "production"
    return {
        "GOVFLOW_ENV": mode,
        "PRODUCTION": production,
        "SECRET_KEY": _secret_key(env, mode),
        # Earlier keys, newest first, still accepted for sessions and sealed secrets while
        # SECRET_KEY is being changed (govflow/sealed.py).
        "SECRET_KEY_FALLBACKS": [k.strip() for k in env.get("SECRET_KEY_FALLBACKS", "").split(",")
                                 if k.strip()],
        "SQLALCHEMY_DATABASE_URI": _database_url(env, instance_path),
        # Seconds to wait for a new PostgreSQL connection (libpq counts 2 at least), the
        # longest any one statement may run, and seconds to wait for a pooled connection.
        "DB_CONNECT_TIMEOUT": _positive(env, "GOVFLOW_DB_CONNECT_TIMEOUT", "3"),
        "DB_STATEMENT_TIMEOUT_MS": _positive(env, "GOVFLOW_DB_STATEMENT_TIMEOUT_MS", "4000"),
        "DB_POOL_TIMEOUT": _positive(env, "GOVFLOW_DB_POOL_TIMEOUT", "3", float),
        "BASE_URL": env.get("GOVFLOW_BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        "REDIS_URL": env.get("REDIS_URL", ""),
        # Names in Redis start with this: several deployments (or test runs) can share one.
        "REDIS_KEY_PREFIX": env.get("GOVFLOW_REDIS_KEY_PREFIX", "govflow"),
        # How long a SQLite request waits for another writer before giving up (a 503).
        "SQLITE_BUSY_TIMEOUT_MS": _positive(env, "GOVFLOW_SQLITE_BUSY_TIMEOUT_MS", "4000"),
        "MAX_CONTENT_LENGTH": int(env.get("GOVFLOW_MAX_CONTENT_LENGTH", str(1024 * 1024))),
        **_attachment_settings(env, instance_path),
        **_session_settings(env, production),
        # How long a used submission key (a form's, or an API Idempotency-Key) is kept.
        "SUBMISSION_KEYS_KEPT_DAYS": int(env.get("GOVFLOW_SUBMISSION_KEYS_KEPT_DAYS", "7")),
        **_mail_settings(env),
        # Owners of sponsor actions are reminded this many working days before the due date.
        "ACTION_REMINDER_WORKING_DAYS": int(env.get("GOVFLOW_ACTION_REMINDER_WORKING_DAYS", "2")),
        # Owners of agreements are reminded this many working days before the review date.
        "AGREEMENT_REMINDER_WORKING_DAYS": int(
            env.get("GOVFLOW_AGREEMENT_REMINDER_WORKING_DAYS", "10")),
        # How long the dashboard's rendered figures are kept (0: never; tests default to 0).
        "DASHBOARD_CACHE_SECONDS": int(
            env.get("GOVFLOW_DASHBOARD_CACHE_SECONDS", "0" if mode == "test" else "60")
        ),
        # Single sign-on: the providers named in the environment (admins add more in the
        # app), and how long govflow waits for a provider's answer before saying so.
        "OIDC_PROVIDERS": oidc_providers(env),
        "OIDC_TIMEOUT_SECONDS": _positive(env, "GOVFLOW_OIDC_TIMEOUT_SECONDS", "5", float),
        "DEMO_PASSWORD": env.get("GOVFLOW_DEMO_PASSWORD", "demo-password-2026"),
        # People holding any of these roles must use a second factor with their password.
        # Not by default in tests: the suite signs every role in with a password alone
        # (tests/accounts/test_second_factor.py asks for it).
        "MFA_REQUIRED_ROLES": _roles(env, "GOVFLOW_MFA_REQUIRED_ROLES",
                                     "" if mode == "test" else "admin,executive"),
    }


def _roles(env, name: str, default: str) -> tuple[str, ...]:
    """A comma-separated list of role names ("" or "none": nobody); a misspelt role is an
    error rather than a requirement that silently applies to nobody."""
    from govflow.accounts.models import ROLES

    raw = env.get(name, default).strip().lower()
    if raw in ("", "none"):
        return ()
    roles = tuple(part.strip() for part in raw.split(",") if part.strip())
    unknown = [role for role in roles if role not in ROLES]
    if unknown:
        raise ConfigError(f"{name} names roles govflow does not have: {', '.join(unknown)} "
                          f"(the roles are {', '.join(ROLES)})")
    return roles
