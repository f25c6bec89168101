"""Admission services: each transition, out-of-order steps refused, audit and notices."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core import mail
from django.utils import translation

from audit.models import AuditEvent
from competitions.phases import Phase
from evaluation.exceptions import EvaluationError, OutOfOrder, ScoringNotReady
from evaluation.models import Admission, ClarificationRequest
from evaluation.services.admission import decide_admission, open_scoring
from evaluation.services.clarifications import answer_clarification, request_clarification
from notifications.models import Notification, OutgoingEmail
from tests.evaluation.conftest import AFTER, BEFORE

DAY = datetime.timedelta(days=1)


def test_admitting_a_bid_is_audited_and_the_members_are_told_after_commit(
    cast, secretary, submission, viewer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        admission = decide_admission(submission, decision="admitted", by=secretary)
    assert admission.decision == Admission.Decision.ADMITTED
    assert admission.decided_by == secretary and admission.decided_at == AFTER
    event = AuditEvent.objects.get(action="bid.admission_decided")
    assert event.after["decision"] == "admitted" and event.before["decision"] == "pending"
    # Everyone in the organisation hears it, viewers too; e-mails leave after commit.
    told = set(
        Notification.objects.filter(event="admission_decided").values_list("user", flat=True)
    )
    assert told == {cast.ngo_member.pk, viewer.pk}
    assert callbacks  # the outbox e-mails were queued on commit
    assert OutgoingEmail.objects.filter(to=cast.ngo_member.email).exists()
    assert len(mail.outbox) == 2


def test_not_admitting_needs_a_reason_from_the_list(cast, secretary, submission):
    with pytest.raises(EvaluationError):
        decide_admission(submission, decision="not_admitted", reason="", by=secretary)
    with pytest.raises(EvaluationError):
        decide_admission(submission, decision="not_admitted", reason="whim", by=secretary)
    admission = decide_admission(
        submission, decision="not_admitted", reason="budget", note="Сверх максимума", by=secretary
    )
    assert admission.reason == "budget" and admission.note == "Сверх максимума"


def test_the_database_refuses_not_admitted_without_a_reason(submission):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Admission.objects.create(submission=submission, decision="not_admitted", reason="")


def test_deciding_the_same_again_records_nothing(secretary, submission):
    decide_admission(submission, decision="admitted", by=secretary)
    decide_admission(submission, decision="admitted", by=secretary)
    assert AuditEvent.objects.filter(action="bid.admission_decided").count() == 1


def test_an_officer_decides_and_may_revise_during_admission(cast, submission):
    decide_admission(submission, decision="admitted", by=cast.officer_a_weak)
    admission = decide_admission(
        submission, decision="not_admitted", reason="documents", by=cast.officer_a
    )
    assert admission.decision == "not_admitted"
    assert AuditEvent.objects.filter(action="bid.admission_decided").count() == 2


@pytest.mark.parametrize("who", ["chair", "member", "officer_b", "ngo_member"])
def test_only_the_secretary_and_officers_decide(cast, chair, submission, who):
    from django.core.exceptions import PermissionDenied

    user = {
        "chair": chair,
        "member": cast.commission_member,
        "officer_b": cast.officer_b,
        "ngo_member": cast.ngo_member,
    }[who]
    with pytest.raises((EvaluationError, PermissionDenied)):
        decide_admission(submission, decision="admitted", by=user)
    assert not Admission.objects.exists()


def test_t20_deciding_before_the_deadline_is_out_of_order(secretary, submission):
    with time_machine.travel(BEFORE, tick=False), pytest.raises(OutOfOrder):
        decide_admission(submission, decision="admitted", by=secretary)
    assert not Admission.objects.exists()


def test_t20_a_withdrawn_submission_is_not_decided(secretary, submission):
    type(submission).objects.filter(pk=submission.pk).update(status="withdrawn")
    with pytest.raises(OutOfOrder):
        decide_admission(submission, decision="admitted", by=secretary)


def test_a_clarification_round_trip(
    cast, secretary, submission, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = request_clarification(
            submission, question="Где письмо партнёра?", due_at=AFTER + 3 * DAY, by=secretary
        )
    assert submission.admission.decision == "clarification"
    assert Notification.objects.filter(
        event="clarification_requested", user=cast.ngo_member
    ).exists()
    # One open request at a time (a service rule and a database constraint).
    with pytest.raises(OutOfOrder):
        request_clarification(submission, question="И ещё?", due_at=AFTER + 3 * DAY, by=secretary)
    content = dict(submission.content)
    with django_capture_on_commit_callbacks(execute=True):
        answered = answer_clarification(request, text="Письмо приложено.", by=cast.ngo_member)
    assert answered.answered_at == AFTER and answered.closed_at == AFTER
    assert Notification.objects.filter(event="clarification_answered", user=secretary).exists()
    submission.refresh_from_db()
    assert submission.content == content  # the frozen bid never changes
    assert list(
        AuditEvent.objects.filter(action__startswith="bid.clarification")
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["bid.clarification_requested", "bid.clarification_answered"]
    # After the answer, the decision is the municipality's again.
    decide_admission(submission, decision="admitted", by=secretary)


def test_the_due_date_is_at_least_a_day_ahead(secretary, submission):
    with pytest.raises(EvaluationError):
        request_clarification(submission, question="?", due_at=AFTER + DAY / 2, by=secretary)
    assert not ClarificationRequest.objects.exists()


def test_t20_answering_late_or_twice_is_out_of_order(cast, secretary, submission):
    request = request_clarification(submission, question="?", due_at=AFTER + DAY, by=secretary)
    with time_machine.travel(AFTER + DAY, tick=False), pytest.raises(OutOfOrder):
        answer_clarification(request, text="Поздно", by=cast.ngo_member)
    answer_clarification(request, text="Вовремя", by=cast.ngo_member)
    with pytest.raises(OutOfOrder):
        answer_clarification(request, text="Ещё раз", by=cast.ngo_member)


def test_a_viewer_of_the_organisation_cannot_answer(secretary, submission, viewer):
    request = request_clarification(submission, question="?", due_at=AFTER + DAY, by=secretary)
    with pytest.raises(EvaluationError):
        answer_clarification(request, text="…", by=viewer)


def test_deciding_while_a_request_is_open_closes_it(secretary, submission):
    request = request_clarification(submission, question="?", due_at=AFTER + DAY, by=secretary)
    decide_admission(submission, decision="not_admitted", reason="documents", by=secretary)
    request.refresh_from_db()
    assert request.closed_at == AFTER and request.answered_at is None


def test_scoring_opens_only_when_every_bid_is_decided(
    secretary, chair, call, submission, other_submission
):
    with translation.override("en"), pytest.raises(ScoringNotReady) as refused:
        open_scoring(call, by=secretary)
    assert "2 bids await an admission decision." in refused.value.problems
    decide_admission(submission, decision="admitted", by=secretary)
    request_clarification(other_submission, question="?", due_at=AFTER + DAY, by=secretary)
    with translation.override("en"), pytest.raises(ScoringNotReady) as refused:
        open_scoring(call, by=chair)
    assert refused.value.problems == ["1 clarification request is still open."]
    decide_admission(other_submission, decision="not_admitted", reason="scope", by=secretary)
    open_scoring(call, by=chair)  # the chair may open it
    call.refresh_from_db()
    assert call.stage == "scoring" and call.phase is Phase.SCORING
    event = AuditEvent.objects.get(action="call.scoring_opened")
    assert event.after == {"stage": "scoring", "admitted": 1}
    # T20: admission is over; nothing in it moves any more.
    with pytest.raises(OutOfOrder):
        decide_admission(submission, decision="not_admitted", reason="other", by=secretary)
    with pytest.raises(OutOfOrder):
        request_clarification(submission, question="?", due_at=AFTER + DAY, by=secretary)
    with pytest.raises(OutOfOrder):
        open_scoring(call, by=secretary)


def test_scoring_needs_an_admitted_bid(secretary, call, submission):
    decide_admission(submission, decision="not_admitted", reason="eligibility", by=secretary)
    with translation.override("en"), pytest.raises(ScoringNotReady) as refused:
        open_scoring(call, by=secretary)
    assert refused.value.problems == ["No bid is admitted: there is nothing to score."]


def test_a_commission_member_cannot_open_scoring(cast, secretary, call, submission):
    from django.core.exceptions import PermissionDenied

    decide_admission(submission, decision="admitted", by=secretary)
    with pytest.raises((EvaluationError, PermissionDenied)):
        open_scoring(call, by=cast.commission_member)
    call.refresh_from_db()
    assert call.stage == ""


def test_the_database_allows_one_open_clarification_per_submission(cast, submission):
    from django.db import IntegrityError, transaction

    def ask():
        return ClarificationRequest.objects.create(
            submission=submission, question="?", asked_at=AFTER, due_at=AFTER + DAY
        )

    first = ask()
    with pytest.raises(IntegrityError), transaction.atomic():
        ask()
    ClarificationRequest.objects.filter(pk=first.pk).update(closed_at=AFTER)
    ask()  # a second round once the first is closed
