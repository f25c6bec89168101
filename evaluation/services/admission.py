"""Admission: each submitted bid admitted or not (a reason from the list), or asked
to clarify, while the call is in admission (past the deadline, scoring not opened).

The call row is the serialisation point of evaluation: every service here locks it
first (`lock_call_in_admission`), so a decision and the opening of scoring never
cross. Out-of-order steps raise `OutOfOrder` (the views answer 409, T20).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from applications.models import BidSubmission
from audit.services import record
from competitions.exceptions import TransitionNotAllowed
from competitions.models import Competition
from evaluation.exceptions import EvaluationError, OutOfOrder, ScoringNotReady
from evaluation.models import Admission, ClarificationRequest
from evaluation.permissions import admission_access
from evaluation.selectors import members_of_organization, scoring_problems
from municipal_order.lib.actors import By, acting_user
from municipal_order.lib.clock import deciding_now
from notifications.services import notify

Decision = Admission.Decision


def lock_call_in_admission(call_id: int) -> tuple[Competition, datetime.datetime]:
    """Lock the call and check it is in admission on the deciding clock."""
    call = Competition.objects.select_for_update().select_related("municipality").get(pk=call_id)
    now = deciding_now()
    if not call.phase_at(now).in_admission:
        raise OutOfOrder(
            _("Admission is open only after the deadline and until scoring opens (now: %(p)s).")
            % {"p": call.phase_at(now).label}
        )
    return call, now


def check_may_decide(call: Competition, by: By) -> None:
    access = admission_access(acting_user(by), call) if acting_user(by) else None
    if access is None or not access.decide:
        raise EvaluationError(_("Only the commission's secretary or an officer decides admission."))


def active_submission(submission: BidSubmission) -> BidSubmission:
    """The submission again, with its bid; refused if it was withdrawn."""
    fresh = BidSubmission.objects.select_related("bid__organization").get(pk=submission.pk)
    if fresh.status != BidSubmission.Status.ACTIVE:
        raise OutOfOrder(_("This submission was withdrawn: it is not evaluated."))
    return fresh


def bid_url(submission: BidSubmission) -> str:
    return reverse("applications:bid_detail", args=[submission.bid_id])


def _snapshot(admission: Admission) -> dict[str, Any]:
    return {"decision": admission.decision, "reason": admission.reason, "note": admission.note}


def decide_admission(
    submission: BidSubmission, *, decision: str, reason: str = "", note: str = "", by: By
) -> Admission:
    """Admit the bid, or not admit it with a reason from the list (and an explanation).

    A decision taken while a clarification is open closes the request: the
    municipality decided without waiting for the answer. Deciding the same again
    changes nothing and records nothing.
    """
    if decision not in Admission.FINAL:
        raise EvaluationError(_("Choose whether the bid is admitted."))
    if decision == Decision.NOT_ADMITTED and reason not in Admission.Reason.values:
        raise EvaluationError(_("Choose the reason the bid is not admitted."))
    note = note.strip()
    with transaction.atomic():
        call, now = lock_call_in_admission(submission.bid.competition_id)
        check_may_decide(call, by)
        submission = active_submission(submission)
        admission, _created = Admission.objects.get_or_create(submission=submission)
        before = _snapshot(admission)
        admission.decide(decision, reason=reason, note=note, user=acting_user(by), now=now)
        if _snapshot(admission) == before:
            return admission
        admission.save()
        closed = ClarificationRequest.objects.filter(
            submission=submission, closed_at__isnull=True
        ).update(closed_at=now)
        record(
            "bid.admission_decided",
            submission.bid,
            by=by,
            before=before,
            after={
                **_snapshot(admission),
                "receipt": submission.receipt_number,
                "clarification_closed": bool(closed),
            },
        )
        notify(
            members_of_organization(submission.bid.organization_id),
            "admission_decided",
            {"call": call, "submission": submission, "admission": admission},
            url=bid_url(submission),
        )
    return admission


def open_scoring(call: Competition, *, by: By) -> Competition:
    """Close admission: allowed once every submitted bid has a final decision and no
    clarification is open. Decisions are frozen from here on."""
    with transaction.atomic():
        call, now = lock_call_in_admission(call.pk)
        user = acting_user(by)
        access = admission_access(user, call) if user else None
        if access is None or not access.open_scoring:
            raise EvaluationError(
                _("Only the secretary, the chair or an officer opens the scoring.")
            )
        problems = scoring_problems(call)
        if problems:
            raise ScoringNotReady(problems)
        try:
            call.start_scoring(now)
        except TransitionNotAllowed as exc:
            raise OutOfOrder(str(exc)) from exc
        call.save(update_fields=["stage", "updated_at"])
        admitted = Admission.objects.filter(
            submission__bid__competition=call,
            submission__status=BidSubmission.Status.ACTIVE,
            decision=Decision.ADMITTED,
        ).count()
        record(
            "call.scoring_opened",
            call,
            by=by,
            before={"stage": ""},
            after={"stage": call.stage, "admitted": admitted},
        )
    return call
