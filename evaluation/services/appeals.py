"""Appeals and the call's finality.

During the appeal window an editor of an applicant organisation files an appeal on a
scored bid (text, files). The chair or the secretary decides it with reasons: dismissed,
or upheld — the members' sheets on that bid reopen, they score it again, and the chair
publishes the corrected results (a new edition; every row that changed gets a public
`ResultChange` naming the appeal's reasons). The call becomes final when the window is
over and no appeal is open: on the last decision or republication after the window,
or by the periodic job (`finalize_due_calls`), whichever comes first.

Like every evaluation service these lock the call row first.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from applications.models import BidSubmission, OrganizationMember
from applications.permissions import WRITE_ROLES
from audit.services import record
from competitions.models import CommissionMember, Competition
from competitions.phases import Phase
from evaluation.exceptions import EvaluationError, OutOfOrder
from evaluation.models import (
    Appeal,
    AppealFile,
    BidResult,
    CallEvaluation,
    ResultChange,
    ScoreSheet,
)
from evaluation.selectors import members_of_organization, recusals_of
from evaluation.services.declarations import lock_call
from evaluation.services.files import discard, store_checked
from evaluation.services.results import _apply, _require, publish_documents
from municipal_order.lib.actors import Actor, By, acting_user
from municipal_order.lib.clock import deciding_now
from notifications.services import notify

Role = CommissionMember.Role
Status = Appeal.Status


class RescoringIncomplete(EvaluationError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _check_editor(submission: BidSubmission, by: By) -> None:
    user = acting_user(by)
    if (
        user is None
        or not OrganizationMember.objects.filter(
            user=user, organization=submission.bid.organization_id, role__in=WRITE_ROLES
        ).exists()
    ):
        raise EvaluationError(_("Only an editor or administrator of the organisation appeals."))


def _window_open(call: Competition, now: datetime.datetime) -> None:
    if not call.appeal_window_open(now):
        raise OutOfOrder(_("Appeals are filed while the appeal window is open."))


def leads_of(call: Competition) -> list[Any]:
    return [
        s.user
        for s in CommissionMember.objects.filter(
            competition=call, role__in=[Role.CHAIR, Role.SECRETARY]
        ).select_related("user")
    ]


def file_appeal(
    submission: BidSubmission, *, text: str, files: Sequence[Any] = (), by: By
) -> Appeal:
    """The applicant's appeal on its scored bid, with files checked by content."""
    text = text.strip()
    if not text:
        raise EvaluationError(_("Write what you disagree with and why."))
    submission = BidSubmission.objects.select_related("bid__competition").get(pk=submission.pk)
    _check_editor(submission, by)
    _window_open(submission.bid.competition, deciding_now())  # before reading megabytes
    stored = store_checked(files, lambda **facts: AppealFile(**facts), stem="appeal")
    try:
        with transaction.atomic():
            call, now = lock_call(submission.bid.competition_id)
            _window_open(call, now)
            if not BidResult.objects.filter(
                submission=submission, submission__status=BidSubmission.Status.ACTIVE
            ).exists():
                raise EvaluationError(_("Only a bid the commission scored can be appealed here."))
            if Appeal.objects.filter(submission=submission, status=Status.PENDING).exists():
                raise OutOfOrder(_("An appeal on this bid is already being considered."))
            appeal = Appeal.objects.create(
                submission=submission, text=text, filed_by=acting_user(by), filed_at=now
            )
            for row in stored:
                row.appeal = appeal
                row.save()
            record(
                "bid.appeal_filed",
                submission.bid,
                by=by,
                after={
                    "receipt": submission.receipt_number,
                    "text": text,
                    "files": [{"name": r.name, "sha256": r.sha256} for r in stored],
                },
            )
            notify(
                leads_of(call),
                "appeal_filed",
                {"call": call, "submission": submission, "appeal": appeal},
                url=reverse("evaluation:deliberation", args=[call.pk]) + "#appeals",
            )
    except BaseException:
        discard(stored)
        raise
    return appeal


def decide_appeal(appeal: Appeal, *, uphold: bool, reasons: str, by: By) -> Appeal:
    """Uphold (the bid's sheets reopen for scoring again) or dismiss, with reasons."""
    reasons = reasons.strip()
    if not reasons:
        raise EvaluationError(_("Give the reasons of the decision: they are published."))
    with transaction.atomic():
        call, now = lock_call(appeal.submission.bid.competition_id)
        _require(
            call, by, {Role.CHAIR, Role.SECRETARY}, _("The chair or the secretary decides appeals.")
        )
        if call.phase_at(now) is not Phase.RESULTS:
            raise OutOfOrder(_("Appeals are decided while the results are published."))
        appeal = (
            Appeal.objects.select_for_update().select_related("submission__bid").get(pk=appeal.pk)
        )
        if appeal.status != Status.PENDING:
            raise OutOfOrder(_("This appeal is already decided."))
        appeal.status = Status.UPHELD if uphold else Status.DISMISSED
        appeal.reasons = reasons
        appeal.decided_by = acting_user(by)
        appeal.decided_at = now
        appeal.save(update_fields=["status", "reasons", "decided_by", "decided_at"])
        submission = appeal.submission
        reopened = []
        if uphold:
            reopened = _reopen_sheets(call, submission, now)
        record(
            "bid.appeal_decided",
            submission.bid,
            by=by,
            after={
                "receipt": submission.receipt_number,
                "outcome": appeal.status,
                "reasons": reasons,
                "sheets_reopened": [s.seat_id for s in reopened],
            },
        )
        notify(
            members_of_organization(submission.bid.organization_id),
            "appeal_decided",
            {"call": call, "submission": submission, "appeal": appeal},
            url=reverse("applications:bid_detail", args=[submission.bid_id]),
        )
        if reopened:
            notify(
                [s.seat.user for s in reopened],
                "rescoring_requested",
                {"call": call, "submission": submission, "appeal": appeal},
                url=reverse("evaluation:commission_bid", args=[call.pk, submission.pk]),
            )
        finalize_if_due(call, now)
    return appeal


def _reopen_sheets(
    call: Competition, submission: BidSubmission, now: datetime.datetime
) -> list[ScoreSheet]:
    """Every non-recused member scores the bid again: submitted sheets reopen as drafts
    with their values; a member who had none gets one to fill in."""
    recused = recusals_of(call).get(submission.pk, set())
    seats = list(
        CommissionMember.objects.filter(competition=call)
        .exclude(pk__in=recused)
        .select_related("user")
    )
    sheets = {s.seat_id: s for s in ScoreSheet.objects.filter(submission=submission)}
    reopened = []
    for seat in seats:
        sheet = sheets.get(seat.pk) or ScoreSheet(seat=seat, submission=submission)
        sheet.seat = seat
        sheet.submitted_at = None
        sheet.reopened_at = now
        sheet.version += 1
        sheet.save()
        reopened.append(sheet)
    return reopened


def rescoring_problems(call: Competition) -> list[str]:
    waiting = ScoreSheet.objects.filter(
        submission__bid__competition=call,
        reopened_at__isnull=False,
        submitted_at__isnull=True,
    ).count()
    if not waiting:
        return []
    return [
        ngettext(
            "%(n)d reopened sheet is not submitted yet.",
            "%(n)d reopened sheets are not submitted yet.",
            waiting,
        )
        % {"n": waiting}
    ]


def _snapshot(row: BidResult) -> dict[str, Any]:
    return {
        "score": str(row.score) if row.score is not None else None,
        "rank": row.rank,
        "status": row.status,
        "awarded": str(row.awarded) if row.awarded is not None else None,
    }


def republish_results(call: Competition, *, by: By) -> CallEvaluation:
    """The chair publishes the results again once the upheld appeals' bids are scored
    again: the ranking and the selection are recomputed for every bid, and each row
    that changed is recorded publicly with the reasons of the appeals."""
    with transaction.atomic():
        call, now = lock_call(call.pk)
        _require(call, by, {Role.CHAIR}, _("The chair publishes the corrected results."))
        if call.phase_at(now) is not Phase.RESULTS:
            raise OutOfOrder(_("Corrected results are published while the results are out."))
        upheld = list(
            Appeal.objects.select_for_update()
            .filter(
                submission__bid__competition=call, status=Status.UPHELD, resolved_at__isnull=True
            )
            .select_related("submission")
        )
        if not upheld:
            raise OutOfOrder(_("No upheld appeal waits for corrected results."))
        problems = rescoring_problems(call)
        if problems:
            raise RescoringIncomplete(problems)
        evaluation = CallEvaluation.objects.select_for_update().get(competition=call)
        before = {r.pk: _snapshot(r) for r in evaluation.results.all()}
        _apply(evaluation, call)
        evaluation.edition += 1
        evaluation.save(update_fields=["edition"])
        reason = "\n".join(a.reasons for a in upheld)
        changes = []
        rows = list(evaluation.results.select_related("submission__bid"))
        for row in rows:
            after = _snapshot(row)
            if after != before[row.pk]:
                changes.append(
                    ResultChange(
                        evaluation=evaluation,
                        submission=row.submission,
                        edition=evaluation.edition,
                        before=before[row.pk],
                        after=after,
                        reason=reason,
                        created_at=now,
                        created_by=acting_user(by),
                    )
                )
        ResultChange.objects.bulk_create(changes)
        Appeal.objects.filter(pk__in=[a.pk for a in upheld]).update(resolved_at=now)
        record(
            "call.results_republished",
            call,
            by=by,
            after={
                "edition": evaluation.edition,
                "appeals": [a.pk for a in upheld],
                "changes": [
                    {"receipt": c.submission.receipt_number, "before": c.before, "after": c.after}
                    for c in changes
                ],
                "selected_total": evaluation.selected_total,
            },
        )
        publish_documents(call, evaluation)
        changed = {c.submission_id for c in changes} | {a.submission_id for a in upheld}
        for row in rows:
            if row.submission_id in changed:
                notify(
                    members_of_organization(row.submission.bid.organization_id),
                    "results_published",
                    {"call": call, "result": row, "submission": row.submission},
                    url=reverse("applications:bid_detail", args=[row.submission.bid_id]),
                )
        finalize_if_due(call, now)
    return evaluation


def open_appeals(call: Competition):
    return Appeal.objects.filter(submission__bid__competition=call).filter(
        Q(status=Status.PENDING) | Q(status=Status.UPHELD, resolved_at__isnull=True)
    )


def finalize_if_due(call: Competition, now: datetime.datetime) -> bool:
    """Inside the caller's lock: the call becomes final once its appeal window is over
    and no appeal is open. Returns whether it did."""
    if call.phase_at(now) is not Phase.RESULTS or call.appeal_window_open(now):
        return False
    if open_appeals(call).exists():
        return False
    call.make_final(now)
    call.save(update_fields=["stage", "updated_at"])
    record(
        "call.final",
        call,
        by=Actor.system("evaluation.finality"),
        after={"stage": call.stage, "appeal_deadline": call.appeal_deadline},
    )
    return True


def finalize_due_calls() -> int:
    """The periodic job: every call whose results are out and whose appeal window is
    over becomes final unless an appeal is still open. Running it twice changes nothing."""
    from competitions.phases import phase_q

    now = deciding_now()
    made = 0
    for call_id in Competition.objects.filter(phase_q(Phase.RESULTS, now=now)).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            call, now = lock_call(call_id)
            made += finalize_if_due(call, now)
    return made
