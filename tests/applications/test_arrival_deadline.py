"""Security item 6: a bid is judged by when it reached the portal, and the database
refuses a submission received at or after the deadline (T13, T14, T49, T50)."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import DatabaseError, IntegrityError, transaction
from django.test import RequestFactory, override_settings

from applications.models import BidSubmission
from applications.services.submission import submit_bid
from municipal_order.lib.clock import MAX_QUEUEING, RequestArrivalMiddleware, arrival_time
from tests.applications.conftest import DEADLINE

pytestmark = pytest.mark.django_db

SECOND = datetime.timedelta(seconds=1)


def test_a_bid_that_arrived_before_the_deadline_is_on_time_when_handled_after_it(cast, bid):
    # Arrived 1 s before the deadline; a busy server got to it 2 s later.
    with time_machine.travel(DEADLINE + SECOND, tick=False):
        submission = submit_bid(
            bid, idempotency_key="storm", by=cast.ngo_member, received_at=DEADLINE - SECOND
        )
    assert submission.submitted_at == DEADLINE - SECOND


def test_the_view_judges_by_the_arrival_noted_by_the_first_middleware(
    cast, bid, client_for, monkeypatch
):
    from types import SimpleNamespace

    from municipal_order.lib import clock

    with time_machine.travel(DEADLINE - 60 * SECOND, tick=False):
        client = client_for(cast.ngo_member)
    # The request arrives at 17:59:59 Bishkek time; the view runs at 18:00:01.
    times = iter([0.0, 2.0])
    start = DEADLINE.timestamp() - 1
    fake = SimpleNamespace(time=lambda: start + next(times, 2.0))
    monkeypatch.setattr(clock, "time", fake)
    with time_machine.travel(DEADLINE + SECOND, tick=False):
        response = client.post(f"/bids/{bid.pk}/submit/", {"idempotency_key": "storm-view"})
    assert response.status_code == 302, response
    assert "/receipts/" in response["Location"], response["Location"]
    assert BidSubmission.objects.get().submitted_at == DEADLINE - SECOND


def test_arrival_without_the_middleware_is_now():
    request = RequestFactory().get("/")
    with time_machine.travel(DEADLINE, tick=False):
        assert arrival_time(request) == DEADLINE


@override_settings(BEHIND_PROXY=True)
def test_behind_the_proxy_its_request_start_counts_but_never_more_than_a_minute():
    import time

    def arrive(header: str):
        request = RequestFactory().get("/", HTTP_X_REQUEST_START=header)
        RequestArrivalMiddleware(lambda r: None)(request)
        return request

    with time_machine.travel(DEADLINE, tick=False):
        queued = arrive(f"t={time.time() - 3:.3f}")
        assert abs(arrival_time(queued) - (DEADLINE - 3 * SECOND)) < SECOND / 10
        forged = arrive("t=0")  # 1970: bounded, not trusted
        assert arrival_time(forged) >= DEADLINE - MAX_QUEUEING - SECOND / 10
        garbage = arrive("t=soon")
        assert abs(arrival_time(garbage) - DEADLINE) < SECOND / 10


@override_settings(BEHIND_PROXY=False)
def test_without_a_proxy_the_header_is_ignored():
    request = RequestFactory().get("/", HTTP_X_REQUEST_START="t=0")
    with time_machine.travel(DEADLINE, tick=False):
        RequestArrivalMiddleware(lambda r: None)(request)
        assert abs(arrival_time(request) - DEADLINE) < SECOND / 10


def test_the_database_refuses_a_submission_received_at_the_deadline(cast, bid):
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        BidSubmission.objects.create(
            bid=bid,
            receipt_number="late-1",
            idempotency_key="late",
            submitted_at=DEADLINE,
            submitted_by=cast.ngo_member,
            content={},
            content_sha256="0" * 64,
            requested_total=0,
        )
    assert not BidSubmission.objects.exists()


def test_the_database_accepts_one_a_millisecond_before(cast, bid):
    BidSubmission.objects.create(
        bid=bid,
        receipt_number="on-time-1",
        idempotency_key="on-time",
        submitted_at=DEADLINE - datetime.timedelta(milliseconds=1),
        submitted_by=cast.ngo_member,
        content={},
        content_sha256="0" * 64,
        requested_total=0,
    )
