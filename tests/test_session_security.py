"""Sessions and responses for signed-in people (T30, T40, T2; security, low items)."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.test import override_settings

pytestmark = pytest.mark.django_db

MINUTE = datetime.timedelta(minutes=1)
START = datetime.datetime(2026, 12, 1, 4, 0, tzinfo=datetime.UTC)


@override_settings(SESSION_IDLE_TIMEOUT=30 * 60, SESSION_ABSOLUTE_TIMEOUT=12 * 3600)
def test_a_session_idle_for_31_minutes_ends(cast, client_for):
    with time_machine.travel(START, tick=False):
        client = client_for(cast.ngo_member)
        assert client.get("/accounts/").status_code == 200
    with time_machine.travel(START + 29 * MINUTE, tick=False):
        assert client.get("/accounts/").status_code == 200
    with time_machine.travel(START + 29 * MINUTE + 31 * MINUTE, tick=False):
        response = client.get("/accounts/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session


@override_settings(SESSION_IDLE_TIMEOUT=30 * 60, SESSION_ABSOLUTE_TIMEOUT=12 * 3600)
def test_a_busy_session_still_ends_12_hours_after_login(cast, client_for):
    with time_machine.travel(START, tick=False):
        client = client_for(cast.ngo_member)
        client.get("/accounts/")
    for minutes in range(20, 12 * 60, 20):  # a request every 20 minutes, all day
        with time_machine.travel(START + minutes * MINUTE, tick=False):
            assert client.get("/accounts/").status_code == 200
    with time_machine.travel(START + 12 * 60 * MINUTE + MINUTE, tick=False):
        assert client.get("/accounts/").status_code == 302


@override_settings(SESSION_IDLE_TIMEOUT=30 * 60, SESSION_ABSOLUTE_TIMEOUT=12 * 3600)
def test_an_autosave_after_the_session_ended_answers_json_the_form_understands(cast, client_for):
    with time_machine.travel(START, tick=False):
        client = client_for(cast.ngo_member)
        client.get("/accounts/")
    with time_machine.travel(START + 45 * MINUTE, tick=False):
        response = client.post("/accounts/profile/", {}, HTTP_X_AUTOSAVE="1")
    assert response.status_code == 401
    assert response.json()["error"]


def test_pages_for_signed_in_people_are_not_cached(cast, client_for):
    response = client_for(cast.ngo_member).get("/accounts/")
    assert "no-store" in response["Cache-Control"]
    public = client_for(None).get("/")
    assert "no-store" not in public.get("Cache-Control", "")


@override_settings(SECURE_SSL_REDIRECT=True)
def test_the_health_check_is_not_redirected_to_https(client):
    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 301


@override_settings(NOT_FOUND_LIMIT=60)
def test_guessing_addresses_is_throttled_after_60_misses_a_minute(cast, client_for):
    import uuid

    from django.core.cache import cache

    # The count lives in the shared cache (Redis on CI) for two real minutes: start from
    # an empty window whatever ran before with the same user id at this frozen minute.
    cache.clear()
    with time_machine.travel(START, tick=False):
        client = client_for(cast.other_ngo_member)
        codes = [client.get(f"/bids/{uuid.uuid4()}/").status_code for _ in range(61)]
        assert codes[:60] == [404] * 60
        assert codes[60] == 429
        assert client.get("/accounts/").status_code == 429  # for the rest of the minute
    with time_machine.travel(START + 2 * MINUTE, tick=False):
        assert client.get("/accounts/").status_code == 200


def test_an_expected_refusal_is_logged_in_one_line_without_a_traceback(cast, client_for, caplog):
    """UX item 9: every 403 (a weak role, a sealed bid) was logged with a traceback."""
    import logging

    weak = client_for(cast.officer_a_weak)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = weak.post(f"/municipalities/{cast.municipality_a.code}/workspace/staff/", {})
    assert response.status_code == 403
    refusals = [r for r in caplog.records if r.name == "django.request"]
    assert refusals and all(r.exc_info is None for r in refusals)
    assert "Traceback" not in caplog.text


@override_settings(DEBUG=True)
def test_make_run_shows_the_portals_own_404_not_the_url_map(client):
    """UX item 9: Django's technical 404 listed every URL pattern to demo users."""
    client.cookies["mo_language"] = "ky"
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "URLconf" not in html and "DEBUG = True" not in html
    assert 'lang="ky"' in html
