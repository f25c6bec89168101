"""Real services: PostgreSQL, Redis and a Celery worker consuming from Redis.

Skipped when the environment does not name them; under REQUIRE_SERVICES=1 (CI)
a missing service fails the run instead.
"""

from __future__ import annotations

import os

import pytest
from django.db import connection

from tests.conftest import REQUIRE_SERVICES, broker_unreachable


def need(condition: bool, what: str) -> None:
    if condition:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 but {what}")
    pytest.skip(f"{what} (set it to run this test)")


@pytest.mark.services
@pytest.mark.django_db
def test_the_database_is_postgresql_when_configured():
    need(
        os.environ.get("DATABASE_URL", "").startswith("postgres"), "DATABASE_URL is not PostgreSQL"
    )
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    assert int(version.split(".")[0]) >= 15


@pytest.mark.services
def test_redis_answers():
    url = os.environ.get("CELERY_BROKER_URL", "")
    need(url.startswith("redis"), "CELERY_BROKER_URL is not Redis")
    import redis

    assert redis.Redis.from_url(url, socket_connect_timeout=2).ping() is True


@pytest.fixture
def celery_worker_on_redis():
    """An in-process worker (solo pool) consuming from the real broker, on queues of its
    own: the broker's Redis database is shared by every test run on the machine."""
    url = os.environ.get("CELERY_BROKER_URL", "")
    need(url.startswith("redis"), "CELERY_BROKER_URL is not Redis")
    from celery.contrib.testing.worker import start_worker

    from municipal_order.celery import app
    from tests.drills.outage import isolated_queues

    with (
        isolated_queues(app),
        start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10),
    ):
        yield app


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_health_task_through_redis(celery_worker_on_redis):
    from municipal_order.tasks import health

    result = health.apply_async()
    assert result.get(timeout=20) == "pong"
    assert celery_worker_on_redis.conf.broker_url.startswith("redis")


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_renders_a_pdf_after_the_broker_comes_back(cast, celery_worker_on_redis):
    """T46 in small: the broker is down when the officer asks; the request succeeds;
    once the broker is back the sweeper re-queues and a real worker renders."""
    import datetime
    import time

    import time_machine

    from documents.models import GeneratedDocument
    from documents.services import request_document, sweep_pending
    from tests.documents.conftest import pdf_text

    with broker_unreachable(celery_worker_on_redis):
        doc = request_document(
            "municipality-profile", cast.municipality_a, language="ky", by=cast.officer_a
        )
    # Nothing reached the broker: the idle worker leaves the document pending.
    time.sleep(1.5)
    doc.refresh_from_db()
    assert doc.status == GeneratedDocument.Status.PENDING

    with time_machine.travel(datetime.timedelta(minutes=5)):
        assert sweep_pending() == 1
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        doc.refresh_from_db()
        if doc.status != GeneratedDocument.Status.PENDING:
            break
        time.sleep(0.2)
    assert doc.status == GeneratedDocument.Status.READY, doc.error
    text = pdf_text(doc.file.read())
    assert "Аламүдүн айыл аймагы" in text
