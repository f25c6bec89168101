from __future__ import annotations

import logging
import smtplib

from celery import shared_task
from django.urls import reverse

from accounts.models import User
from accounts.tokens import make_activation_token
from municipal_order.lib.emails import build_email

logger = logging.getLogger(__name__)


@shared_task(
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=3600,
    max_retries=8,
)
def send_activation_email(user_pk: int) -> None:
    user = User.objects.filter(pk=user_pk, email_confirmed_at__isnull=True).first()
    if user is None:  # confirmed meanwhile or deleted: nothing to do
        return
    from django.conf import settings

    link = settings.SITE_URL + reverse(
        "accounts:activate", kwargs={"token": make_activation_token(user)}
    )
    build_email(
        "activation",
        user.email,
        {"user": user, "link": link, "days": settings.ACCOUNT_ACTIVATION_DAYS},
        language=user.language,
    ).send()
    logger.info("activation e-mail sent to user %s", user.pk)
