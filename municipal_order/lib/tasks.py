"""The one way to queue a task: after commit, never failing the user's action.

Work that must not be lost (PDFs, e-mails) keeps its own pending row that a
sweeper re-queues; this helper only guarantees that the task goes to the broker
once the rows it reads are committed, and that a dead broker is logged rather
than raised into the request.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import Task
from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue(task: Task, *args: Any, **kwargs: Any) -> None:
    """Send `task(*args, **kwargs)` after the current transaction commits."""

    def send() -> None:
        try:
            task.apply_async(args=args, kwargs=kwargs)
        except Exception:
            logger.warning(
                "could not queue %s%r: the broker is unreachable; a sweeper retries "
                "what keeps a pending row",
                task.name,
                args,
                exc_info=True,
            )

    transaction.on_commit(send)
