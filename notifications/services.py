"""notify(): an in-app notification plus an e-mail, both in the recipient's language.

E-mail delivery is at-least-once and never fails the caller's action: the row is
committed with the caller's transaction, a task sends it after commit, and a
sweeper retries with backoff whatever the broker or the mail server dropped.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from municipal_order.lib.emails import build_email
from notifications.events import EVENTS
from notifications.models import Notification, NotificationPreference

logger = logging.getLogger(__name__)

EmailStatus = Notification.EmailStatus
MAX_EMAIL_ATTEMPTS = 10
# A message claimed by a worker that died is handed out again after this long.
SENDING_TIMEOUT = datetime.timedelta(minutes=10)


def _render(event: str, context: dict[str, Any], language: str) -> tuple[str, str]:
    ctx = {"SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL, **context}
    with translation.override(language):
        title = " ".join(render_to_string(f"emails/notifications/{event}-subject.txt", ctx).split())
        body = render_to_string(f"emails/notifications/{event}-body.txt", ctx).strip()
    return title, body


def _queue(notification_id: int) -> None:
    from notifications.tasks import send_notification_email

    def send() -> None:
        try:
            send_notification_email.apply_async(args=[notification_id])
        except Exception:
            logger.warning("broker unavailable: e-mail %s waits for the sweeper", notification_id)

    transaction.on_commit(send)


def wants_email(user: Any, category: str) -> bool:
    pref = NotificationPreference.objects.filter(user=user, category=category).first()
    return True if pref is None else pref.email


@transaction.atomic
def notify(
    recipients: Iterable[Any], event: str, context: dict[str, Any], *, url: str = ""
) -> list[Notification]:
    spec = EVENTS[event]
    created = []
    seen = set()
    for user in recipients:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        title, body = _render(event, {**context, "user": user, "url": url}, user.language)
        wanted = wants_email(user, spec.category)
        notification = Notification.objects.create(
            user=user,
            event=event,
            category=spec.category,
            title=title[:255],
            body=body,
            url=url,
            email_status=EmailStatus.PENDING if wanted else EmailStatus.SKIPPED,
            email_next_attempt_at=timezone.now() if wanted else None,
        )
        if wanted:
            _queue(notification.pk)
        created.append(notification)
    return created


def send_email(notification_id: int) -> str:
    """Send one notification e-mail if it still needs sending. Returns the new status."""
    now = timezone.now()
    claimed = Notification.objects.filter(
        pk=notification_id,
        email_status=EmailStatus.PENDING,
    ).update(email_status=EmailStatus.SENDING, email_next_attempt_at=now + SENDING_TIMEOUT)
    if not claimed:
        return "skipped"  # sent, being sent or not wanted: a redelivery does nothing
    notification = Notification.objects.select_related("user").get(pk=notification_id)
    user = notification.user
    link = (
        settings.SITE_URL + notification.url
        if notification.url.startswith("/")
        else notification.url
    )
    try:
        build_email(
            "notification",
            user.email,
            {"notification": notification, "link": link, "user": user},
            language=user.language,
        ).send()
    except Exception as exc:
        attempts = notification.email_attempts + 1
        failed = attempts >= MAX_EMAIL_ATTEMPTS
        delay = datetime.timedelta(minutes=min(2**attempts, 60))
        Notification.objects.filter(pk=notification_id).update(
            email_status=EmailStatus.FAILED if failed else EmailStatus.PENDING,
            email_attempts=attempts,
            email_next_attempt_at=None if failed else timezone.now() + delay,
            email_error=f"{type(exc).__name__}: {exc}"[:500],
        )
        logger.warning(
            "e-mail for notification %s failed (attempt %s): %s", notification_id, attempts, exc
        )
        return EmailStatus.FAILED if failed else EmailStatus.PENDING
    Notification.objects.filter(pk=notification_id).update(
        email_status=EmailStatus.SENT,
        emailed_at=timezone.now(),
        email_attempts=models.F("email_attempts") + 1,
        email_error="",
    )
    return EmailStatus.SENT


def sweep_pending_emails(*, now: datetime.datetime | None = None) -> int:
    """Queue again e-mails whose next attempt is due; recover ones a dead worker held."""
    now = now or timezone.now()
    Notification.objects.filter(
        email_status=EmailStatus.SENDING, email_next_attempt_at__lt=now
    ).update(email_status=EmailStatus.PENDING)
    due = Notification.objects.filter(
        email_status=EmailStatus.PENDING, email_next_attempt_at__lte=now
    ).values_list("pk", "email_next_attempt_at")[:500]
    count = 0
    for pk, next_at in due:
        # Claim the slot so a concurrent sweeper does not queue it twice.
        if Notification.objects.filter(
            pk=pk, email_status=EmailStatus.PENDING, email_next_attempt_at=next_at
        ).update(email_next_attempt_at=now + datetime.timedelta(minutes=2)):
            with transaction.atomic():
                _queue(pk)
            count += 1
    return count


@transaction.atomic
def mark_read(user: Any, notification_id: int | None = None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    return qs.update(read_at=timezone.now())


@transaction.atomic
def save_preferences(user: Any, *, email_by_category: dict[str, bool]) -> None:
    from audit.services import record

    before = {p.category: p.email for p in NotificationPreference.objects.filter(user=user)}
    for category, email in email_by_category.items():
        NotificationPreference.objects.update_or_create(
            user=user, category=category, defaults={"email": email}
        )
    record("notifications.preferences_saved", user, by=user, before=before, after=email_by_category)
