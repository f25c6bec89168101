"""From the score sheets to published results: closing the scoring, the commission's
deliberation (amount reductions, the vote on tied bids, the meeting record), the
chair's approval that publishes the results and opens the appeal window.

The call row is locked first in every service, as in the earlier steps. The results
are recomputed from the sheets each time anything they depend on changes (exact
fractions, `evaluation.scoring`), and written with the call's selected total in the
same transaction; a database check keeps that total within the budget (T24). Once
published, nothing here changes them (T23): out of order is `OutOfOrder` (409).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audit.services import record
from competitions.exceptions import TransitionNotAllowed
from competitions.models import CommissionMember, Competition
from documents.services import request_document
from evaluation import scoring
from evaluation.exceptions import EvaluationError, OutOfOrder
from evaluation.models import BidResult, CallEvaluation
from evaluation.selectors import (
    candidates_for,
    members_of_organization,
    missing_sheets,
    quorum_needed,
    quorum_shortfalls,
)
from evaluation.services.declarations import lock_call
from municipal_order.lib.actors import Actor, By, acting_user
from municipal_order.lib.money import format_som
from notifications.services import notify

Role = CommissionMember.Role
Status = BidResult.Status


class ScoringIncomplete(EvaluationError):
    """Closing needs every sheet in and a quorum on every bid, or a reason to go on
    without them; `problems` lists what is missing."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class NotReadyToPublish(EvaluationError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def seat_of(call: Competition, by: By) -> CommissionMember | None:
    user = acting_user(by)
    if user is None:
        return None
    return CommissionMember.objects.filter(competition=call, user=user).first()


def _require(call: Competition, by: By, roles: set[str], message: str) -> CommissionMember:
    seat = seat_of(call, by)
    if seat is None or seat.role not in roles:
        raise EvaluationError(message)
    return seat


def _in_deliberation(call: Competition, now: datetime.datetime) -> CallEvaluation:
    phase = call.phase_at(now)
    if not phase.deliberation:
        raise OutOfOrder(
            _(
                "The commission deliberates after the scoring is closed and until the "
                "results are published (now: %(p)s)."
            )
            % {"p": phase.label}
        )
    return CallEvaluation.objects.select_for_update().get(competition=call)


def closing_problems(
    call: Competition, *, missing: int | None = None, short: int | None = None
) -> list[str]:
    """Why closing needs a recorded reason: sheets not submitted, bids short of a quorum
    (`missing` and `short` when the caller has counted them already)."""
    problems = []
    if missing is None:
        missing = len(missing_sheets(call))
    if short is None:
        short = len(quorum_shortfalls(Competition.objects.filter(pk=call.pk)).get(call.pk, []))
    if missing:
        problems.append(
            ngettext(
                "%(n)d score sheet is not submitted.",
                "%(n)d score sheets are not submitted.",
                missing,
            )
            % {"n": missing}
        )
    if short:
        problems.append(
            ngettext(
                "%(n)d bid lacks a quorum after recusals.",
                "%(n)d bids lack a quorum after recusals.",
                short,
            )
            % {"n": short}
        )
    return problems


def _apply(evaluation: CallEvaluation, call: Competition) -> scoring.Results:
    """Recompute every bid's result from the sheets and write them with the total."""
    candidates, counted = candidates_for(call)
    results = scoring.decide(
        candidates,
        budget=evaluation.budget,
        pass_threshold=call.pass_threshold,
        tie_break=call.tie_break,
    )
    rows = {str(r.submission_id): r for r in evaluation.results.all()}
    for outcome in results.outcomes:
        row = rows[outcome.key]
        row.score = scoring.to_decimal(outcome.score) if outcome.score is not None else None
        row.sheets_counted = counted.get(outcome.key, 0)
        row.rank = outcome.rank
        row.tied = outcome.tied
        row.status = outcome.status.value
        row.reserve_position = outcome.reserve_position
        row.awarded = outcome.awarded
    BidResult.objects.bulk_update(
        rows.values(),
        ["score", "sheets_counted", "rank", "tied", "status", "reserve_position", "awarded"],
    )
    evaluation.selected_total = results.selected_total
    evaluation.save(update_fields=["selected_total"])
    return results


def close_scoring(call: Competition, *, override_reason: str = "", by: By) -> CallEvaluation:
    """End the scoring (the secretary or the chair): rank the bids and select within the
    budget. Sheets still out or bids short of a quorum need `override_reason`, which is
    recorded with the list of what was missing."""
    override_reason = override_reason.strip()
    with transaction.atomic():
        call, now = lock_call(call.pk)
        _require(
            call,
            by,
            {Role.SECRETARY, Role.CHAIR},
            _("Only the commission's secretary or chair closes the scoring."),
        )
        problems = closing_problems(call)
        if problems and not override_reason:
            raise ScoringIncomplete(problems)
        try:
            call.start_deliberation(now)
        except TransitionNotAllowed as exc:
            raise OutOfOrder(str(exc)) from exc
        call.save(update_fields=["stage", "updated_at"])
        missing = [
            {"seat": seat_id, "receipt": receipt} for seat_id, receipt in missing_sheets(call)
        ]
        evaluation = CallEvaluation.objects.create(
            competition=call,
            closed_at=now,
            closed_by=acting_user(by),
            override_reason=override_reason if problems else "",
            missing=missing,
            budget=call.total_budget,
        )
        candidates, _counted = candidates_for(call)
        BidResult.objects.bulk_create(
            BidResult(
                evaluation=evaluation,
                submission_id=c.key,
                requested=c.requested,
                status=Status.NOT_SCORED,
            )
            for c in candidates
        )
        results = _apply(evaluation, call)
        record(
            "call.scoring_closed",
            call,
            by=by,
            before={"stage": "scoring"},
            after={
                "stage": call.stage,
                "override_reason": evaluation.override_reason,
                "missing": missing,
                "selected_total": results.selected_total,
                "ranking": [
                    {"receipt_id": o.key, "rank": o.rank, "status": o.status.value}
                    for o in results.outcomes
                ],
            },
        )
    return evaluation


def reduce_amount(result: BidResult, *, amount: Decimal | None, reason: str, by: By) -> BidResult:
    """Reduce the amount a bid would receive (a recorded reason), or restore the request
    (`amount=None`); the selection is recomputed: a reduction may let the next bid in."""
    reason = reason.strip()
    with transaction.atomic():
        call, now = lock_call(result.evaluation.competition_id)
        _require(
            call,
            by,
            {Role.SECRETARY, Role.CHAIR},
            _("The secretary or the chair records the commission's decisions."),
        )
        evaluation = _in_deliberation(call, now)
        row = BidResult.objects.select_for_update().get(pk=result.pk, evaluation=evaluation)
        if amount is not None:
            if not reason:
                raise EvaluationError(_("Give the reason for reducing the amount."))
            if not (Decimal("0") < amount <= row.requested):
                raise EvaluationError(
                    _("The reduced amount must be above zero and at most %(requested)s.")
                    % {"requested": format_som(row.requested)}
                )
        before = {"approved": row.approved, "reason": row.reduction_reason}
        row.approved = amount
        row.reduction_reason = reason if amount is not None else ""
        row.save(update_fields=["approved", "reduction_reason"])
        results = _apply(evaluation, call)
        record(
            "bid.amount_reduced" if amount is not None else "bid.reduction_withdrawn",
            row.submission.bid,
            by=by,
            before=before,
            after={
                "approved": amount,
                "reason": row.reduction_reason,
                "selected_total": results.selected_total,
            },
        )
    row.refresh_from_db()
    return row


def record_vote(call: Competition, *, order: list[Any], by: By) -> None:
    """The chair records the commission's vote on a group of tied bids: `order` lists
    their submission ids, first place first (tie-break rule "vote")."""
    with transaction.atomic():
        call, now = lock_call(call.pk)
        _require(call, by, {Role.CHAIR}, _("The chair records the commission's vote."))
        evaluation = _in_deliberation(call, now)
        if call.tie_break != Competition.TieBreak.COMMISSION_VOTE:
            raise OutOfOrder(_("This call breaks ties by its rule, not by a vote."))
        rows = {
            str(r.submission_id): r
            for r in evaluation.results.select_for_update().filter(submission__in=order)
        }
        keys = [str(k) for k in order]
        if len(set(keys)) != len(keys) or set(keys) != set(rows) or len(keys) < 2:
            raise EvaluationError(_("Order every bid of the tie once."))
        scores = {rows[k].score for k in keys}
        if len(scores) != 1 or not all(rows[k].tied for k in keys):
            raise EvaluationError(_("Only bids with the same score are ordered by a vote."))
        for position, key in enumerate(keys, start=1):
            rows[key].vote_position = position
        BidResult.objects.bulk_update(rows.values(), ["vote_position"])
        results = _apply(evaluation, call)
        record(
            "call.tie_vote_recorded",
            call,
            by=by,
            after={"order": keys, "selected_total": results.selected_total},
        )


def save_meeting(
    call: Competition,
    *,
    meeting_on: datetime.date,
    place: str,
    attendees: Iterable[CommissionMember],
    decisions: str,
    by: By,
) -> CallEvaluation:
    """The record of the commission's meeting: date, place, members present, decisions."""
    with transaction.atomic():
        call, now = lock_call(call.pk)
        _require(
            call,
            by,
            {Role.SECRETARY, Role.CHAIR},
            _("The secretary or the chair keeps the meeting's record."),
        )
        evaluation = _in_deliberation(call, now)
        present = list(
            CommissionMember.objects.filter(competition=call, pk__in=[a.pk for a in attendees])
        )
        if meeting_on < evaluation.closed_at.date() - datetime.timedelta(days=1):
            raise EvaluationError(_("The meeting cannot come before the scoring closed."))
        evaluation.meeting_on = meeting_on
        evaluation.meeting_place = place.strip()
        evaluation.decisions = decisions.strip()
        evaluation.save(update_fields=["meeting_on", "meeting_place", "decisions"])
        evaluation.attendees.set(present)
        record(
            "call.meeting_recorded",
            call,
            by=by,
            after={
                "meeting_on": meeting_on,
                "place": evaluation.meeting_place,
                "attendees": sorted(p.pk for p in present),
                "decisions": evaluation.decisions,
            },
        )
    return evaluation


def publishing_problems(call: Competition, evaluation: CallEvaluation) -> list[str]:
    problems = []
    if evaluation.meeting_on is None or not evaluation.decisions:
        problems.append(_("Record the commission's meeting: date, members present, decisions."))
    seats = call.commission.count()
    present = evaluation.attendees.count()
    needed = quorum_needed(call, seats)
    if evaluation.meeting_on is not None and present < needed:
        problems.append(
            _("The meeting had %(present)d of %(seats)d members; the quorum is %(needed)d.")
            % {"present": present, "seats": seats, "needed": needed}
        )
    if call.tie_break == Competition.TieBreak.COMMISSION_VOTE:
        candidates, _counted = candidates_for(call)
        ties = scoring.decide(
            candidates,
            budget=evaluation.budget,
            pass_threshold=call.pass_threshold,
            tie_break=call.tie_break,
        ).unresolved_ties
        if ties:
            problems.append(
                ngettext(
                    "Record the commission's vote on %(n)d group of tied bids.",
                    "Record the commission's vote on %(n)d groups of tied bids.",
                    len(ties),
                )
                % {"n": len(ties)}
            )
    return problems


def approve_results(call: Competition, *, by: By) -> CallEvaluation:
    """The chair approves the protocol: the results are published (the appeal window
    opens) and every applicant hears their bid's result."""
    with transaction.atomic():
        call, now = lock_call(call.pk)
        _require(call, by, {Role.CHAIR}, _("The chair approves the results."))
        evaluation = _in_deliberation(call, now)
        problems = publishing_problems(call, evaluation)
        if problems:
            raise NotReadyToPublish(problems)
        call.publish_results(now)
        call.save(update_fields=["stage", "results_published_at", "updated_at"])
        evaluation.approved_at = now
        evaluation.approved_by = acting_user(by)
        evaluation.edition = 1
        evaluation.save(update_fields=["approved_at", "approved_by", "edition"])
        rows = list(evaluation.results.select_related("submission__bid__organization"))
        record(
            "call.results_published",
            call,
            by=by,
            before={"stage": "deliberation"},
            after={
                "stage": call.stage,
                "edition": 1,
                "selected_total": evaluation.selected_total,
                "results": [
                    {
                        "receipt": r.submission.receipt_number,
                        "score": r.score,
                        "rank": r.rank,
                        "status": r.status,
                        "awarded": r.awarded,
                    }
                    for r in rows
                ],
            },
        )
        publish_documents(call, evaluation)
        for row in rows:
            notify(
                members_of_organization(row.submission.bid.organization_id),
                "results_published",
                {"call": call, "result": row, "submission": row.submission},
                url=reverse("applications:bid_detail", args=[row.submission.bid_id]),
            )
    return evaluation


def publish_documents(call: Competition, evaluation: CallEvaluation) -> None:
    """The protocol (and the consolidated sheet when the call publishes each member's
    scores) in both state languages, rendered by the worker for the public results page."""
    kinds = ["evaluation-protocol"]
    if call.publish_member_scores:
        kinds.append("evaluation-consolidated")
    for kind in kinds:
        for language in ("ru", "ky"):
            request_document(kind, evaluation, language=language, by=Actor.system("results"))


def vote_groups(results: Mapping[str, BidResult]) -> list[list[BidResult]]:
    """Tied bids grouped by score, in rank order (what the chair's vote form lists)."""
    groups: dict[Decimal, list[BidResult]] = {}
    for row in results.values():
        if row.tied and row.score is not None:
            groups.setdefault(row.score, []).append(row)
    return [sorted(g, key=lambda r: r.rank or 0) for _s, g in sorted(groups.items(), reverse=True)]
