"""The migration to the e-mail outbox keeps every notification's e-mail state."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("notifications", "0001_initial")]
AFTER = [("notifications", "0002_outgoing_email")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_pending_mail_stays_pending_and_sent_mail_is_not_sent_again(cast):
    old = _migrate(BEFORE)
    Notification = old.get_model("notifications", "Notification")
    common = {"user_id": cast.ngo_member.pk, "event": "bid_submitted", "category": "bids"}
    pending = Notification.objects.create(title="A", email_status="pending", **common)
    sending = Notification.objects.create(title="B", email_status="sending", **common)
    sent = Notification.objects.create(title="C", email_status="sent", url="/bids/", **common)
    skipped = Notification.objects.create(title="D", email_status="skipped", **common)
    try:
        new = _migrate(AFTER)
    finally:
        _migrate(AFTER)
    OutgoingEmail = new.get_model("notifications", "OutgoingEmail")
    status = dict(OutgoingEmail.objects.values_list("notification_id", "status"))
    assert status == {pending.pk: "pending", sending.pk: "pending", sent.pk: "sent"}
    assert skipped.pk not in status
    moved = OutgoingEmail.objects.get(notification_id=sent.pk)
    assert (moved.to, moved.language, moved.subject) == ("ngo@cast.kg", "ky", "C")
