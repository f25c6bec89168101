from __future__ import annotations

from celery import shared_task


@shared_task
def send_report_reminders() -> int:
    """Celery beat, hourly: a reminder before a report is due and one once it is
    overdue, each sent once however often the job runs."""
    from monitoring.services.reports import send_report_reminders as send

    return send()
