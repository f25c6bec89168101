from __future__ import annotations

import pytest

from municipal_order.lib.pdf import BASE_URL, StaticOnlyFetcher, render_pdf


def test_static_files_are_served_from_disk():
    response = StaticOnlyFetcher().fetch(BASE_URL + "static/fonts/DejaVuSans.ttf")
    assert response.read(4) == b"\x00\x01\x00\x00"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:1/secret",
        "https://example.org/logo.png",
        "file:///etc/passwd",
        BASE_URL + "static/../../etc/passwd",
        BASE_URL + "admin/",
    ],
)
def test_everything_else_is_refused(url):
    with pytest.raises(ValueError):
        StaticOnlyFetcher().fetch(url)


def test_a_document_with_a_foreign_image_still_renders_without_fetching_it(monkeypatch):
    from weasyprint.urls import URLFetcher

    network = []
    real_fetch = URLFetcher.fetch

    def spy(self, url, headers=None):
        network.append(url)
        return real_fetch(self, url, headers)

    monkeypatch.setattr(URLFetcher, "fetch", spy)
    pdf = render_pdf('<p>Үй</p><img src="http://127.0.0.1:1/tracker.png">')
    assert pdf.content.startswith(b"%PDF")
    assert network == []


def test_css_strings_in_page_headers_are_escaped():
    from municipal_order.templatetags.portal import css_string

    assert css_string('Фонд "Көмөк"\n 1-0001 \\') == 'Фонд \\"Көмөк\\" 1-0001 \\\\'
    assert "</style>" not in css_string("</style><script>")
