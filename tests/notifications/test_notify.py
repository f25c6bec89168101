from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core import mail

from notifications.models import Category, Notification, NotificationPreference, OutgoingEmail
from notifications.services import notify, send_email, sweep_pending_emails

pytestmark = pytest.mark.django_db


def staff_added(cast, users, capture):
    with capture(execute=True):
        return notify(
            users, "municipal_staff_added", {"municipality": cast.municipality_a}, url="/x/"
        )


def test_each_recipient_gets_a_notification_and_an_email_in_their_language(
    cast, django_capture_on_commit_callbacks
):
    cast.ngo_member.language = "ky"
    cast.officer_b.language = "en"
    for u in (cast.ngo_member, cast.officer_b):
        u.save()
    staff_added(
        cast, [cast.ngo_member, cast.officer_b, cast.ngo_member], django_capture_on_commit_callbacks
    )

    assert Notification.objects.count() == 2  # the duplicate recipient is notified once
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {cast.ngo_member.email, cast.officer_b.email}
    assert "Alamüdün" in by_address[cast.officer_b.email].subject
    kyrgyz = by_address[cast.ngo_member.email]
    assert "Аламүдүн" in kyrgyz.subject
    assert "http://127.0.0.1:8000/x/" in kyrgyz.body
    for n in Notification.objects.all():
        assert n.email.status == OutgoingEmail.Status.SENT
        assert n.email.to == n.user.email
        assert n.category == Category.ACCOUNT


def test_a_user_who_switched_email_off_gets_only_the_in_app_notification(
    cast, django_capture_on_commit_callbacks
):
    NotificationPreference.objects.create(
        user=cast.officer_b, category=Category.ACCOUNT, email=False
    )
    staff_added(cast, [cast.officer_b], django_capture_on_commit_callbacks)
    assert Notification.objects.get().title
    assert not OutgoingEmail.objects.exists()
    assert mail.outbox == []


def test_an_smtp_failure_does_not_break_the_action_and_is_retried(
    cast, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.accounts.failing_backend.FailingBackend"
    staff_added(cast, [cast.officer_b], django_capture_on_commit_callbacks)
    n = Notification.objects.get().email
    assert n.status == OutgoingEmail.Status.PENDING
    assert n.attempts == 1
    assert "SMTPConnectError" in n.error

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Nothing is due yet: the retry waits its backoff.
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_pending_emails() == 0
    later = n.next_attempt_at + datetime.timedelta(seconds=1)
    with time_machine.travel(later, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert sweep_pending_emails() == 1
    n.refresh_from_db()
    assert n.status == OutgoingEmail.Status.SENT
    assert len(mail.outbox) == 1


def test_a_redelivered_task_sends_once(cast, django_capture_on_commit_callbacks):
    staff_added(cast, [cast.officer_b], django_capture_on_commit_callbacks)
    n = OutgoingEmail.objects.get()
    assert send_email(n.pk) == "skipped"
    assert len(mail.outbox) == 1


def test_a_message_held_by_a_dead_worker_is_sent_again(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        notify([cast.officer_b], "municipal_staff_added", {"municipality": cast.municipality_a})
    n = OutgoingEmail.objects.get()
    OutgoingEmail.objects.filter(pk=n.pk).update(status=OutgoingEmail.Status.SENDING)
    with (
        time_machine.travel(datetime.timedelta(minutes=11)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert sweep_pending_emails() == 1
    n.refresh_from_db()
    assert n.status == OutgoingEmail.Status.SENT


def test_inactive_users_are_not_notified(cast, django_capture_on_commit_callbacks):
    cast.officer_b.is_active = False
    cast.officer_b.save()
    staff_added(cast, [cast.officer_b], django_capture_on_commit_callbacks)
    assert not Notification.objects.exists()
