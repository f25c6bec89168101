"""notify() and the e-mail outbox, both in the recipient's language.

`notify()` stores an in-app notification and, unless the person switched that
category off, an `OutgoingEmail`. `queue_email()` is the one way any e-mail
leaves the portal (notifications, account confirmation, invitations): the row is
committed with the caller's transaction, a task sends it after commit, and a
sweeper retries with backoff whatever the broker or the mail server dropped.
Delivery is at-least-once and never fails the caller's action.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from typing import Any

from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from municipal_order.lib.emails import absolute_url, build_message, render_email
from municipal_order.lib.tasks import enqueue
from notifications.events import get_event
from notifications.models import Notification, NotificationPreference, OutgoingEmail

logger = logging.getLogger(__name__)

Status = OutgoingEmail.Status
MAX_EMAIL_ATTEMPTS = 10
# A message claimed by a worker that died is handed out again after this long.
SENDING_TIMEOUT = datetime.timedelta(minutes=10)


def _render(event: str, context: dict[str, Any], language: str) -> tuple[str, str]:
    """A notification's title and text (templates/emails/notifications/<event>-*)."""
    rendered = render_email(f"notifications/{event}", context, language=language)
    return rendered.subject, rendered.body.strip()


def _queue(email_id: int) -> None:
    """Send after commit; a dead broker leaves the e-mail pending for the sweeper."""
    from notifications.tasks import send_outgoing_email

    enqueue(send_outgoing_email, email_id)


def queue_email(
    template: str,
    to: str,
    context: dict[str, Any],
    *,
    language: str,
    notification: Notification | None = None,
) -> OutgoingEmail:
    """Render `templates/emails/<template>-*` in `language` into the outbox and send it
    after commit. Call it inside the transaction that decided to send."""
    rendered = render_email(template, context, language=language)
    email = OutgoingEmail.objects.create(
        to=to,
        template=template,
        language=language,
        subject=rendered.subject,
        body=rendered.body,
        html=rendered.html,
        notification=notification,
        next_attempt_at=timezone.now(),
    )
    _queue(email.pk)
    return email


def wants_email(user: Any, category: str) -> bool:
    pref = NotificationPreference.objects.filter(user=user, category=category).first()
    return True if pref is None else pref.email


@transaction.atomic
def notify(
    recipients: Iterable[Any], event: str, context: dict[str, Any], *, url: str = ""
) -> list[Notification]:
    spec = get_event(event)
    created = []
    seen = set()
    for user in recipients:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        title, body = _render(event, {**context, "user": user, "url": url}, user.language)
        notification = Notification.objects.create(
            user=user,
            event=event,
            category=spec.category,
            title=title[:255],
            body=body,
            url=url,
        )
        if wants_email(user, spec.category):
            queue_email(
                "notification",
                user.email,
                {"notification": notification, "link": absolute_url(url), "user": user},
                language=user.language,
                notification=notification,
            )
        created.append(notification)
    return created


def send_email(email_id: int) -> str:
    """Send one outbox e-mail if it still needs sending. Returns the new status."""
    now = timezone.now()
    claimed = OutgoingEmail.objects.filter(pk=email_id, status=Status.PENDING).update(
        status=Status.SENDING, next_attempt_at=now + SENDING_TIMEOUT
    )
    if not claimed:
        return "skipped"  # sent or being sent: a redelivery does nothing
    email = OutgoingEmail.objects.get(pk=email_id)
    try:
        build_message(email.to, email.subject, email.body, email.html).send()
    except Exception as exc:
        attempts = email.attempts + 1
        failed = attempts >= MAX_EMAIL_ATTEMPTS
        delay = datetime.timedelta(minutes=min(2**attempts, 60))
        OutgoingEmail.objects.filter(pk=email_id).update(
            status=Status.FAILED if failed else Status.PENDING,
            attempts=attempts,
            next_attempt_at=None if failed else timezone.now() + delay,
            error=f"{type(exc).__name__}: {exc}"[:500],
        )
        logger.warning("e-mail %s failed (attempt %s): %s", email_id, attempts, exc)
        return Status.FAILED if failed else Status.PENDING
    OutgoingEmail.objects.filter(pk=email_id).update(
        status=Status.SENT,
        sent_at=timezone.now(),
        attempts=models.F("attempts") + 1,
        error="",
    )
    return Status.SENT


def sweep_pending_emails(*, now: datetime.datetime | None = None) -> int:
    """Queue again e-mails whose next attempt is due; recover ones a dead worker held."""
    now = now or timezone.now()
    OutgoingEmail.objects.filter(status=Status.SENDING, next_attempt_at__lt=now).update(
        status=Status.PENDING
    )
    due = OutgoingEmail.objects.filter(status=Status.PENDING, next_attempt_at__lte=now).values_list(
        "pk", "next_attempt_at"
    )[:500]
    count = 0
    for pk, next_at in due:
        # Claim the slot so a concurrent sweeper does not queue it twice.
        if OutgoingEmail.objects.filter(
            pk=pk, status=Status.PENDING, next_attempt_at=next_at
        ).update(next_attempt_at=now + datetime.timedelta(minutes=2)):
            with transaction.atomic():
                _queue(pk)
            count += 1
    return count


def tell_requester(document: Any) -> None:
    """A document-ready callback (`DocumentKind.on_ready`): tell whoever asked for the
    document, in their language, that it can be downloaded (after commit)."""
    if document.requested_by_id is None:
        return
    notify(
        [document.requested_by],
        "document_ready",
        {"document_id": str(document.pk), "title": document.title},
        url=reverse("documents:detail", args=[document.pk]),
    )


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
