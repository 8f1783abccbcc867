"""PDF rendering with WeasyPrint from print templates, with a URL fetcher that cannot be
turned against us: only data: URLs and our own static files, no files, no network."""

from __future__ import annotations

import base64
import hashlib
import logging
import warnings
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes, urlsplit

from flask import current_app
from weasyprint.urls import URLFetcher, URLFetcherResponse

log = logging.getLogger("govflow.pdf")
STATIC_PREFIX = "govflow-static:/"


class RefusedURL(ValueError):
    pass


class SafeURLFetcher(URLFetcher):
    """Allow `data:` URLs and files under our static folder (addressed as govflow-static:/…).

    Everything else — file:, http(s): (e.g. http://169.254.169.254), ftp:, relative paths
    resolved against a base — is refused, so user text can never make the renderer read a
    local file or call out. Nothing goes through urllib's openers at all (WeasyPrint 70's
    default fetcher is a urllib OpenerDirector with file: and ftp: handlers), so there is
    no redirect or handler to abuse. Every URL asked for is kept in `asked` and every
    refusal in `refused`, so tests (and logs) can prove what the renderer tried.
    """

    def __init__(self, static_folder: str | Path | None = None):
        super().__init__(timeout=5, allow_redirects=False, fail_on_errors=False)
        self.static_root = Path(static_folder or current_app.static_folder).resolve()
        self.asked: list[str] = []
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        self.asked.append(url)
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return _data_response(url)
        if url.startswith(STATIC_PREFIX):
            target = (self.static_root / unquote(url[len(STATIC_PREFIX):])).resolve()
            if self.static_root in target.parents and target.is_file():
                return URLFetcherResponse(
                    url, target.read_bytes(), {"Content-Type": _mime(target)}
                )
        self.refused.append(url)
        log.warning("PDF renderer refused to fetch %r", url[:200])
        raise RefusedURL(f"govflow's PDF renderer does not fetch {url[:80]!r}")

    def open(self, url, data=None, timeout=None):  # pragma: no cover - never via urllib
        raise RefusedURL("govflow's PDF renderer does not open URLs through urllib")


def _data_response(url: str) -> URLFetcherResponse:
    """Decode a data: URL ourselves (RFC 2397) rather than through urllib's handlers."""
    header, sep, payload = url[len("data:"):].partition(",")
    if not sep:
        raise RefusedURL("malformed data: URL")
    parts = header.split(";")
    mime = parts[0].strip() or "text/plain"
    if parts[-1].strip().lower() == "base64":
        body = base64.b64decode(unquote(payload), validate=False)
    else:
        body = unquote_to_bytes(payload)
    return URLFetcherResponse(url, body, {"Content-Type": mime})


def safe_url_fetcher(url: str):
    """Function form, for callers that want one fetch (a fresh SafeURLFetcher each time)."""
    return SafeURLFetcher().fetch(url)


def _mime(path: Path) -> str:
    return {
        ".css": "text/css",
        ".svg": "image/svg+xml",
        ".png": "image/png",
        ".jpg": "image/jpeg",
        ".woff2": "font/woff2",
    }.get(path.suffix.lower(), "application/octet-stream")


def render_pdf(
    template: str,
    *,
    title: str,
    author: str = "govflow",
    created: datetime | None = None,
    pdf_variant: str | None = None,
    attachments: list[tuple[str, bytes, str]] | None = None,
    fetcher: SafeURLFetcher | None = None,
    **context,
) -> bytes:
    """Render a print template (under templates/) to PDF bytes with document metadata.

    `pdf_variant="pdf/a-3b"` archives as PDF/A; every PDF is tagged (`pdf_tags`) for
    screen readers. `attachments` are (name, bytes, description) embedded as associated
    files (PDF/A-3 allows them). Context should be plain values: Jinja escapes them.
    Pass `fetcher` to inspect what the renderer asked for.
    """
    from weasyprint import HTML, Attachment

    fetcher = fetcher or SafeURLFetcher()
    # Straight from the Jinja environment (autoescaping on, as for every .html template):
    # print templates need no request, so the CLI and the sweep can render them too.
    html = current_app.jinja_env.get_template(template).render(
        title=title, author=author, **context
    )
    document = HTML(string=html, base_url=STATIC_PREFIX, url_fetcher=fetcher)
    options: dict = {"pdf_tags": True}
    if pdf_variant:
        options["pdf_variant"] = pdf_variant
    if attachments:
        options["attachments"] = [
            Attachment(string=data, name=name, description=description, url_fetcher=fetcher,
                       created=created, modified=created)
            for name, data, description in attachments
        ]
        # PDF/A-3 wants each associated file to say how it relates to the document.
        options["attachment_relationships"] = ["Data"] * len(attachments)
    when = created or datetime.now(UTC).replace(tzinfo=None)
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    rendered = document.render(**options)
    rendered.metadata.title = title
    rendered.metadata.authors = [author]
    rendered.metadata.created = stamp
    rendered.metadata.modified = stamp
    rendered.metadata.lang = "en-GB"
    with warnings.catch_warnings():
        # WeasyPrint opens its sRGB output-intent profile for PDF/A and never closes it;
        # the file is read and dropped at once, so only this one warning is silenced.
        warnings.filterwarnings("ignore", category=ResourceWarning, message=r".*sRGB2014\.icc")
        return rendered.write_pdf(**options)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
