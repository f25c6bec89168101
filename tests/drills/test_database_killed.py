"""T48: the PostgreSQL connection dies in the middle of a submission.

The server is shared, so it is not stopped: the drill terminates this test's own
backend (`pg_terminate_backend` on its pid, from a second connection) at a chosen
moment inside the submit transaction — what a failover or a restart does to the
web worker's connection. Invariants (shared/reliability.md §4.1, 1–2): the user is
told "not submitted" (503, never a receipt), nothing half-written remains, and
the retry with the same idempotency key yields exactly one submission.
"""

from __future__ import annotations

import os
import time

import psycopg2
import pytest
import time_machine
from django.db import connection

from applications.models import Bid, BidSubmission
from applications.services import submission
from documents.models import GeneratedDocument
from notifications.models import Notification, OutgoingEmail
from tests.applications.conftest import BEFORE
from tests.drills.outage import need


def kill_own_connection() -> None:
    """Terminate this thread's database backend and wait until it is gone."""
    pid = connection.connection.get_backend_pid()
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    other = psycopg2.connect(**params)
    try:
        # Each statement its own transaction: pg_stat_activity is a snapshot taken once
        # per transaction, so inside one the backend would look alive for ever.
        other.autocommit = True
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
            assert cursor.fetchone()[0], "could not terminate the test's own backend"
            for _ in range(100):
                cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
                if cursor.fetchone()[0] == 0:
                    return
                time.sleep(0.1)
    finally:
        other.close()  # `with psycopg2.connect()` would only end the transaction
    pytest.fail(f"backend {pid} still alive 10 s after pg_terminate_backend")


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("moment", ["after_the_submission_row", "at_the_audit_row"])
def test_t48_connection_killed_mid_submit_then_one_submission_on_retry(
    cast, client_for, bid, monkeypatch, moment
):
    need(
        os.environ.get("DATABASE_URL", "").startswith("postgres"), "DATABASE_URL is not PostgreSQL"
    )
    real_after_submit, real_record = submission._after_submit, submission.record

    def after_submit_then_die(*args, **kwargs):
        kill_own_connection()  # the submission and bid rows are written, not committed
        return real_after_submit(*args, **kwargs)

    def record_then_die(action, *args, **kwargs):
        if action == "bid.submitted":  # the transaction's last write before COMMIT
            kill_own_connection()
        return real_record(action, *args, **kwargs)

    if moment == "after_the_submission_row":
        monkeypatch.setattr(submission, "_after_submit", after_submit_then_die)
    else:
        monkeypatch.setattr(submission, "record", record_then_die)

    url = f"/bids/{bid.pk}/submit/"
    with time_machine.travel(BEFORE):
        client = client_for(cast.ngo_member)
        client.cookies["mo_language"] = "en"
        response = client.post(url, {"idempotency_key": "t48"})
        page = response.content.decode()
        assert response.status_code == 503
        assert "The bid was not submitted" in page
        assert 'name="idempotency_key" value="t48"' in page  # "Submit again" reuses the key
        assert "receipt" not in response.get("Location", "")

        # A new connection sees that nothing of the attempt was committed or queued.
        assert not BidSubmission.objects.exists()
        assert Bid.objects.get(pk=bid.pk).status == Bid.Status.DRAFT
        assert not GeneratedDocument.objects.exists()
        assert not Notification.objects.filter(event="bid_submitted").exists()
        assert not OutgoingEmail.objects.exists()

        monkeypatch.setattr(submission, "_after_submit", real_after_submit)
        monkeypatch.setattr(submission, "record", real_record)
        first = client.post(url, {"idempotency_key": "t48"})
        again = client.post(url, {"idempotency_key": "t48"})
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    only = BidSubmission.objects.get()
    assert str(only.pk) in first["Location"]
    assert GeneratedDocument.objects.filter(object_id=str(only.pk)).count() == 1
