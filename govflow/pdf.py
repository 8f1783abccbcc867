"""PDF rendering with WeasyPrint from print templates, with a URL fetcher that cannot be
turned against us: only data: URLs and our own static files, no files, no network."""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app, render_template

log = logging.getLogger("govflow.pdf")
STATIC_PREFIX = "govflow-static:/"


class RefusedURL(ValueError):
    pass


def safe_url_fetcher(url: str, timeout: int = 5, ssl_context=None):
    """Allow `data:` URLs and files under our static folder (addressed as govflow-static:/…).

    Everything else — file:, http(s): (e.g. http://169.254.169.254), ftp:, relative paths
    resolved against a base — is refused, so user text can never make the renderer read a
    local file or call out. No redirects are possible because nothing remote is fetched.
    """
    from weasyprint.urls import default_url_fetcher

    scheme = urlsplit(url).scheme.lower()
    if scheme == "data":
        return default_url_fetcher(url, timeout=timeout)
    if url.startswith(STATIC_PREFIX):
        static_root = Path(current_app.static_folder).resolve()
        target = (static_root / unquote(url[len(STATIC_PREFIX):])).resolve()
        if static_root in target.parents and target.is_file():
            return {"string": target.read_bytes(), "mime_type": _mime(target),
                    "redirected_url": url}
    log.warning("PDF renderer refused to fetch %r", url[:200])
    raise RefusedURL(f"govflow's PDF renderer does not fetch {url[:80]!r}")


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
    **context,
) -> bytes:
    """Render a print template (under templates/) to PDF bytes with document metadata.

    `pdf_variant="pdf/a-3b"` archives as PDF/A; every PDF is tagged (pdf/ua-like structure)
    where WeasyPrint allows. Context should be plain, already-escaped-by-Jinja values.
    """
    from weasyprint import HTML

    html = render_template(template, title=title, author=author, **context)
    document = HTML(string=html, base_url=STATIC_PREFIX, url_fetcher=safe_url_fetcher)
    options = {"pdf_tags": True}
    if pdf_variant:
        options["pdf_variant"] = pdf_variant
    metadata_created = (created or datetime.now()).strftime("%Y-%m-%dT%H:%M:%SZ")
    rendered = document.render()
    rendered.metadata.title = title
    rendered.metadata.authors = [author]
    rendered.metadata.created = metadata_created
    rendered.metadata.modified = metadata_created
    return rendered.write_pdf(**options)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
