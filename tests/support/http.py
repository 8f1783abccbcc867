"""A small cookie-keeping HTTP client (standard library only) for tests against a served
govflow: signs in through the form, posts forms with their CSRF token, never follows
redirects so every status is seen."""

from __future__ import annotations

import http.cookiejar
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from tests.support.pages import CSRF_RE

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - the demo seed's published password
VERSION_RE = re.compile(r'name="version"[^>]*value="([^"]*)"')


@dataclass
class Reply:
    status: int
    text: str
    headers: dict

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    def __init__(self, base_url: str, timeout: float = 30, user_agent: str | None = None):
        self.base_url = base_url.rstrip("/")
        self.user_agent = user_agent
        self.timeout = timeout
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def request(self, method: str, path: str, data: dict | None = None,
                headers: dict | None = None, body: bytes | None = None) -> Reply:
        if data is not None:
            body = urllib.parse.urlencode(data, doseq=True).encode()
            headers = {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})}
        headers = dict(headers or {})
        if self.user_agent:
            headers.setdefault("User-Agent", self.user_agent)
        req = urllib.request.Request(self.base_url + path, data=body, method=method,  # noqa: S310 - loopback only
                                     headers=headers)
        try:
            with self.opener.open(req, timeout=self.timeout) as r:
                return Reply(r.status, r.read().decode("utf-8", "replace"), dict(r.headers))
        except urllib.error.HTTPError as err:
            return Reply(err.code, err.read().decode("utf-8", "replace"), dict(err.headers))

    def get(self, path: str, **kw) -> Reply:
        return self.request("GET", path, **kw)

    def post(self, path: str, data: dict, **kw) -> Reply:
        return self.request("POST", path, data=data, **kw)

    def form(self, path: str) -> tuple[Reply, dict]:
        """GET a form page; return it and its hidden csrf_token and version values."""
        page = self.get(path)
        hidden = {}
        if m := CSRF_RE.search(page.text):
            hidden["csrf_token"] = m.group(1)
        if m := VERSION_RE.search(page.text):
            hidden["version"] = m.group(1)
        return page, hidden

    def submit(self, path: str, fields: dict, form_path: str | None = None) -> Reply:
        page, hidden = self.form(form_path or path)
        assert page.status == 200, f"GET {form_path or path} gave {page.status}"
        return self.post(path, {**hidden, **fields})

    def sign_in(self, email: str, password: str | None = None) -> Client:
        password = password or os.environ.get("GOVFLOW_DEMO_PASSWORD", DEMO_PASSWORD)
        reply = self.submit("/sign-in", {"email": email, "password": password})
        assert reply.status == 302, f"sign-in as {email} gave {reply.status}"
        return self
