from __future__ import annotations

import time

import pytest
import time_machine
from django.core.cache import cache
from django.db.utils import OperationalError

from tests.conftest import broker_unreachable

TOKEN = "healthz-test-token-0123456789"


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    """The worker's answer is cached for 30 s: each test starts without one, in a local
    cache of its own. Under REDIS_URL the cache is a Redis that other test runs share,
    whose clear() would empty theirs, and whose expiry time-machine cannot move."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "healthz-tests",
        }
    }
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def worker_calls(monkeypatch):
    """Count the worker round trips (each one is a message through the broker)."""
    from municipal_order import views

    calls = []
    real = views._worker_status

    def counted():
        calls.append(time.monotonic())
        return real()

    monkeypatch.setattr(views, "_worker_status", counted)
    return calls


@pytest.mark.django_db
def test_healthz_reports_database_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "ok"
    assert data["database"] == "ok"
    assert data["broker"] in {"ok", "eager"}
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_healthz_worker_roundtrip_in_eager_mode(client, settings):
    settings.HEALTHZ_TOKEN = TOKEN
    data = client.get("/healthz?worker=1", headers={"X-Healthz-Token": TOKEN}).json()
    assert data["worker"] == "ok"


@pytest.mark.django_db
def test_healthz_is_503_when_the_database_fails(client, monkeypatch):
    from municipal_order import views

    def broken_cursor():
        raise OperationalError("connection refused")

    monkeypatch.setattr(views.connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "error"


@pytest.mark.django_db
def test_healthz_is_503_when_the_broker_is_unreachable(client):
    from municipal_order.celery import app

    app.conf.task_always_eager = False
    try:
        with broker_unreachable(app):
            response = client.get("/healthz")
    finally:
        app.conf.task_always_eager = True
    assert response.status_code == 503
    assert response.json()["broker"] == "error"


def test_healthz_rejects_post(client):
    assert client.post("/healthz").status_code == 405


# --- The worker round trip is not for everyone (issue item 9) -------------------------


@pytest.mark.django_db
def test_anonymous_worker_check_gets_the_cheap_answer_without_touching_the_broker(
    client, settings, monkeypatch
):
    from municipal_order.tasks import health

    def no_broker(*args, **kwargs):
        raise AssertionError("an anonymous caller made the web worker wait for a worker")

    monkeypatch.setattr(health, "apply_async", no_broker)
    settings.HEALTHZ_TOKEN = TOKEN
    for headers in ({}, {"X-Healthz-Token": "wrong"}, {"X-Healthz-Token": ""}):
        response = client.get("/healthz?worker=1", headers=headers)
        assert response.status_code == 200
        assert response.json()["worker"] == "skipped"


@pytest.mark.django_db
def test_without_a_configured_token_no_header_opens_the_check(client, settings, worker_calls):
    settings.HEALTHZ_TOKEN = ""
    data = client.get("/healthz?worker=1", headers={"X-Healthz-Token": ""}).json()
    assert data["worker"] == "skipped"
    assert worker_calls == []


@pytest.mark.django_db
def test_with_the_token_the_worker_is_checked(client, settings, worker_calls):
    settings.HEALTHZ_TOKEN = TOKEN
    data = client.get("/healthz?worker=1", headers={"X-Healthz-Token": TOKEN}).json()
    assert data["worker"] == "ok"
    assert len(worker_calls) == 1


def test_a_site_administrator_may_check_the_worker(cast, client_for, worker_calls):
    assert client_for(cast.officer_a).get("/healthz?worker=1").json()["worker"] == "skipped"
    assert client_for(cast.site_admin).get("/healthz?worker=1").json()["worker"] == "ok"
    assert len(worker_calls) == 1


@pytest.mark.django_db
def test_two_checks_within_30_seconds_ask_the_worker_once(client, settings, worker_calls):
    settings.HEALTHZ_TOKEN = TOKEN
    headers = {"X-Healthz-Token": TOKEN}
    with time_machine.travel(0, tick=False) as clock:
        first = client.get("/healthz?worker=1", headers=headers).json()
        clock.shift(20)
        second = client.get("/healthz?worker=1", headers=headers).json()
        assert first["worker"] == second["worker"] == "ok"
        assert len(worker_calls) == 1
        clock.shift(11)  # 31 s after the first: the cached answer has expired
        client.get("/healthz?worker=1", headers=headers)
        assert len(worker_calls) == 2


@pytest.mark.django_db
def test_a_failed_worker_check_is_cached_too(client, settings, monkeypatch):
    from municipal_order import views

    calls = []
    monkeypatch.setattr(views, "_worker_status", lambda: calls.append(1) or "error")
    settings.HEALTHZ_TOKEN = TOKEN
    for _ in range(3):
        response = client.get("/healthz?worker=1", headers={"X-Healthz-Token": TOKEN})
        assert response.status_code == 503
    assert calls == [1]


@pytest.mark.django_db
def test_while_one_check_runs_other_callers_do_not_wait(client, settings, worker_calls):
    from municipal_order import views

    settings.HEALTHZ_TOKEN = TOKEN
    cache.add(views.WORKER_CHECK_LOCK, 1)  # a check in flight in another web worker
    response = client.get("/healthz?worker=1", headers={"X-Healthz-Token": TOKEN})
    assert response.status_code == 200
    assert response.json()["worker"] == "checking"
    assert worker_calls == []


@pytest.mark.django_db
def test_a_broken_cache_does_not_break_healthz(client, settings, monkeypatch, worker_calls):
    from municipal_order import views

    class DeadCache:
        def __getattr__(self, name):
            def refused(*args, **kwargs):
                raise ConnectionError("cache down")

            return refused

    monkeypatch.setattr(views, "cache", DeadCache())
    settings.HEALTHZ_TOKEN = TOKEN
    data = client.get("/healthz?worker=1", headers={"X-Healthz-Token": TOKEN}).json()
    assert data["worker"] == "ok"
    assert len(worker_calls) == 1


@pytest.mark.django_db
def test_the_worker_check_with_redis_down_fails_fast(client, settings):
    """The health task is the one that reads a result: its backend gives up quickly
    too (one retry), instead of 20 × 1 s."""
    from municipal_order.celery import app
    from tests.drills.outage import redis_down, timed

    settings.HEALTHZ_TOKEN = TOKEN
    with redis_down(app), timed() as took:
        response = client.get("/healthz?worker=1", headers={"X-Healthz-Token": TOKEN})
    assert response.status_code == 503
    assert response.json() | {"database": "ok"} == {
        "status": "error",
        "database": "ok",
        "broker": "error",
        "worker": "error",
    }
    assert took[0] < 5.0, f"healthz took {took[0]:.1f} s with Redis down"
