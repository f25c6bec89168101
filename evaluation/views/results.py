"""The commission's results: the deliberation page (ranking, selection within the
budget, reductions, the vote on ties, the meeting record, the chair's approval) for
the call's seats, and the public results page at a stable address."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from competitions.models import CommissionMember, Competition
from documents.models import GeneratedDocument
from evaluation.exceptions import EvaluationError, OutOfOrder
from evaluation.forms import AppealDecisionForm, MeetingForm, ReductionForm
from evaluation.models import Appeal, BidResult, CallEvaluation, ResultChange
from evaluation.permissions import get_seat_for_user
from evaluation.selectors import member_totals, quorum_needed, results_rows
from evaluation.services.appeals import rescoring_problems
from evaluation.services.results import (
    NotReadyToPublish,
    approve_results,
    publishing_problems,
    record_vote,
    reduce_amount,
    save_meeting,
    vote_groups,
)

Role = CommissionMember.Role
LEADS = {Role.SECRETARY, Role.CHAIR}


def _evaluation_for_seat(request: HttpRequest, pk: int) -> tuple[CommissionMember, CallEvaluation]:
    seat = get_seat_for_user(request, pk)
    if seat.signed is None:  # type: ignore[attr-defined]
        raise PermissionDenied(_("Sign the confidentiality declaration first."))
    evaluation = CallEvaluation.objects.filter(competition=seat.competition).first()
    if evaluation is None:
        raise Http404
    return seat, evaluation


def _lead(seat: CommissionMember) -> None:
    if seat.role not in LEADS:
        raise PermissionDenied(_("The secretary or the chair records the commission's decisions."))


def _render(
    request: HttpRequest,
    seat: CommissionMember,
    evaluation: CallEvaluation,
    *,
    forms: dict[str, Any] | None = None,
    errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    call = seat.competition
    forms = forms or {}
    rows = results_rows(evaluation)
    editing = call.phase.deliberation and seat.role in LEADS
    seats = call.commission.select_related("user").order_by("role", "pk")
    meeting = forms.get("meeting") or MeetingForm(
        seats=seats,
        initial={
            "meeting_on": evaluation.meeting_on,
            "place": evaluation.meeting_place,
            "attendees": list(evaluation.attendees.all()),
            "decisions": evaluation.decisions,
        },
    )
    reductions = {
        r.pk: forms.get(f"r{r.pk}")
        or ReductionForm(
            prefix=f"r{r.pk}", initial={"amount": r.approved, "reason": r.reduction_reason}
        )
        for r in rows
        if editing and r.score is not None
    }
    appeals = list(
        Appeal.objects.filter(submission__bid__competition=call)
        .select_related("submission__bid__organization")
        .prefetch_related("files")
    )
    deciding = call.phase.results_published and seat.role in LEADS
    waiting = [a for a in appeals if a.status == Appeal.Status.UPHELD and a.resolved_at is None]
    return render(
        request,
        "evaluation/deliberation.html",
        {
            "call": call,
            "phase": call.phase,
            "seat": seat,
            "evaluation": evaluation,
            "rows": [{"result": r, "reduction": reductions.get(r.pk)} for r in rows],
            "matrix": member_totals(call, rows),
            "editing": editing,
            "meeting_form": meeting if editing else None,
            "vote_groups": vote_groups({str(r.pk): r for r in rows})
            if editing
            and seat.role == Role.CHAIR
            and call.tie_break == Competition.TieBreak.COMMISSION_VOTE
            else [],
            "problems": publishing_problems(call, evaluation) if call.phase.deliberation else [],
            "errors": errors or [],
            "quorum": quorum_needed(call, seats.count()),
            "appeals": [
                {
                    "appeal": a,
                    "form": (forms.get(f"a{a.pk}") or AppealDecisionForm(prefix=f"a{a.pk}"))
                    if deciding and a.status == Appeal.Status.PENDING
                    else None,
                }
                for a in appeals
            ],
            "rescoring": {"appeals": waiting, "problems": rescoring_problems(call)}
            if waiting
            else None,
        },
        status=status,
    )


@login_required
@require_GET
def deliberation(request: HttpRequest, pk: int) -> HttpResponse:
    seat, evaluation = _evaluation_for_seat(request, pk)
    return _render(request, seat, evaluation)


def _refused(
    request: HttpRequest, seat, evaluation, exc: EvaluationError, forms=None
) -> HttpResponse:
    seat.competition.refresh_from_db()
    evaluation.refresh_from_db()
    problems = getattr(exc, "problems", None) or [str(exc)]
    status = 409 if isinstance(exc, OutOfOrder) else 400
    return _render(request, seat, evaluation, forms=forms, errors=problems, status=status)


@login_required
@require_POST
def reduce(request: HttpRequest, pk: int, result_id: int) -> HttpResponse:
    seat, evaluation = _evaluation_for_seat(request, pk)
    _lead(seat)
    result = BidResult.objects.filter(pk=result_id, evaluation=evaluation).first()
    if result is None:
        raise Http404
    form = ReductionForm(request.POST, prefix=f"r{result.pk}")
    if not form.is_valid():
        return _render(request, seat, evaluation, forms={f"r{result.pk}": form}, status=400)
    try:
        reduce_amount(
            result,
            amount=form.cleaned_data["amount"],
            reason=form.cleaned_data["reason"],
            by=request,
        )
    except EvaluationError as exc:
        form.add_error(None, str(exc))
        return _refused(request, seat, evaluation, exc, forms={f"r{result.pk}": form})
    messages.success(request, _("The amount is recorded and the selection recomputed."))
    return redirect("evaluation:deliberation", pk=pk)


@login_required
@require_POST
def vote(request: HttpRequest, pk: int) -> HttpResponse:
    """The chair's record of the vote on one group of tied bids: `position_<result id>`."""
    seat, evaluation = _evaluation_for_seat(request, pk)
    if seat.role != Role.CHAIR:
        raise PermissionDenied(_("The chair records the commission's vote."))
    named = [k.removeprefix("position_") for k in request.POST if k.startswith("position_")]
    rows = {r.pk: r for r in evaluation.results.filter(pk__in=[n for n in named if n.isdigit()])}
    positions = {}
    for pk_, row in rows.items():
        try:
            positions[row.submission_id] = int(request.POST.get(f"position_{pk_}", ""))
        except ValueError:
            positions[row.submission_id] = 0
    order = [k for k, _p in sorted(positions.items(), key=lambda item: item[1])]
    try:
        if sorted(positions.values()) != list(range(1, len(positions) + 1)):
            raise EvaluationError(_("Give each tied bid a different place: 1, 2, 3…"))
        record_vote(seat.competition, order=order, by=request)
    except EvaluationError as exc:
        return _refused(request, seat, evaluation, exc)
    messages.success(request, _("The commission's vote is recorded."))
    return redirect("evaluation:deliberation", pk=pk)


@login_required
@require_POST
def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    seat, evaluation = _evaluation_for_seat(request, pk)
    _lead(seat)
    seats = seat.competition.commission.select_related("user").order_by("role", "pk")
    form = MeetingForm(request.POST, seats=seats)
    if not form.is_valid():
        return _render(request, seat, evaluation, forms={"meeting": form}, status=400)
    try:
        save_meeting(
            seat.competition,
            meeting_on=form.cleaned_data["meeting_on"],
            place=form.cleaned_data["place"],
            attendees=form.cleaned_data["attendees"],
            decisions=form.cleaned_data["decisions"],
            by=request,
        )
    except EvaluationError as exc:
        form.add_error(None, str(exc))
        return _refused(request, seat, evaluation, exc, forms={"meeting": form})
    messages.success(request, _("The meeting's record is saved."))
    return redirect("evaluation:deliberation", pk=pk)


@login_required
@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    seat, evaluation = _evaluation_for_seat(request, pk)
    if seat.role != Role.CHAIR:
        raise PermissionDenied(_("The chair approves the results."))
    try:
        approve_results(seat.competition, by=request)
    except (NotReadyToPublish, EvaluationError) as exc:
        return _refused(request, seat, evaluation, exc)
    messages.success(
        request, _("The results are approved and published. The appeal window is open.")
    )
    return redirect("evaluation:results", pk=pk)


# --- public --------------------------------------------------------------------------


@require_GET
def public_results(request: HttpRequest, pk: int) -> HttpResponse:
    """The call's published results: ranking, scores, amounts, what changed since the
    first edition, and each member's scores when the call publishes them."""
    call = Competition.objects.public().select_related("municipality").filter(pk=pk).first()
    if call is None:
        raise Http404
    phase = call.phase
    if not (phase.results_published or phase.is_final):
        raise Http404
    evaluation = CallEvaluation.objects.filter(competition=call).first()
    if evaluation is None or not evaluation.edition:
        raise Http404
    rows = results_rows(evaluation)
    changes = list(
        ResultChange.objects.filter(evaluation=evaluation).select_related(
            "submission__bid__organization"
        )
    )
    documents = _published_documents(evaluation, call.publish_member_scores)
    for change in changes:
        # The statuses as words in the reader's language (the record keeps the codes).
        change.labels = {  # type: ignore[attr-defined]
            side: BidResult.Status(getattr(change, side)["status"]).label
            for side in ("before", "after")
        }
    seats = call.commission.count()
    return render(
        request,
        "evaluation/results.html",
        {
            "call": call,
            "phase": phase,
            "evaluation": evaluation,
            "rows": rows,
            "matrix": member_totals(call, rows) if call.publish_member_scores else None,
            "changes": changes,
            "appeals": list(
                Appeal.objects.filter(submission__bid__competition=call).select_related(
                    "submission__bid__organization"
                )
            ),
            "attendees": evaluation.attendees.count(),
            "seats": seats,
            "quorum": quorum_needed(call, seats),
            "appeal_open": call.appeal_window_open(timezone.now()),
            "documents": documents,
        },
    )


def _published_documents(evaluation: CallEvaluation, consolidated: bool) -> list[dict[str, Any]]:
    """The newest ready protocol (and consolidated sheet) per language: the edition the
    page shows, for anyone to download."""
    kinds = {"evaluation-protocol": _("Protocol of the commission")}
    if consolidated:
        kinds["evaluation-consolidated"] = _("Consolidated score sheet")
    ready = (
        GeneratedDocument.objects.for_object(evaluation, kind=list(kinds))
        .filter(status=GeneratedDocument.Status.READY)
        .order_by("kind", "language", "-created_at")
    )
    found: dict[str, dict[str, Any]] = {}
    for doc in ready:
        entry = found.setdefault(doc.kind, {"label": kinds[doc.kind], "files": {}})
        entry["files"].setdefault(doc.language, doc)
    return [
        {"label": entry["label"], "files": list(entry["files"].values())}
        for entry in found.values()
    ]
