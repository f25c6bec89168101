"""T12 (access lost at once), T26 (file integrity), T32 (CSRF), T49 (database constraints)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.test import Client

from applications.models import BidSubmission, BudgetLine
from applications.services.submission import submit_bid
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
    first = submit_bid(bid, idempotency_key="k", by=cast.ngo_member)
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


def test_t26_a_changed_byte_in_a_stored_file_is_found(cast, english, bid):
    from django.core.management import CommandError, call_command

    from audit.models import AuditEvent

    call_command("verify_documents", stdout=io.StringIO())
    tampered, intact = bid.documents.order_by("requirement")
    path = Path(tampered.file.path)
    original = path.read_bytes()
    path.write_bytes(original[:10] + bytes([original[10] ^ 0xFF]) + original[11:])
    with pytest.raises(CommandError, match=str(tampered.pk)):
        call_command("verify_documents", stdout=io.StringIO())
    tampered.refresh_from_db()
    intact.refresh_from_db()
    assert tampered.integrity_error_at is not None
    assert intact.integrity_error_at is None
    assert AuditEvent.objects.filter(action="bid.document_integrity_failed").count() == 1
    with time_machine.travel(BEFORE, tick=False):
        client = english(cast.ngo_member)
        assert "integrity error" in client.get(f"/bids/{bid.pk}/").content.decode()
    # Restored from backup: the mark goes, and that is recorded too.
    path.write_bytes(original)
    call_command("verify_documents", stdout=io.StringIO())
    tampered.refresh_from_db()
    assert tampered.integrity_error_at is None
    assert AuditEvent.objects.filter(action="bid.document_integrity_restored").count() == 1


@time_machine.travel(BEFORE, tick=False)
def test_t12_a_removed_member_or_a_disabled_account_loses_access_at_once(cast, client_for, bid):
    from applications.models import OrganizationMember

    client = client_for(cast.ngo_member)
    url = f"/bids/{bid.pk}/"
    assert client.get(url).status_code == 200
    OrganizationMember.objects.filter(user=cast.ngo_member).delete()
    assert client.get(url).status_code == 404  # the very next request
    OrganizationMember.objects.create(
        user=cast.ngo_member, organization=cast.organization, role="editor"
    )
    assert client.get(url).status_code == 200
    cast.ngo_member.is_active = False
    cast.ngo_member.save()
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
