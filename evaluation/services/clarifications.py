"""Clarification requests: the municipality asks, the applicant answers before the
request's own deadline with text and files. The answer is kept beside the frozen bid
and never changes it."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from applications.models import BidSubmission, OrganizationMember
from applications.permissions import WRITE_ROLES
from audit.services import record
from evaluation.exceptions import EvaluationError, OutOfOrder
from evaluation.models import Admission, ClarificationFile, ClarificationRequest
from evaluation.selectors import members_of_organization
from evaluation.services.admission import (
    active_submission,
    bid_url,
    check_may_decide,
    lock_call_in_admission,
)
from evaluation.services.files import discard, store_checked
from municipal_order.lib.actors import By, acting_user
from municipal_order.lib.clock import deciding_now
from notifications.services import notify

# At least this long to answer, counted from the moment of asking.
MIN_ANSWER_TIME = datetime.timedelta(days=1)


def request_clarification(
    submission: BidSubmission, *, question: str, due_at: datetime.datetime, by: By
) -> ClarificationRequest:
    """Ask the applicant a question about the bid, to answer before `due_at`."""
    question = question.strip()
    if not question:
        raise EvaluationError(_("Write the question."))
    with transaction.atomic():
        call, now = lock_call_in_admission(submission.bid.competition_id)
        check_may_decide(call, by)
        if due_at < now + MIN_ANSWER_TIME:
            raise EvaluationError(_("Give the applicant at least one day to answer."))
        submission = active_submission(submission)
        if ClarificationRequest.objects.filter(
            submission=submission, closed_at__isnull=True
        ).exists():
            raise OutOfOrder(_("A clarification request on this bid is already open."))
        admission, _created = Admission.objects.get_or_create(submission=submission)
        before = {"decision": admission.decision}
        admission.decision = Admission.Decision.CLARIFICATION
        admission.save(update_fields=["decision"])
        clarification = ClarificationRequest.objects.create(
            submission=submission,
            question=question,
            due_at=due_at,
            asked_by=acting_user(by),
            asked_at=now,
        )
        record(
            "bid.clarification_requested",
            submission.bid,
            by=by,
            before=before,
            after={
                "decision": admission.decision,
                "receipt": submission.receipt_number,
                "question": question,
                "due_at": due_at,
            },
        )
        notify(
            members_of_organization(submission.bid.organization_id),
            "clarification_requested",
            {"call": call, "submission": submission, "clarification": clarification},
            url=bid_url(submission),
        )
    return clarification


def _check_answerer(clarification: ClarificationRequest, by: By) -> None:
    user = acting_user(by)
    organization = clarification.submission.bid.organization_id
    if (
        user is None
        or not OrganizationMember.objects.filter(
            user=user, organization=organization, role__in=WRITE_ROLES
        ).exists()
    ):
        raise EvaluationError(_("Only an editor or administrator of the organisation answers."))


def _refuse_if_closed(clarification: ClarificationRequest, now: datetime.datetime) -> None:
    if clarification.closed_at is not None:
        raise OutOfOrder(_("This clarification request is closed: it was answered or decided."))
    if now >= clarification.due_at:
        raise OutOfOrder(_("The time to answer this clarification request is over."))


def answer_clarification(
    clarification: ClarificationRequest, *, text: str, files: Sequence[Any] = (), by: By
) -> ClarificationRequest:
    """The applicant's answer, with files checked by content (nothing stored if refused)."""
    text = text.strip()
    if not text:
        raise EvaluationError(_("Write the answer."))
    _check_answerer(clarification, by)
    # Refused early, before reading megabytes; checked again under the lock below.
    _refuse_if_closed(clarification, deciding_now())
    stored = store_checked(
        files, lambda **facts: ClarificationFile(request=clarification, **facts), stem="answer"
    )
    try:
        with transaction.atomic():
            call, now = lock_call_in_admission(clarification.submission.bid.competition_id)
            clarification = ClarificationRequest.objects.select_for_update().get(
                pk=clarification.pk
            )
            _refuse_if_closed(clarification, now)
            clarification.answer = text
            clarification.answered_by = acting_user(by)
            clarification.answered_at = now
            clarification.closed_at = now
            clarification.save(update_fields=["answer", "answered_by", "answered_at", "closed_at"])
            for row in stored:
                row.save()
            submission = clarification.submission
            record(
                "bid.clarification_answered",
                submission.bid,
                by=by,
                after={
                    "receipt": submission.receipt_number,
                    "answer": text,
                    "files": [{"name": r.name, "sha256": r.sha256} for r in stored],
                },
            )
            if clarification.asked_by is not None:
                notify(
                    [clarification.asked_by],
                    "clarification_answered",
                    {"call": call, "submission": submission, "clarification": clarification},
                    url=reverse("evaluation:admission", args=[call.municipality.code, call.pk]),
                )
    except BaseException:
        discard(stored)
        raise
    return clarification
