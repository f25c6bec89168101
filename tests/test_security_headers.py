"""T40: security headers on pages, downloads and errors."""

from __future__ import annotations

import pytest


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/calls/", "/no-such-page/", "/healthz"])
def test_every_response_carries_the_policies(client, url):
    response = client.get(url)
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert "unsafe-eval" not in csp
    assert response["Permissions-Policy"].startswith("camera=()")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
