"""T29: half logged in (the password, not yet the code), an officer opens nothing else.

Walks every URL pattern, as tests/test_url_walk.py does, with the officer's session
after the password: only the code step, the set-up pages, logout and the language
switch answer; every other page (the admin included) sends to the code step and
changes nothing, whether asked with GET or POST.
"""

from __future__ import annotations

import pytest
from django.urls import Resolver404, resolve
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.middleware import ALLOWED_BEFORE_SECOND_FACTOR
from tests import test_url_walk
from tests.test_url_walk import ROUTES, fill, no_writes

world = test_url_walk.world  # the same world of objects, built once for this module

VERIFY = "/accounts/login/code/"


def resolves(url: str) -> bool:
    try:
        resolve(url)
    except Resolver404:
        return False
    return True


@pytest.fixture(autouse=True)
def _private_media():
    """Overrides tests/conftest.py: the world's files live in its module-wide MEDIA_ROOT."""


@pytest.fixture
def half_logged_in(world, client):
    cast, _values = world
    TOTPDevice.objects.create(user=cast.officer_a, name="authenticator", confirmed=True)
    client.force_login(cast.officer_a)  # what the password step does, and no more
    client.get(VERIFY)  # where the login sends next (the session's first request)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "route"), ROUTES)
def test_t29_half_logged_in_an_officer_reaches_only_the_code_step(
    world, half_logged_in, name, route
):
    _cast, values = world
    url = fill(route, values)
    if name in ALLOWED_BEFORE_SECOND_FACTOR:
        pytest.skip("open before the second factor")
    with no_writes(f"GET {name} half logged in"):
        response = half_logged_in.get(url)
    if not resolves(url):  # a sample value the pattern does not take: no page at all
        assert response.status_code == 404
        return
    assert response.status_code == 302, f"GET {name}: {response.status_code}"
    assert response["Location"].startswith(VERIFY + "?next="), response["Location"]
    with no_writes(f"POST {name} half logged in"):
        response = half_logged_in.post(url, {"reason": "x" * 40, "verified": "on"})
    assert response.status_code == 302, f"POST {name}: {response.status_code}"
    assert response["Location"] == VERIFY


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/admin/", "/admin/login/", "/admin/accounts/user/", "/admin/audit/auditevent/"]
)
def test_t29_half_logged_in_the_admin_sends_to_the_code_step(half_logged_in, url):
    response = half_logged_in.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)


@pytest.mark.django_db
def test_t29_half_logged_in_the_allowed_pages_answer(half_logged_in):
    assert half_logged_in.get(VERIFY).status_code == 200
    # Set-up is for after the code (a new phone), so it sends to the code step too.
    assert half_logged_in.get("/accounts/two-factor/setup/")["Location"].startswith(VERIFY)
    assert half_logged_in.get("/static/css/portal.css").status_code == 200
    response = half_logged_in.post("/i18n/setlang/", {"language": "ky", "next": VERIFY})
    assert response.status_code == 302
    assert half_logged_in.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in half_logged_in.session
