from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from documents import services


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=10,
    max_retries=5,
    time_limit=600,
    soft_time_limit=540,
)
def render_document(doc_id: str) -> str | None:
    doc = services.render_and_store(doc_id)
    return doc.status if doc else None


@shared_task(ignore_result=True)
def sweep_pending_documents() -> int:
    return services.sweep_pending()
