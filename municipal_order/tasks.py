from __future__ import annotations

from celery import shared_task


@shared_task(name="municipal_order.health", ignore_result=False, time_limit=10, soft_time_limit=8)
def health() -> str:
    """Touches nothing: proves a worker consumes from the broker (healthz, CI smoke)."""
    return "pong"
