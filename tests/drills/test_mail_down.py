"""T56: the mail server is down at submit (and at a password reset).

Real pieces: Django's SMTP backend over a socket, the outbox, a real worker on
Redis. The mail server is a port nobody listens on, then a small SMTP server
(tests/drills/smtp.py) started on that same port.
"""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db.models import Max

from documents.models import GeneratedDocument
from notifications.models import OutgoingEmail
from tests.applications.conftest import BEFORE
from tests.drills.outage import closed_port, timed, wait_for
from tests.drills.smtp import smtp_server

Status = OutgoingEmail.Status


@pytest.fixture
def smtp_port(settings) -> int:
    """The real SMTP backend, pointed at a local port where nothing listens (yet)."""
    port = closed_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 2
    return port


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_t56_mail_down_at_submit_then_delivered_once_after_recovery(
    cast, client_for, bid, real_worker, smtp_port
):
    from notifications.services import sweep_pending_emails

    with time_machine.travel(BEFORE):
        client = client_for(cast.ngo_member)
        with timed() as took:
            response = client.post(f"/bids/{bid.pk}/submit/", {"idempotency_key": "t56"})
        # The submission does not wait for the mail server: the worker sends later.
        assert response.status_code == 302
        assert took[0] < 5.0, f"the submission took {took[0]:.1f} s with the mail server down"
        assert client.get(response["Location"]).status_code == 200

        # A password reset answers the same for a known and an unknown address (no
        # enumeration), mail server or not.
        anonymous = client_for(None)
        known = anonymous.post("/accounts/password/reset/", {"email": cast.ngo_member.email})
        unknown = anonymous.post("/accounts/password/reset/", {"email": "nobody@cast.kg"})
        assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])

    expected = sorted(OutgoingEmail.objects.values_list("to", flat=True))
    assert cast.ngo_member.email in expected

    # The worker tried each one, the refused connection put it back with a backoff.
    def all_tried() -> bool:
        return not OutgoingEmail.objects.exclude(status=Status.PENDING, attempts=1).exists()

    wait_for(all_tried, timeout=60, what="the worker's first attempt at every e-mail")
    assert set(OutgoingEmail.objects.values_list("error", flat=True)) == {
        "ConnectionRefusedError: [Errno 111] Connection refused"
    }
    # Nothing else was held up: the receipt PDF is ready.
    receipt = GeneratedDocument.objects.get(kind="bid-receipt")
    wait_for(
        lambda: GeneratedDocument.objects.filter(pk=receipt.pk, status="ready").exists(),
        timeout=60,
        what="the receipt PDF",
    )

    # The mail server is back; the sweeper retries what is due (beat, every minute).
    with smtp_server(smtp_port) as received:
        due = OutgoingEmail.objects.aggregate(last=Max("next_attempt_at"))["last"]
        assert sweep_pending_emails(now=due) == len(expected)
        wait_for(
            lambda: OutgoingEmail.objects.filter(status=Status.SENT).count() == len(expected),
            timeout=60,
            what="delivery after the mail server came back",
        )
        assert sorted(str(m["To"]) for m in received) == expected
        # Sent means done: a later sweep sends nothing twice.
        later = due + datetime.timedelta(hours=2)
        assert sweep_pending_emails(now=later) == 0
        assert len(received) == len(expected)
    assert set(OutgoingEmail.objects.values_list("attempts", flat=True)) == {2}
