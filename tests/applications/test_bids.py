"""Bid services: reliability scenarios T13, T14, T21, T22, T42, T44 (shared/reliability.md)."""

from __future__ import annotations

import datetime
import threading
from decimal import Decimal

import pytest
import time_machine
from django.db import close_old_connections, connection

from applications.budget import totals
from applications.exceptions import (
    AlreadySubmitted,
    BidIncomplete,
    EditConflict,
    NotEligible,
    SubmissionClosed,
)
from applications.models import Bid, BidSubmission
from applications.services.drafting import save_bid, start_bid
from applications.services.organizations import set_verification
from applications.services.reminders import remind_unsubmitted
from applications.services.submission import content_hash, submit_bid, withdraw_bid
from audit.models import AuditEvent
from competitions.models import Competition
from tests.applications.conftest import BEFORE, DEADLINE, LINES


def submit(bid, user, key="key-1"):
    return submit_bid(bid, idempotency_key=key, by=user)


@pytest.mark.django_db
def test_totals_are_computed_on_the_server(bid):
    sums = totals(bid.budget_lines.all())
    assert sums["total"] == Decimal("375000.00")
    assert sums["own"] == Decimal("40000.00")
    assert sums["requested"] == Decimal("325000.00")
    assert sums["own_pct"] == Decimal("10.7")


@pytest.mark.django_db
def test_a_submission_freezes_content_with_its_hash(cast, bid):
    with time_machine.travel(BEFORE, tick=False):
        submission = submit(bid, cast.ngo_member)
    bid.refresh_from_db()
    assert bid.status == Bid.Status.SUBMITTED
    assert submission.receipt_number == f"{bid.competition_id}-0001"
    assert submission.submitted_at == BEFORE
    assert submission.content["title"] == "Дневной центр «Күн нуру»"
    assert submission.content_sha256 == content_hash(submission.content)
    assert submission.requested_total == Decimal("325000.00")
    assert AuditEvent.objects.filter(action="bid.submitted").count() == 1


# T13 and T14: the deadline is exact, on the server's clock.
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("offset", "accepted"),
    [
        (datetime.timedelta(seconds=-1), True),
        (datetime.timedelta(milliseconds=-1), True),
        (datetime.timedelta(0), False),
        (datetime.timedelta(milliseconds=1), False),
        (datetime.timedelta(seconds=1), False),
    ],
)
def test_the_deadline_boundary(cast, bid, offset, accepted):
    with time_machine.travel(DEADLINE + offset, tick=False):
        if accepted:
            submit(bid, cast.ngo_member)
        else:
            with pytest.raises(SubmissionClosed) as info:
                submit(bid, cast.ngo_member)
            assert "31.12.2026 18:00" in str(info.value)
    bid.refresh_from_db()
    assert bid.status == (Bid.Status.SUBMITTED if accepted else Bid.Status.DRAFT)
    assert BidSubmission.objects.count() == (1 if accepted else 0)


@pytest.mark.django_db
def test_a_late_submission_is_recorded_and_the_draft_kept(cast, bid):
    with (
        time_machine.travel(DEADLINE + datetime.timedelta(seconds=1), tick=False),
        pytest.raises(SubmissionClosed) as info,
    ):
        submit(bid, cast.ngo_member)
    assert "18:00:01" in str(info.value)
    bid.refresh_from_db()
    assert bid.title == "Дневной центр «Күн нуру»"
    assert AuditEvent.objects.filter(action="bid.late_submit_rejected").count() == 1


# T42: a double click or a retry returns the same receipt.
@pytest.mark.django_db
def test_the_same_idempotency_key_returns_the_same_receipt(cast, bid):
    with time_machine.travel(BEFORE, tick=False):
        first = submit(bid, cast.ngo_member, key="same")
    with time_machine.travel(BEFORE + datetime.timedelta(seconds=30), tick=False):
        again = submit(bid, cast.ngo_member, key="same")
    assert again.pk == first.pk
    assert again.receipt_number == first.receipt_number
    assert BidSubmission.objects.count() == 1


@pytest.mark.django_db
def test_a_second_key_for_a_submitted_bid_is_refused(cast, bid):
    with time_machine.travel(BEFORE, tick=False):
        submit(bid, cast.ngo_member, key="a")
        with pytest.raises(AlreadySubmitted):
            submit(bid, cast.ngo_member, key="b")
    assert BidSubmission.objects.count() == 1


# T21: withdraw and resubmit before the deadline; nothing after it.
@pytest.mark.django_db
def test_withdraw_and_resubmit_before_the_deadline_only(cast, bid):
    with time_machine.travel(DEADLINE - datetime.timedelta(hours=2), tick=False):
        first = submit(bid, cast.ngo_member, key="a")
    with time_machine.travel(DEADLINE - datetime.timedelta(hours=1), tick=False):
        withdraw_bid(bid, by=cast.ngo_member)
        bid.refresh_from_db()
        assert bid.status == Bid.Status.DRAFT
        second = submit(bid, cast.ngo_member, key="b")
    first.refresh_from_db()
    assert first.status == BidSubmission.Status.WITHDRAWN
    assert BidSubmission.objects.filter(status="active").get() == second
    assert second.receipt_number != first.receipt_number
    with (
        time_machine.travel(DEADLINE + datetime.timedelta(seconds=1), tick=False),
        pytest.raises(SubmissionClosed),
    ):
        withdraw_bid(bid, by=cast.ngo_member)
    assert BidSubmission.objects.count() == 2


# T44: two editors of one draft: the second save is a conflict, not an overwrite.
@pytest.mark.django_db
def test_a_stale_save_is_a_conflict(cast, bid):
    loaded_version = bid.version
    with time_machine.travel(BEFORE, tick=False):
        save_bid(
            bid,
            data={"title": "Первый редактор"},
            budget_lines=LINES,
            expected_version=loaded_version,
            by=cast.ngo_member,
        )
        with pytest.raises(EditConflict) as info:
            save_bid(
                bid,
                data={"title": "Второй редактор"},
                budget_lines=LINES,
                expected_version=loaded_version,
                by=cast.ngo_member,
            )
    assert cast.ngo_member.full_name in str(info.value)
    bid.refresh_from_db()
    assert bid.title == "Первый редактор"
    assert bid.version == loaded_version + 1


@pytest.mark.django_db
def test_after_the_deadline_the_bid_is_read_only(cast, bid):
    with (
        time_machine.travel(DEADLINE + datetime.timedelta(minutes=1), tick=False),
        pytest.raises(SubmissionClosed),
    ):
        save_bid(
            bid,
            data={"title": "x"},
            budget_lines=LINES,
            expected_version=bid.version,
            by=cast.ngo_member,
        )


@pytest.mark.django_db
def test_an_incomplete_bid_names_what_is_missing(cast, bid):
    with time_machine.travel(BEFORE, tick=False):
        save_bid(
            bid,
            data={"summary": ""},
            budget_lines=[{**LINES[0], "own_contribution": Decimal("0")}],
            expected_version=bid.version,
            by=cast.ngo_member,
        )
        bid.refresh_from_db()
        with pytest.raises(BidIncomplete) as info:
            submit(bid, cast.ngo_member)
    assert len(info.value.missing) == 2  # the summary and the co-financing share


@pytest.mark.django_db
def test_the_maximum_per_bid_is_enforced(cast, bid):
    Competition.objects.filter(pk=bid.competition_id).update(max_per_bid=Decimal("300000"))
    with time_machine.travel(BEFORE, tick=False), pytest.raises(BidIncomplete):
        submit(bid, cast.ngo_member)


@pytest.mark.django_db
def test_eligibility(cast, call):
    with time_machine.travel(BEFORE, tick=False):
        with pytest.raises(NotEligible):  # not verified yet
            start_bid(call, cast.organization, by=cast.ngo_member)
        set_verification(cast.organization, verified=True, note="", by=cast.officer_a)
        cast.organization.refresh_from_db()
        cast.organization.legal_form = "entrepreneur"
        with pytest.raises(NotEligible):
            start_bid(call, cast.organization, by=cast.ngo_member)


@pytest.mark.django_db
def test_one_bid_per_organization_and_call(cast, bid):
    with time_machine.travel(BEFORE, tick=False):
        again = start_bid(bid.competition, cast.organization, by=cast.ngo_member)
    assert again.pk == bid.pk
    assert Bid.objects.count() == 1


# T22: two tabs submit at once with different keys: exactly one submission.
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real row locks")
@pytest.mark.django_db(transaction=True)
def test_two_tabs_submitting_at_once_make_one_submission(cast, bid):
    outcomes = []
    barrier = threading.Barrier(2)

    def tab(key):
        try:
            barrier.wait()
            with time_machine.travel(BEFORE, tick=False):
                submit(bid, cast.ngo_member, key=key)
            outcomes.append("submitted")
        except AlreadySubmitted:
            outcomes.append("already")
        finally:
            close_old_connections()

    threads = [threading.Thread(target=tab, args=(k,)) for k in ("tab-1", "tab-2")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes) == ["already", "submitted"]
    assert BidSubmission.objects.filter(status="active").count() == 1


@pytest.mark.django_db
def test_the_receipt_pdf_carries_the_hash_of_the_stored_content(
    cast, bid, django_capture_on_commit_callbacks
):
    from django.core import mail

    from documents.models import GeneratedDocument
    from tests.documents.conftest import pdf_text

    with (
        time_machine.travel(BEFORE, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        submission = submit(bid, cast.ngo_member)
    doc = GeneratedDocument.objects.get(kind="bid-receipt")
    assert doc.status == "ready"
    assert doc.language == cast.ngo_member.language == "ky"
    text = pdf_text(doc.file.read()).replace("\n", "")
    assert content_hash(submission.content) == submission.content_sha256
    assert submission.content_sha256 in text
    assert submission.receipt_number in text
    # The organisation's editors get the receipt number by e-mail, in their language.
    receipt_mails = [m for m in mail.outbox if submission.receipt_number in m.subject]
    assert [m.to for m in receipt_mails] == [[cast.ngo_member.email]]


@pytest.mark.django_db
def test_withdrawing_tells_the_editors(cast, bid):
    from notifications.models import Notification

    with time_machine.travel(BEFORE, tick=False):
        submit(bid, cast.ngo_member)
        withdraw_bid(bid, by=cast.ngo_member)
    notice = Notification.objects.get(user=cast.ngo_member, event="bid_withdrawn")
    assert notice.url == f"/bids/{bid.pk}/"


@pytest.mark.django_db
def test_a_draft_is_reminded_once_48_hours_before_the_deadline(cast, bid):
    from notifications.models import Notification

    reminders = Notification.objects.filter(event="bid_deadline_reminder")
    assert remind_unsubmitted(now=DEADLINE - datetime.timedelta(hours=49)) == 0
    assert remind_unsubmitted(now=DEADLINE - datetime.timedelta(hours=47)) == 1
    assert remind_unsubmitted(now=DEADLINE - datetime.timedelta(hours=1)) == 0
    assert list(reminders.values_list("user__email", flat=True)) == [cast.ngo_member.email]
    # After the deadline, or once submitted, nobody is reminded.
    assert remind_unsubmitted(now=DEADLINE + datetime.timedelta(seconds=1)) == 0


@pytest.mark.django_db
def test_a_submitted_bid_gets_no_reminder(cast, bid):
    with time_machine.travel(BEFORE, tick=False):
        submit(bid, cast.ngo_member)
    assert remind_unsubmitted(now=DEADLINE - datetime.timedelta(hours=2)) == 0
