"""A real OpenID provider for the tests: tests/support/oidc_provider.mjs (the npm package
oidc-provider) in a Node process of its own, and a person signing in at it.

The provider runs at the suite's fixed moment like every other process (GF_TEST_CLOCK), so
the times in its ID tokens agree with govflow's clock."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from html import unescape
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests

from tests.support.process import ROOT, BackgroundServer
from tests.support.served import free_port

SCRIPT = Path(__file__).resolve().parent / "oidc_provider.mjs"
CLIENT_ID = "govflow-test"
CLIENT_SECRET = "govflow-test-client-secret"  # noqa: S105 - the test provider's own client
UNVERIFIED = "unverified.person@dcst.example"
FORM_ACTION = re.compile(r'<form[^>]*action="([^"]+)"')


def node_available() -> bool:
    return bool(shutil.which("node")) and (ROOT / "node_modules" / "oidc-provider").is_dir()


def ensure_provider_installed() -> str | None:
    """Install the npm packages the way `make test` does (scripts/build-assets runs npm ci
    when node_modules is missing or older than package-lock.json), so the provider starts on
    a fresh checkout whichever tests run first. None when ready, else what went wrong."""
    if node_available():
        return None
    if not shutil.which("node"):
        return "Node.js is needed for the test OpenID provider (and for scripts/build-assets)"
    build = subprocess.run([str(ROOT / "scripts" / "build-assets")], cwd=ROOT,
                           capture_output=True, text=True, timeout=600, check=False)
    if build.returncode != 0 or not node_available():
        return f"scripts/build-assets did not install oidc-provider:\n{build.stdout}\n{build.stderr}"
    return None


def start_provider(redirect_uris: list[str],
                   post_logout_redirect_uris: list[str] = ()) -> TestProvider:
    """A started provider (stop() it afterwards); the test fails if it cannot be installed."""
    problem = ensure_provider_installed()
    if problem:
        pytest.fail(problem)
    return TestProvider(redirect_uris, post_logout_redirect_uris).start()


class TestProvider(BackgroundServer):
    """The provider: start() it, set_mode() for a failure, stop() it."""

    __test__ = False  # not a test class, whatever its name
    name = "the test provider"
    log_tail = 4000

    def __init__(self, redirect_uris: list[str], post_logout_redirect_uris: list[str] = ()):
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.tmp = Path(tempfile.mkdtemp(prefix="govflow-oidc-"))
        self.config_path = self.tmp / "provider.json"
        self.config_path.write_text(json.dumps({
            "port": self.port, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
            "redirect_uris": list(redirect_uris),
            "post_logout_redirect_uris": list(post_logout_redirect_uris),
            "unverified": [UNVERIFIED],
        }))
        self.log_path = self.tmp / "provider.log"
        self.process = None

    def start(self, timeout: float = 30.0) -> TestProvider:
        self.launch(["node", str(SCRIPT), str(self.config_path)], dict(os.environ),
                    self.issuer + "/.well-known/openid-configuration", timeout, "start")
        return self

    def set_mode(self, mode: str) -> None:
        r = requests.post(self.issuer + "/__test__/mode", json={"mode": mode}, timeout=5)
        r.raise_for_status()

    def settings(self, slug: str = "test", **overrides) -> dict:
        """The provider as GOVFLOW_OIDC_* would describe it (govflow.config.oidc_providers)."""
        return {"slug": slug, "name": "Doncaster Children's Services Trust",
                "issuer": self.issuer, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                "domains": ["dcst.example"], "organisation": "dcst", "create_accounts": False,
                **overrides}

    def environment(self, slug: str = "test", create_accounts: bool = False) -> dict:
        prefix = "GOVFLOW_OIDC_" + slug.upper().replace("-", "_") + "_"
        return {"GOVFLOW_OIDC_PROVIDERS": slug,
                prefix + "NAME": "Doncaster Children's Services Trust",
                prefix + "ISSUER": self.issuer, prefix + "CLIENT_ID": CLIENT_ID,
                prefix + "CLIENT_SECRET": CLIENT_SECRET, prefix + "DOMAINS": "dcst.example",
                prefix + "ORGANISATION": "dcst",
                prefix + "CREATE_ACCOUNTS": "true" if create_accounts else "false"}


def sign_in_at_provider(authorize_url: str, login: str, issuer: str) -> str:
    """Follow govflow's authorization request at the provider and sign in there as `login`
    (its own login form, with any password); return the address the provider sends the
    person back to, without following it."""
    browser = requests.Session()
    url, method, data = authorize_url, "GET", None
    for _ in range(10):
        r = browser.request(method, url, data=data, allow_redirects=False, timeout=10)
        if r.status_code in (302, 303):
            url, method, data = urljoin(url, r.headers["Location"]), "GET", None
            if not url.startswith(issuer):
                return url
            continue
        assert r.status_code == 200, f"{r.status_code} from the provider: {r.text[:500]}"
        action = FORM_ACTION.search(r.text)
        assert action, f"no sign-in form at the provider: {r.text[:500]}"
        url, method = urljoin(url, unescape(action.group(1))), "POST"
        data = {"prompt": "login", "login": login, "password": "any password"}
    raise AssertionError("the provider never sent the person back")
