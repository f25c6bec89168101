"""Score sheets: a commission member scores an admitted bid, criterion by criterion,
while the call is in scoring, or again after an upheld appeal reopened the sheet.

A draft is saved as often as the page autosaves (optimistic locking on `version`: a
second tab of the same member cannot silently overwrite the first); submitting
locks it. Only the member themselves writes their sheet, only while the call is in
scoring, only after the confidentiality declaration and a "no conflict" declaration
on the bid (T6, T7); a recused member has no sheet. Every save is audited; the
submission's audit row carries the scores, so the chain proves what was submitted.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _

from applications.models import BidSubmission
from audit.services import record
from competitions.models import CommissionMember, Competition, Criterion
from competitions.phases import Phase
from evaluation.exceptions import EvaluationError, OutOfOrder
from evaluation.models import (
    Admission,
    ConfidentialityDeclaration,
    ConflictDeclaration,
    Score,
    ScoreSheet,
)
from evaluation.services.declarations import lock_call
from municipal_order.lib.actors import By, acting_user
from municipal_order.lib.dates import BISHKEK


class SheetConflict(EvaluationError):
    """The sheet was saved since this page loaded it (another tab): nothing was saved.
    `version` is the one saved now."""

    def __init__(self, message: str, *, version: int, at: datetime.datetime) -> None:
        super().__init__(message)
        self.version = version
        self.at = at


class SheetSubmitted(OutOfOrder):
    """The sheet is submitted: it no longer changes."""


@dataclass(frozen=True)
class Entry:
    value: int | None
    comment: str = ""


def _check_member_may_score(
    seat: CommissionMember, submission: BidSubmission, call: Competition, now, by: By
) -> BidSubmission:
    user = acting_user(by)
    if user is None or user.pk != seat.user_id:
        raise EvaluationError(_("Only the commission member themselves fills in their sheet."))
    phase = call.phase_at(now)
    if not (phase.scoring or (phase is Phase.RESULTS and reopened(seat, submission))):
        raise OutOfOrder(
            _("Bids are scored while the commission scores (now: %(p)s).") % {"p": phase.label}
        )
    if not ConfidentialityDeclaration.objects.filter(seat=seat).exists():
        raise OutOfOrder(_("Sign the confidentiality declaration first."))
    fresh = BidSubmission.objects.filter(
        pk=submission.pk,
        bid__competition=call,
        status=BidSubmission.Status.ACTIVE,
        admission__decision=Admission.Decision.ADMITTED,
    ).first()
    if fresh is None:
        raise OutOfOrder(_("This bid is not admitted to the call's scoring."))
    declaration = ConflictDeclaration.objects.filter(seat=seat, submission=fresh).first()
    if declaration is None:
        raise OutOfOrder(_("Declare whether you have a conflict of interest with the bid first."))
    if declaration.has_conflict:
        raise EvaluationError(
            _("You declared a conflict of interest with this bid: you take no part in it.")
        )
    return fresh


def reopened(seat: CommissionMember, submission: BidSubmission) -> bool:
    """An upheld appeal reopened the member's sheet on the bid and it is not in again."""
    return ScoreSheet.objects.filter(
        seat=seat, submission=submission, reopened_at__isnull=False, submitted_at__isnull=True
    ).exists()


def _conflict(sheet: ScoreSheet) -> SheetConflict:
    local = sheet.updated_at.astimezone(BISHKEK)
    today = timezone.now().astimezone(BISHKEK).date()
    when = date_format(local, "H:i" if local.date() == today else "d.m.Y H:i")
    return SheetConflict(
        _(
            "Your changes were NOT saved: you saved this sheet at %(time)s (Bishkek time) "
            "in another tab or window."
        )
        % {"time": when},
        version=sheet.version,
        at=sheet.updated_at,
    )


def _validated(criteria: list[Criterion], entries: Mapping[int, Entry]) -> dict[int, Entry]:
    unknown = set(entries) - {c.pk for c in criteria}
    if unknown:
        raise EvaluationError(_("The sheet names a criterion this call does not have."))
    for criterion in criteria:
        entry = entries.get(criterion.pk)
        if (
            entry is not None
            and entry.value is not None
            and not (0 <= entry.value <= criterion.max_score)
        ):
            raise EvaluationError(
                _("“%(criterion)s” is scored from 0 to %(max)d.")
                % {"criterion": criterion.title, "max": criterion.max_score}
            )
    return {c.pk: entries.get(c.pk, Entry(None)) for c in criteria}


def save_sheet(
    seat: CommissionMember,
    submission: BidSubmission,
    *,
    entries: Mapping[int, Entry],
    comment: str,
    expected_version: int,
    by: By,
    overwrite: bool = False,
) -> ScoreSheet:
    """Save the member's draft: every criterion's score (empty allowed) and comment.

    Refused with `SheetConflict` if the sheet was saved since `expected_version`,
    unless `overwrite` (the member, shown the conflict, keeps this version; the
    version they saw must still be the saved one). A submitted sheet is refused.
    """
    with transaction.atomic():
        call, now = lock_call(seat.competition_id)
        submission = _check_member_may_score(seat, submission, call, now, by)
        criteria = list(call.criteria.order_by("position", "pk"))
        entries = _validated(criteria, entries)
        sheet, _created = ScoreSheet.objects.select_for_update().get_or_create(
            seat=seat, submission=submission
        )
        if sheet.is_submitted:
            raise SheetSubmitted(_("Your sheet for this bid is submitted: it no longer changes."))
        if sheet.version != expected_version:
            raise _conflict(sheet)
        sheet.comment = comment.strip()
        sheet.version += 1
        sheet.save()
        existing = {s.criterion_id: s for s in sheet.scores.all()}
        for criterion in criteria:
            entry = entries[criterion.pk]
            score = existing.get(criterion.pk) or Score(sheet=sheet, criterion=criterion)
            score.value = entry.value
            score.comment = entry.comment.strip()
            score.save()
        record(
            "bid.score_sheet_saved",
            submission.bid,
            by=by,
            after={
                "seat": seat.pk,
                "receipt": submission.receipt_number,
                "version": sheet.version,
                **({"resolved_conflict": "mine"} if overwrite else {}),
            },
        )
    return sheet


def submit_sheet(
    seat: CommissionMember, submission: BidSubmission, *, expected_version: int, by: By
) -> ScoreSheet:
    """Lock the saved sheet: every criterion scored. Submitting twice changes nothing."""
    with transaction.atomic():
        call, now = lock_call(seat.competition_id)
        submission = _check_member_may_score(seat, submission, call, now, by)
        sheet = (
            ScoreSheet.objects.select_for_update().filter(seat=seat, submission=submission).first()
        )
        if sheet is None:
            raise EvaluationError(_("Score every criterion and save the sheet first."))
        if sheet.is_submitted:
            return sheet
        if sheet.version != expected_version:
            raise _conflict(sheet)
        scores = {s.criterion_id: s for s in sheet.scores.select_related("criterion")}
        criteria = list(call.criteria.order_by("position", "pk"))
        unscored = [
            c.title for c in criteria if scores.get(c.pk) is None or scores[c.pk].value is None
        ]
        if unscored:
            raise EvaluationError(
                _("Score every criterion before submitting: %(list)s.")
                % {"list": ", ".join(unscored)}
            )
        sheet.submitted_at = now
        sheet.save(update_fields=["submitted_at", "updated_at"])
        record(
            "bid.score_sheet_submitted",
            submission.bid,
            by=by,
            after={
                "seat": seat.pk,
                "receipt": submission.receipt_number,
                "scores": {str(c.pk): scores[c.pk].value for c in criteria},
            },
        )
    return sheet
