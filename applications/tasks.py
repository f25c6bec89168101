from __future__ import annotations

import smtplib

from celery import shared_task
from django.conf import settings
from django.urls import reverse

from applications.models import Invitation
from municipal_order.lib.emails import build_email


@shared_task(
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=3600,
    max_retries=8,
)
def send_invitation(invitation_pk: int) -> None:
    invitation = (
        Invitation.objects.select_related("organization", "invited_by")
        .filter(pk=invitation_pk)
        .first()
    )
    if invitation is None or not invitation.is_open():
        return
    # The invitee may have no account yet: write in the inviter's language.
    language = invitation.invited_by.language if invitation.invited_by else "ru"
    link = settings.SITE_URL + reverse(
        "applications:invitation", kwargs={"token": invitation.token}
    )
    build_email(
        "invitation",
        invitation.email,
        {"invitation": invitation, "organization": invitation.organization, "link": link},
        language=language,
    ).send()


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
