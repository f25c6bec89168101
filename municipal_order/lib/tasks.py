"""Queueing helpers: tasks go to the broker only after the transaction commits."""

from __future__ import annotations

import logging
from typing import Any

from celery import Task
from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue(task: Task, *args: Any, **kwargs: Any) -> None:
    """Send task after commit; a dead broker is logged, never raised into the request.

    Work that must not be lost keeps a pending row that a sweeper re-queues; this
    helper only guarantees that the user's action is not failed by the broker.
    """

    def send() -> None:
        try:
            task.apply_async(args=args, kwargs=kwargs)
        except Exception:
            logger.exception("could not queue %s%r", task.name, args)

    transaction.on_commit(send)
