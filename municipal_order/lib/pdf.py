"""HTML → PDF with WeasyPrint, fetching nothing but the project's own static files."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

# Relative URLs in PDF templates resolve against this; it is never contacted.
BASE_URL = "https://pdf.invalid/"


def _static_file(url_path: str) -> Path | None:
    prefix = urlsplit(settings.STATIC_URL).path
    if not url_path.startswith(prefix):
        return None
    name = unquote(url_path[len(prefix) :])
    if ".." in Path(name).parts:
        return None
    collected = Path(settings.STATIC_ROOT) / name
    if settings.STATIC_ROOT and collected.is_file():
        return collected
    found = finders.find(name)
    return Path(found) if found else None


class StaticOnlyFetcher(URLFetcher):
    """Serves /static/… from disk and data: URIs; refuses every other URL.

    A document must never make the worker fetch a URL that a user controls (SSRF),
    and must look the same wherever it is rendered.
    """

    def __init__(self) -> None:
        super().__init__(allowed_protocols={"data", "https"}, allow_redirects=False)

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}/" == BASE_URL:
            path = _static_file(parts.path)
            if path is not None:
                return URLFetcherResponse(url, body=path.read_bytes())
        logger.warning("PDF rendering refused to fetch %s", url)
        raise ValueError(f"URL not allowed in documents: {url}")


@dataclass(frozen=True)
class RenderedPdf:
    content: bytes
    pages: int


def render_pdf(html: str) -> RenderedPdf:
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher()).render()
    return RenderedPdf(content=document.write_pdf(), pages=len(document.pages))
