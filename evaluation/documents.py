"""PDF documents of a call's evaluation: the commission's protocol, the consolidated
score sheet, one member's score sheet and the notice of a bid's result.

Who may get each (404 for everyone with no part, 403 for a part too weak, as in
`evaluation.permissions`):

- `evaluation-protocol` (CallEvaluation): the call's seats and the municipality's
  officers once the scoring is closed; everyone once the results are published.
- `evaluation-consolidated` (CallEvaluation): the same, but public after publication
  only when the call publishes each member's scores.
- `evaluation-score-sheet` (ScoreSheet, submitted only): the member who wrote it; the
  chair and the secretary once the scoring is closed. Other seats and the officers 403,
  anyone else 404; never the applicant or the public.
- `evaluation-notice` (BidResult): the bid's organisation and the municipality's
  officers, once the results are published.

Each context builder runs a fixed number of queries whatever the number of bids.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from applications.permissions import get_bid_for_user
from competitions.models import CommissionMember, Competition
from competitions.permissions import staff_membership
from documents.registry import DocumentKind, register
from evaluation import scoring
from evaluation.models import (
    BidResult,
    CallEvaluation,
    ConflictDeclaration,
    ResultChange,
    Score,
    ScoreSheet,
)
from evaluation.selectors import member_totals, quorum_needed, results_rows
from notifications.services import tell_requester

Role = CommissionMember.Role
Status = BidResult.Status
SIGNING_ORDER = {Role.CHAIR: 0, Role.SECRETARY: 1, Role.MEMBER: 2}


# --- access ----------------------------------------------------------------------------


def _published(call: Competition) -> bool:
    phase = call.phase
    return phase.results_published or phase.is_final


def _closed(call: Competition) -> bool:
    phase = call.phase
    return phase.deliberation or phase.results_published or phase.is_final


def _seat(user, call: Competition) -> CommissionMember | None:
    if not user.is_authenticated:
        return None
    return CommissionMember.objects.filter(competition=call, user=user).first()


def _insider(user, call: Competition) -> bool:
    """A seat on the call's commission or an officer of its municipality."""
    if not user.is_authenticated:
        return False
    return _seat(user, call) is not None or staff_membership(user, call.municipality) is not None


def _call_of(evaluation: CallEvaluation) -> Competition:
    return Competition.objects.select_related("municipality").get(pk=evaluation.competition_id)


def _protocol_access(request, evaluation: CallEvaluation) -> None:
    call = _call_of(evaluation)
    if _published(call) and evaluation.edition:
        return
    if _closed(call) and _insider(request.user, call):
        return
    raise Http404


def _consolidated_access(request, evaluation: CallEvaluation) -> None:
    call = _call_of(evaluation)
    if _published(call) and evaluation.edition and call.publish_member_scores:
        return
    if _closed(call) and _insider(request.user, call):
        return
    raise Http404


def _sheet_access(request, sheet: ScoreSheet) -> None:
    user = request.user
    if not user.is_authenticated or not sheet.is_submitted:
        raise Http404
    call = Competition.objects.select_related("municipality").get(
        pk=sheet.submission.bid.competition_id
    )
    seat = _seat(user, call)
    if seat is not None and seat.pk == sheet.seat_id:
        return
    if seat is not None and seat.role in {Role.CHAIR, Role.SECRETARY} and _closed(call):
        return
    if seat is not None or staff_membership(user, call.municipality) is not None:
        raise PermissionDenied(
            _(
                "A score sheet is read by its member, and by the chair and the secretary "
                "once the scoring is closed."
            )
        )
    raise Http404


def _notice_access(request, result: BidResult) -> None:
    bid = get_bid_for_user(request, result.submission.bid_id)  # 404 outside the organisation
    if not _published(bid.competition) or not result.evaluation.edition:
        raise Http404


# --- contexts ----------------------------------------------------------------------------


def _evaluation_with_call(evaluation: CallEvaluation) -> CallEvaluation:
    return CallEvaluation.objects.select_related(
        "competition__municipality__region", "closed_by", "approved_by"
    ).get(pk=evaluation.pk)


def _protocol_context(evaluation: CallEvaluation) -> dict[str, Any]:
    evaluation = _evaluation_with_call(evaluation)
    call = evaluation.competition
    seats = list(call.commission.select_related("user").order_by("pk"))
    # Chair, secretary, then the members: the order the protocol lists and signs in.
    seats.sort(key=lambda s: (SIGNING_ORDER.get(s.role, len(SIGNING_ORDER)), s.pk))
    present = set(evaluation.attendees.values_list("pk", flat=True))
    by_pk = {s.pk: s for s in seats}
    rows = results_rows(evaluation)
    recusals = list(
        ConflictDeclaration.objects.filter(
            has_conflict=True, submission__in=[r.submission_id for r in rows]
        )
        .select_related("seat__user", "submission__bid__organization")
        .order_by("submission__submitted_at", "seat__role", "seat_id")
    )
    changes = list(
        ResultChange.objects.filter(evaluation=evaluation).select_related(
            "submission__bid__organization"
        )
    )
    needed = quorum_needed(call, len(seats))
    missing = [
        {"seat": by_pk.get(m.get("seat")), "receipt": m.get("receipt", "")}
        for m in evaluation.missing or []
    ]
    return {
        "evaluation": evaluation,
        "call": call,
        "seats": [{"seat": s, "present": s.pk in present} for s in seats],
        "present_count": len(present),
        "quorum": needed,
        "quorum_met": len(present) >= needed,
        "missing": missing,
        "recusals": recusals,
        "rows": rows,
        "reserve": sorted(
            (r for r in rows if r.status == Status.RESERVE),
            key=lambda r: (r.reserve_position or 0, r.rank or 0),
        ),
        "any_tied": any(r.tied for r in rows),
        "selected_count": sum(1 for r in rows if r.status == Status.SELECTED),
        "changes": changes,
    }


def _consolidated_context(evaluation: CallEvaluation) -> dict[str, Any]:
    evaluation = _evaluation_with_call(evaluation)
    call = evaluation.competition
    rows = results_rows(evaluation)
    matrix = member_totals(call, rows)  # seats, recusals and each member's total
    criteria = list(call.criteria.order_by("position", "pk"))
    values: dict[Any, dict[int, dict[int, int | None]]] = {}
    for submission_id, seat_id, criterion_id, value in Score.objects.filter(
        sheet__submission__in=[r.submission_id for r in rows], sheet__submitted_at__isnull=False
    ).values_list("sheet__submission_id", "sheet__seat_id", "criterion_id", "value"):
        values.setdefault(submission_id, {}).setdefault(seat_id, {})[criterion_id] = value
    bids = []
    for row in matrix["rows"]:
        result = row["result"]
        members = []
        for seat, cell in zip(matrix["seats"], row["cells"], strict=True):
            scores = values.get(result.submission_id, {}).get(seat.pk)
            members.append(
                {
                    "seat": seat,
                    "recused": cell["recused"],
                    "total": cell["total"],
                    "scores": [scores.get(c.pk) for c in criteria]
                    if scores and not cell["recused"]
                    else None,
                }
            )
        bids.append({"result": result, "members": members})
    return {
        "evaluation": evaluation,
        "call": call,
        "criteria": criteria,
        "matrix": matrix,
        "bids": bids,
    }


def _sheet_context(sheet: ScoreSheet) -> dict[str, Any]:
    sheet = (
        ScoreSheet.objects.select_related(
            "seat__user", "submission__bid__organization", "submission__bid__competition"
        )
        .prefetch_related("scores")
        .get(pk=sheet.pk)
    )
    call = sheet.submission.bid.competition
    criteria = list(call.criteria.order_by("position", "pk"))
    scores = {s.criterion_id: s for s in sheet.scores.all()}
    total = None
    if all(c.pk in scores and scores[c.pk].value is not None for c in criteria):
        total = scoring.to_decimal(
            scoring.sheet_total(
                [scoring.CriterionSpec(c.pk, c.weight, c.max_score) for c in criteria],
                {c.pk: scores[c.pk].value for c in criteria},
            )
        )
    return {
        "sheet": sheet,
        "seat": sheet.seat,
        "call": call,
        "submission": sheet.submission,
        "organization": sheet.submission.bid.organization,
        "rows": [{"criterion": c, "score": scores.get(c.pk)} for c in criteria],
        "total": total,
    }


def _notice_context(result: BidResult) -> dict[str, Any]:
    result = BidResult.objects.select_related(
        "evaluation__competition__municipality", "submission__bid__organization"
    ).get(pk=result.pk)
    call = result.evaluation.competition
    deadline = call.appeal_deadline
    return {
        "result": result,
        "evaluation": result.evaluation,
        "call": call,
        "submission": result.submission,
        "organization": result.submission.bid.organization,
        "ranked": result.evaluation.results.filter(rank__isnull=False).count(),
        # The window's last minute (the deadline itself is the exclusive midnight).
        "appeal_until": deadline - datetime.timedelta(minutes=1) if deadline else None,
    }


def _notice_title(result: BidResult) -> str:
    if result.status == Status.SELECTED:
        return _("Award notice: %(number)s") % {"number": result.submission.receipt_number}
    if result.status == Status.RESERVE:
        return _("Notice of placement in the reserve: %(number)s") % {
            "number": result.submission.receipt_number
        }
    return _("Notice of rejection: %(number)s") % {"number": result.submission.receipt_number}


# --- kinds ---------------------------------------------------------------------------------

EVALUATION_PROTOCOL = register(
    DocumentKind(
        key="evaluation-protocol",
        model=CallEvaluation,
        template="pdf/evaluation_protocol.html",
        context=_protocol_context,
        title=lambda e: (
            _("Protocol of the competition commission: %(title)s") % {"title": e.competition.title}
        ),
        issuer=lambda e: e.competition.municipality.name,
        check_access=_protocol_access,
        on_ready=tell_requester,
    )
)

EVALUATION_CONSOLIDATED = register(
    DocumentKind(
        key="evaluation-consolidated",
        model=CallEvaluation,
        template="pdf/evaluation_consolidated.html",
        context=_consolidated_context,
        title=lambda e: _("Consolidated score sheet: %(title)s") % {"title": e.competition.title},
        issuer=lambda e: e.competition.municipality.name,
        check_access=_consolidated_access,
        on_ready=tell_requester,
    )
)

EVALUATION_SCORE_SHEET = register(
    DocumentKind(
        key="evaluation-score-sheet",
        model=ScoreSheet,
        template="pdf/evaluation_score_sheet.html",
        context=_sheet_context,
        title=lambda s: (
            _("Score sheet: %(member)s, receipt No. %(number)s")
            % {"member": s.seat.user.full_name, "number": s.submission.receipt_number}
        ),
        issuer=lambda s: s.submission.bid.competition.municipality.name,
        check_access=_sheet_access,
        on_ready=tell_requester,
    )
)

EVALUATION_NOTICE = register(
    DocumentKind(
        key="evaluation-notice",
        model=BidResult,
        template="pdf/evaluation_notice.html",
        context=_notice_context,
        title=_notice_title,
        issuer=lambda r: r.evaluation.competition.municipality.name,
        check_access=_notice_access,
        on_ready=tell_requester,
    )
)
