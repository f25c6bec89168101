from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

# The bid fixtures of the applications tests: a published call and a complete draft.
from tests.applications.conftest import bid, call  # noqa: F401
from tests.drills.outage import isolated_queues, need


@pytest.fixture
def real_worker() -> Iterator[Any]:
    """An in-process Celery worker (solo pool) on the real Redis broker, with queues of
    its own (a key prefix), consuming in a thread that sees the test database."""
    need(
        os.environ.get("CELERY_BROKER_URL", "").startswith("redis"),
        "CELERY_BROKER_URL is not Redis",
    )
    from celery.contrib.testing.worker import start_worker

    from municipal_order.celery import app

    with (
        isolated_queues(app),
        start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10),
    ):
        yield app
