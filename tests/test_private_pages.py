"""Anonymous visitors are sent to log in from every private page."""

from __future__ import annotations

import pytest

PRIVATE = ["/accounts/", "/accounts/profile/", "/accounts/password/"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", PRIVATE)
def test_anonymous_users_are_redirected_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.django_db
def test_admin_is_private(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
