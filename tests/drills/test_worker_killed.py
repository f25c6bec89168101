"""T47: the worker is killed (SIGKILL) in the middle of rendering a PDF.

Why a real `celery worker` subprocess and not the in-process `start_worker`: only a
process can be killed the way a crash or the OOM killer does it, mid-task, without
acknowledging anything; a consumer thread cannot be stopped like that. The known
trap is that an external worker reads the non-test database while pytest-django's
rows sit in an uncommitted transaction. So the drill is transactional (its rows are
committed in the test database) and the worker is pointed at that database by
name; it gets the test's private files directory and queues of its own (a Redis key
prefix). Its rendering is slowed down (tests/drills/slow_worker.py) so that the kill
lands mid-render, the "10 s PDF" of the scenario.

Expected: nothing half-done is visible; after a restart the PDF is produced exactly
once — one file, one `document.ready`, one notice and one e-mail — although two
messages ask for it (the redelivered unacknowledged one, after a short visibility
timeout, and the sweeper's).
"""

from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection

from audit.models import AuditEvent
from documents.models import GeneratedDocument
from notifications.models import Notification, OutgoingEmail
from tests.drills.outage import isolated_queues, need, wait_for

ROOT = Path(__file__).resolve().parents[2]
VISIBILITY_TIMEOUT = 5  # seconds; production keeps an hour (CELERY_VISIBILITY_TIMEOUT)


@pytest.fixture
def drill_queues() -> Iterator[str]:
    broker = os.environ.get("CELERY_BROKER_URL", "")
    need(broker.startswith("redis"), "CELERY_BROKER_URL is not Redis")
    need(
        os.environ.get("DATABASE_URL", "").startswith("postgres"), "DATABASE_URL is not PostgreSQL"
    )
    from municipal_order.celery import app

    with isolated_queues(app) as prefix:
        yield prefix


@pytest.fixture
def worker_process(drill_queues, tmp_path) -> Iterator[Callable[..., subprocess.Popen]]:
    """start(render_seconds) → a `celery worker` process on the test database."""
    db = connection.settings_dict
    database_url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    started: list[subprocess.Popen] = []

    def start(*, render_seconds: float, marker: Path | None = None) -> subprocess.Popen:
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "tests.drills.worker_settings",
            "DRILL_MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "DRILL_KEYPREFIX": drill_queues,
            "DRILL_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
            "DRILL_RENDER_SECONDS": str(render_seconds),
            "DRILL_RENDER_MARKER": str(marker or ""),
            "PYTHONPATH": str(ROOT),
        }
        log = (tmp_path / f"worker-{len(started)}.log").open("w")
        command = [sys.executable, "-m", "celery", "-A", "tests.drills.slow_worker", "worker"]
        command += ["--pool", "solo", "--without-mingle", "--without-gossip", "-l", "info"]
        command += ["-n", f"drill-{uuid.uuid4().hex[:8]}@%h"]
        process = subprocess.Popen(  # its own session: the drill signals only what it started
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_t47_worker_killed_mid_pdf_then_the_pdf_is_produced_exactly_once(
    cast, worker_process, drill_queues, tmp_path
):
    from documents.services import request_document, sweep_pending

    doc = request_document(
        "municipality-profile", cast.municipality_a, language="ru", by=cast.officer_a
    )
    marker = tmp_path / "rendering"
    doomed = worker_process(render_seconds=60, marker=marker)
    wait_for(marker.exists, timeout=60, what="the first worker to start rendering")

    os.kill(doomed.pid, signal.SIGKILL)  # mid-render: no ack, no cleanup, no file
    doomed.wait(timeout=10)
    killed_at = time.monotonic()
    doc.refresh_from_db()
    assert doc.status == GeneratedDocument.Status.PENDING
    assert doc.attempts == 1
    documents_dir = Path(settings.MEDIA_ROOT) / "documents"
    assert not list(documents_dir.rglob("*.pdf"))

    # Recovery: a worker starts again and the sweeper runs (beat, every minute): the PDF
    # is asked for twice, by the sweeper's message and by the redelivered one.
    assert sweep_pending(now=doc.queued_at + datetime.timedelta(minutes=10)) == 1
    # The unacknowledged task returns to the queue once its visibility timeout has
    # passed and a worker looks (it does at start, then every second in this drill).
    time.sleep(max(0.0, killed_at + VISIBILITY_TIMEOUT - time.monotonic()))
    worker_process(render_seconds=0)

    def ready() -> bool:
        doc.refresh_from_db()
        return doc.status != GeneratedDocument.Status.PENDING

    wait_for(ready, timeout=90, what="the restarted worker to render the PDF")
    assert doc.status == GeneratedDocument.Status.READY, doc.error

    # Wait until the redelivered message (after the visibility timeout) is consumed too.
    broker = redis.Redis.from_url(os.environ["CELERY_BROKER_URL"], socket_connect_timeout=2)

    def drained() -> bool:
        waiting = broker.llen(f"{drill_queues}celery")
        unacked = broker.hlen(f"{drill_queues}unacked")
        return waiting == 0 and unacked == 0

    wait_for(drained, timeout=VISIBILITY_TIMEOUT + 60, what="the redelivered task")
    email_sent = OutgoingEmail.objects.filter(status=OutgoingEmail.Status.SENT)
    wait_for(email_sent.exists, timeout=30, what="the document-ready e-mail")

    doc.refresh_from_db()
    assert doc.attempts == 2  # the killed render and the one that finished
    assert len(list(documents_dir.rglob("*.pdf"))) == 1
    assert doc.file.read()[:5] == b"%PDF-"
    assert AuditEvent.objects.filter(action="document.ready").count() == 1
    assert Notification.objects.filter(event="document_ready").count() == 1
    assert OutgoingEmail.objects.count() == email_sent.count() == 1
