"""Security headers on every response, a CSP nonce per request, and proxy handling."""

from __future__ import annotations

import secrets

from flask import Flask, g, request
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

# Our ids are 32-bit INTEGER columns on PostgreSQL; a bigger number in a URL can name
# nothing, and passing it on makes the driver overflow (a 500) instead of a plain 404.
MAX_ID = 2**31 - 1


class BoundedIntConverter(IntegerConverter):
    def __init__(self, map, *args, **kwargs):  # noqa: A002 - werkzeug's signature
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def csp_nonce() -> str:
    """This response's nonce, made on first use: requests refused by an early hook (CSRF,
    body too large) never reach a before_request of ours, yet their pages have scripts."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def init_security(app: Flask) -> None:
    # Registered before the blueprints so every <int:…> rule uses it.
    app.url_map.converters["int"] = BoundedIntConverter
    if app.config["PRODUCTION"]:
        # One trusted proxy (the load balancer) sets X-Forwarded-For / -Proto.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)

    @app.after_request
    def _headers(response):
        nonce = getattr(g, "csp_nonce", "")
        nonce_src = f" 'nonce-{nonce}'" if nonce else ""
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; "
            f"script-src 'self'{nonce_src}; "
            f"style-src 'self'{nonce_src}; "
            "img-src 'self' data:; font-src 'self'; connect-src 'self'; "
            "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        # Same-origin keeps the Referer on our own POSTs, which Flask-WTF's HTTPS check reads.
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if app.config["PRODUCTION"]:
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if request.endpoint != "static" and "Cache-Control" not in response.headers:
            # Pages carry item data and personal names: never keep them in a shared cache.
            response.headers["Cache-Control"] = "no-store"
        return response
