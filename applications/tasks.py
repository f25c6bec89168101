from __future__ import annotations

from celery import shared_task


@shared_task
def remind_unsubmitted_bids() -> int:
    """Celery beat, hourly: drafts 48 hours before the deadline get one reminder."""
    from applications.services.reminders import remind_unsubmitted

    return remind_unsubmitted()


@shared_task
def verify_bid_documents() -> int:
    """Celery beat, nightly: re-hash the stored bid files (T26)."""
    from applications.services.integrity import verify_bid_documents as verify

    return len(verify())
