"""The PDF renderer's URL fetcher: data: and our static files only; files and network refused."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from weasyprint import HTML

from govflow.pdf import STATIC_PREFIX, RefusedURL, SafeURLFetcher

HOSTILE = [
    "file:///etc/passwd",
    "FILE:///etc/passwd",
    "http://169.254.169.254/latest/meta-data/",
    "https://example.org/x.css",
    "ftp://example.org/x",
    STATIC_PREFIX + "../../pyproject.toml",
    STATIC_PREFIX + "%2e%2e/%2e%2e/pyproject.toml",
    "/etc/passwd",
]


@pytest.mark.parametrize("url", HOSTILE)
def test_fetcher_refuses_files_network_and_escapes_from_static(app, url):
    fetcher = SafeURLFetcher()
    with pytest.raises(RefusedURL):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_fetcher_serves_data_urls_and_static_files(app):
    fetcher = SafeURLFetcher()
    assert fetcher.fetch("data:text/plain,hello%20there").read() == b"hello there"
    assert fetcher.fetch("data:text/plain;base64,aGk=").read() == b"hi"
    favicon = fetcher.fetch(STATIC_PREFIX + "img/favicon.svg")
    assert favicon.content_type == "image/svg+xml"
    assert b"<svg" in favicon.read()
    assert fetcher.refused == []


def test_a_document_that_asks_for_files_and_hosts_still_renders_without_them(app):
    """Raw HTML (not escaped, as no govflow template produces) asking for local files and
    remote hosts: the fetcher is asked, refuses each, and the PDF renders regardless."""
    fetcher = SafeURLFetcher()
    html = (
        '<link rel="stylesheet" href="http://169.254.169.254/x.css">'
        '<p>Visible text</p><img src="file:///etc/passwd" alt="">'
        '<img src="govflow-static:/../../../etc/passwd" alt="">'
    )
    pdf = HTML(string=html, base_url=STATIC_PREFIX, url_fetcher=fetcher).write_pdf()
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Visible text" in text
    assert "root:" not in text
    assert set(fetcher.refused) == {
        "http://169.254.169.254/x.css", "file:///etc/passwd", "govflow-static:/../../../etc/passwd"
    }
