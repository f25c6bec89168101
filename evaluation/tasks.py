from __future__ import annotations

from celery import shared_task


@shared_task
def finalize_due_calls() -> int:
    """Celery beat, hourly: calls past their appeal window with every appeal decided
    become final (their selected bids are ready to become projects)."""
    from evaluation.services.appeals import finalize_due_calls as finalize

    return finalize()
