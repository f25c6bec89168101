"""T32 (CSRF and method safety) and T49 (the database refuses what the ORM would)."""

from __future__ import annotations

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.test import Client

from applications import bids
from applications.models import BidSubmission, BudgetLine
from tests.applications.conftest import BEFORE

pytestmark = pytest.mark.django_db


@time_machine.travel(BEFORE, tick=False)
def test_t32_posts_without_a_valid_csrf_token_are_refused(cast, bid):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.ngo_member)
    submit = f"/bids/{bid.pk}/submit/"
    assert client.post(submit, {"idempotency_key": "k"}).status_code == 403
    forged = {"idempotency_key": "k", "csrfmiddlewaretoken": "x" * 64}
    assert client.post(submit, forged).status_code == 403
    step = f"/bids/{bid.pk}/edit/project/"
    assert client.post(step, {"version": bid.version, "title": "x"}).status_code == 403
    assert not BidSubmission.objects.exists()
    bid.refresh_from_db()
    assert bid.title != "x"


@time_machine.travel(BEFORE, tick=False)
def test_t49_a_second_active_submission_is_refused_by_the_database(cast, bid):
    first = bids.submit_bid(bid, idempotency_key="k", by=cast.ngo_member)
    with pytest.raises(IntegrityError), transaction.atomic():
        BidSubmission.objects.create(
            bid=bid,
            receipt_number="forged-2",
            idempotency_key="other",
            submitted_at=first.submitted_at,
            submitted_by=cast.ngo_member,
            content={},
            content_sha256="0" * 64,
            requested_total=0,
        )


def test_t49_negative_amounts_are_refused_by_the_database(bid):
    line = bid.budget_lines.first()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {BudgetLine._meta.db_table} SET unit_cost = -1 WHERE id = %s", [line.pk]
        )


def test_t49_a_call_with_bids_cannot_be_deleted(bid):
    with pytest.raises(ProtectedError):
        bid.competition.delete()
