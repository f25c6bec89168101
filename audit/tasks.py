from __future__ import annotations

import logging

from celery import shared_task

from audit import services
from audit.exceptions import AnchorMismatch

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def anchor_audit_chain() -> int:
    """Hourly (CELERY_BEAT_SCHEDULE). A chain that contradicts the previous anchor is not
    anchored: the error is logged and the task fails."""
    try:
        return services.anchor_chain().count
    except AnchorMismatch as exc:
        logger.error("audit chain NOT anchored: %s", exc)
        raise
