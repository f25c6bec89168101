"""The one way to queue a task: after commit, never failing the user's action.

Work that must not be lost (PDFs, e-mails) keeps its own pending row that a
sweeper re-queues; this helper only guarantees that the task goes to the broker
once the rows it reads are committed, and that a dead broker is logged rather
than raised into the request, within about a second: nothing waits for a result
(there is none to wait for) and publishing retries once (settings, Celery block).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from celery import Task
from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue(task: Task, *args: Any, **kwargs: Any) -> None:
    """Send `task(*args, **kwargs)` after the current transaction commits."""

    def send() -> None:
        started = time.monotonic()
        try:
            # ignore_result: nobody can read the result of a call that returns None, and
            # asking for one makes Celery subscribe to the result backend before sending,
            # which on a dead Redis retried for ~19 s inside the request.
            task.apply_async(args=args, kwargs=kwargs, ignore_result=True)
        except Exception:
            logger.warning(
                "could not queue %s%r after %.1f s: the broker is unreachable; a sweeper "
                "retries what keeps a pending row",
                task.name,
                args,
                time.monotonic() - started,
                exc_info=True,
            )

    transaction.on_commit(send)
