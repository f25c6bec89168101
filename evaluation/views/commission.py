"""A commission member's own pages for a call: the confidentiality declaration, the
list of admitted bids with the declaration on each, and reading a bid's frozen
submission and its documents (T6, T7). Every change is a POST; an out-of-order step
answers 409 (T20)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from applications.models import BidDocument, BidSubmission
from competitions.models import CommissionMember
from evaluation import confidentiality
from evaluation.exceptions import EvaluationError, OutOfOrder
from evaluation.forms import ConfidentialityForm, ConflictForm
from evaluation.models import ConflictDeclaration
from evaluation.permissions import get_seat_for_user, get_submission_for_member
from evaluation.selectors import admitted_submissions, quorum_summary
from evaluation.services.declarations import declare_conflict, sign_confidentiality
from municipal_order.lib.downloads import private_file_response

Role = CommissionMember.Role


def _call_url(seat: CommissionMember) -> str:
    return reverse("evaluation:commission_call", args=[seat.competition_id])


def _unsigned(request: HttpRequest, seat: CommissionMember) -> HttpResponse | None:
    """T7: nothing of the call's evaluation before the confidentiality declaration."""
    if seat.signed is not None:  # type: ignore[attr-defined]
        return None
    return redirect("evaluation:confidentiality", pk=seat.competition_id)


# --- confidentiality ---------------------------------------------------------------


def _render_confidentiality(
    request: HttpRequest, seat: CommissionMember, form: ConfidentialityForm, status: int = 200
) -> HttpResponse:
    call = seat.competition
    return render(
        request,
        "evaluation/confidentiality.html",
        {
            "call": call,
            "seat": seat,
            "signed": seat.signed,  # type: ignore[attr-defined]
            "paragraphs": confidentiality.paragraphs(),
            "form": form,
            "can_sign": call.phase.in_admission or call.phase.scoring,
        },
        status=status,
    )


@login_required
@require_GET
def confidentiality_form(request: HttpRequest, pk: int) -> HttpResponse:
    seat = get_seat_for_user(request, pk)
    form = ConfidentialityForm(initial={"text_sha256": confidentiality.text_sha256()})
    return _render_confidentiality(request, seat, form)


@login_required
@require_POST
def confidentiality_sign(request: HttpRequest, pk: int) -> HttpResponse:
    seat = get_seat_for_user(request, pk)
    form = ConfidentialityForm(request.POST)
    if not form.is_valid():
        return _render_confidentiality(request, seat, form, status=400)
    try:
        sign_confidentiality(seat, text_sha256=form.cleaned_data["text_sha256"], by=request)
    except EvaluationError as exc:
        form.add_error(None, str(exc))
        status = 409 if isinstance(exc, OutOfOrder) else 400
        if isinstance(exc, OutOfOrder):
            # A new wording: show it, with its own fingerprint, to read and sign again.
            form = _fresh_with_error(form, str(exc))
        return _render_confidentiality(request, seat, form, status=status)
    messages.success(request, _("The confidentiality declaration is signed."))
    return redirect(_call_url(seat))


def _fresh_with_error(form: ConfidentialityForm, error: str) -> ConfidentialityForm:
    fresh = ConfidentialityForm({"text_sha256": confidentiality.text_sha256()})
    fresh.is_valid()
    fresh.errors.clear()
    fresh.add_error(None, error)
    return fresh


# --- the member's list of bids -------------------------------------------------------


def _rows(seat: CommissionMember) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The admitted bids to work on and, apart, those the member is recused from."""
    submissions = list(admitted_submissions(seat.competition))
    mine = {
        d.submission_id: d
        for d in ConflictDeclaration.objects.filter(
            seat=seat, submission__in=[s.pk for s in submissions]
        )
    }
    work, recused = [], []
    for s in submissions:
        declaration = mine.get(s.pk)
        row = {
            "submission": s,
            "organization": s.bid.organization.name,
            "title": s.content.get("title", ""),
            "declaration": declaration,
            "url": reverse("evaluation:commission_bid", args=[seat.competition_id, s.pk]),
        }
        (recused if declaration is not None and declaration.has_conflict else work).append(row)
    return work, recused


def _quorum(seat: CommissionMember) -> dict[str, Any] | None:
    """The chair's and the secretary's view of recusals: bids short of the quorum (every
    bid's, also those they are recused from)."""
    call = seat.competition
    if seat.role not in {Role.CHAIR, Role.SECRETARY} or not call.phase.scoring:
        return None
    return quorum_summary(call)


@login_required
@require_GET
def commission_call(request: HttpRequest, pk: int) -> HttpResponse:
    seat = get_seat_for_user(request, pk)
    if (unsigned := _unsigned(request, seat)) is not None:
        return unsigned
    call = seat.competition
    phase = call.phase
    work, recused = _rows(seat) if phase.is_closed and not phase.in_admission else ([], [])
    return render(
        request,
        "evaluation/commission_call.html",
        {
            "call": call,
            "seat": seat,
            "phase": phase,
            "rows": work,
            "recused": recused,
            "to_declare": sum(1 for r in work if r["declaration"] is None),
            "quorum": _quorum(seat),
            "declaring_open": phase.scoring,
        },
    )


# --- one bid -------------------------------------------------------------------------


def _document_rows(submission: BidSubmission) -> list[dict[str, Any]]:
    """The documents frozen in the submission, each with its download link."""
    return [
        {
            **d,
            "url": reverse(
                "evaluation:commission_document",
                args=[submission.bid.competition_id, submission.pk, d["id"]],
            ),
        }
        for d in submission.content.get("documents", [])
    ]


def _render_bid(
    request: HttpRequest,
    seat: CommissionMember,
    submission: BidSubmission,
    declaration: ConflictDeclaration | None,
    *,
    form: ConflictForm | None = None,
    status: int = 200,
) -> HttpResponse:
    call = seat.competition
    reading = declaration is not None and not declaration.has_conflict
    return render(
        request,
        "evaluation/commission_bid.html",
        {
            "call": call,
            "seat": seat,
            "submission": submission,
            "organization": submission.bid.organization.name,
            "title": submission.content.get("title", ""),
            "declaration": declaration,
            # Nothing of the content reaches the page before "no conflict" (T7).
            "content": readable(submission.content) if reading else None,
            "documents": _document_rows(submission) if reading else [],
            "form": form or ConflictForm(),
            "declaring_open": call.phase.scoring,
        },
        status=status,
    )


@login_required
@require_GET
def commission_bid(request: HttpRequest, pk: int, submission_id) -> HttpResponse:
    seat = get_seat_for_user(request, pk)
    if (unsigned := _unsigned(request, seat)) is not None:
        return unsigned
    submission, declaration = get_submission_for_member(seat, submission_id)
    return _render_bid(request, seat, submission, declaration)


@login_required
@require_POST
def declare(request: HttpRequest, pk: int, submission_id) -> HttpResponse:
    seat = get_seat_for_user(request, pk)
    if (unsigned := _unsigned(request, seat)) is not None:
        return unsigned
    submission, declaration = get_submission_for_member(seat, submission_id)
    form = ConflictForm(request.POST)
    if not form.is_valid():
        return _render_bid(request, seat, submission, declaration, form=form, status=400)
    has_conflict = form.cleaned_data["has_conflict"] == ConflictForm.YES
    try:
        declare_conflict(
            seat,
            submission,
            has_conflict=has_conflict,
            statement=form.cleaned_data["statement"],
            by=request,
        )
    except EvaluationError as exc:
        form.add_error(None, str(exc))
        status = 409 if isinstance(exc, OutOfOrder) else 400
        return _render_bid(request, seat, submission, declaration, form=form, status=status)
    if has_conflict:
        messages.success(
            request,
            _("Your conflict of interest is recorded: you take no part in this bid."),
        )
        return redirect(_call_url(seat))
    messages.success(request, _("No conflict of interest declared: the bid is open to you."))
    return redirect("evaluation:commission_bid", pk=pk, submission_id=submission.pk)


@login_required
@require_GET
def commission_document(request: HttpRequest, pk: int, submission_id, document_id) -> HttpResponse:
    """A document of the frozen submission, for a member who declared no conflict."""
    seat = get_seat_for_user(request, pk)
    if (unsigned := _unsigned(request, seat)) is not None:
        return unsigned
    submission, declaration = get_submission_for_member(seat, submission_id)
    if declaration is None:  # T7: the declaration on the bid comes first
        return redirect("evaluation:commission_bid", pk=pk, submission_id=submission.pk)
    frozen = {d["id"] for d in submission.content.get("documents", [])}
    if str(document_id) not in frozen:
        raise Http404
    document = BidDocument.objects.filter(pk=document_id, bid=submission.bid).first()
    if document is None:
        raise Http404
    return private_file_response(document.file, filename=document.name, kind=document.kind)


def readable(content: dict[str, Any]) -> dict[str, Any]:
    """The frozen content as the page shows it: rows as unsaved model instances (their
    labels and computed amounts), dates and amounts typed again from the JSON."""
    import datetime
    from decimal import Decimal

    from applications.models import BudgetLine, Indicator, PlanActivity
    from competitions.models import PriorityProblem

    def decimal(row: dict[str, Any], *names: str) -> dict[str, Any]:
        return {
            k: Decimal(str(v)) if k in names and v not in (None, "") else v for k, v in row.items()
        }

    activities = [
        PlanActivity(
            **{
                **row,
                "starts_on": datetime.date.fromisoformat(row["starts_on"]),
                "ends_on": datetime.date.fromisoformat(row["ends_on"]),
            }
        )
        for row in content.get("activities", [])
    ]
    indicators = [
        Indicator(**decimal(row, "baseline", "target")) for row in content.get("indicators", [])
    ]
    lines = [
        BudgetLine(**decimal(row, "quantity", "unit_cost", "own_contribution", "other_sources"))
        for row in content.get("budget_lines", [])
    ]
    totals = {k: Decimal(str(v)) for k, v in content.get("totals", {}).items()}
    problem = content.get("problem")
    return {
        **{k: content.get(k, "") for k in ("title", "summary", "goal", "tasks", "team")},
        **{k: content.get(k, "") for k in ("target_group", "beneficiaries", "partners")},
        "problem": PriorityProblem.objects.filter(pk=problem).first() if problem else None,
        "activities": activities,
        "indicators": indicators,
        "lines": lines,
        "sums": totals,
    }
