"""T55: the database's clock judges deadlines, whatever a web server's clock says."""

from __future__ import annotations

import datetime
import logging

import pytest
import time_machine
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from applications.models import Bid
from applications.services.drafting import start_bid
from applications.services.organizations import set_verification
from applications.services.submission import submit_bid
from competitions.models import Competition
from municipal_order.lib.clock import deciding_now
from tests.competitions.conftest import make_call

pytestmark = pytest.mark.django_db


def test_the_application_clock_is_used_where_the_database_has_none_worth_trusting():
    moment = datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC)
    with time_machine.travel(moment, tick=False), override_settings(PORTAL_CLOCK="application"):
        assert deciding_now() == moment


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's clock")
def test_t55_a_server_two_minutes_fast_still_accepts_a_bid_in_time(cast, caplog):
    from tests.applications.conftest import fill_bid

    call = make_call(cast, status="published")
    real_now = timezone.now()
    Competition.objects.filter(pk=call.pk).update(
        opens_at=real_now - datetime.timedelta(days=1),
        closes_at=real_now + datetime.timedelta(seconds=60),
        implementation_start=datetime.date(2027, 2, 1),
        implementation_end=datetime.date(2027, 11, 30),
    )
    call.refresh_from_db()
    set_verification(cast.organization, verified=True, note="", by=cast.officer_a)
    cast.organization.refresh_from_db()
    bid = start_bid(call, cast.organization, by=cast.ngo_member)
    fill_bid(bid, cast)
    # This server's clock runs 2 minutes fast: by itself it would say "too late".
    with (
        override_settings(PORTAL_CLOCK="database"),
        time_machine.travel(datetime.timedelta(minutes=2)),
        caplog.at_level(logging.WARNING, logger="portal.clock"),
    ):
        assert not call.accepts_bids()
        submission = submit_bid(bid, idempotency_key="k", by=cast.ngo_member)
    assert Bid.objects.get(pk=bid.pk).status == Bid.Status.SUBMITTED
    assert submission.submitted_at < call.closes_at
    assert any("clock_skew" in r.getMessage() for r in caplog.records)
