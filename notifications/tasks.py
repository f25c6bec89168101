from __future__ import annotations

from celery import shared_task

from notifications import services


@shared_task(acks_late=True, ignore_result=True)
def send_outgoing_email(email_id: int) -> str:
    # Failures are not raised: the row keeps its next attempt time and the sweeper
    # re-queues it, which also covers a broker that was down when it was created.
    return services.send_email(email_id)


@shared_task(ignore_result=True)
def sweep_pending_emails() -> int:
    return services.sweep_pending_emails()
