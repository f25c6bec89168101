"""Admission from the municipality's side: decide each bid, ask for clarifications,
open scoring. Every change is a POST; an out-of-order step answers 409 (T20)."""

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

from applications.models import BidSubmission
from applications.permissions import is_sealed, sealed_message
from competitions.models import Competition
from competitions.permissions import check_municipality_access
from evaluation.exceptions import EvaluationError, OutOfOrder, ScoringNotReady
from evaluation.forms import ClarificationForm, DecisionForm
from evaluation.models import ClarificationFile
from evaluation.permissions import Access, get_call_for_admission
from evaluation.selectors import (
    active_submissions,
    count_decisions,
    decision_of,
    scoring_problems,
)
from evaluation.services.admission import decide_admission, open_scoring
from evaluation.services.clarifications import request_clarification
from municipal_order.lib.downloads import private_file_response


def _prefix(submission: BidSubmission, kind: str) -> str:
    return f"{kind}-{submission.receipt_number}"


def _rows(
    submissions: list[BidSubmission], bound: dict[tuple[str, Any], Any]
) -> list[dict[str, Any]]:
    rows = []
    for s in submissions:
        admission = getattr(s, "admission", None)
        clarifications = list(s.clarifications.all())
        decide = bound.get(("decide", s.pk)) or DecisionForm(
            prefix=_prefix(s, "decide"),
            initial={
                "decision": admission.decision,
                "reason": admission.reason,
                "note": admission.note,
            }
            if admission is not None and admission.is_final
            else {},
        )
        clarify = bound.get(("clarify", s.pk)) or ClarificationForm(prefix=_prefix(s, "clarify"))
        rows.append(
            {
                "submission": s,
                "bid": s.bid,
                "title": s.content.get("title", ""),
                "admission": admission,
                "decision": decision_of(s),
                "clarifications": clarifications,
                "open_request": next((c for c in clarifications if c.closed_at is None), None),
                "decide_form": decide,
                "clarify_form": clarify,
                "expanded": any(k[1] == s.pk for k in bound),
            }
        )
    return rows


def _render(
    request: HttpRequest,
    call: Competition,
    access: Access,
    *,
    bound: dict[tuple[str, Any], Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    bound = bound or {}
    phase = call.phase
    sealed = is_sealed(call)
    # Nothing about a bid leaves the database while the bids are sealed.
    submissions = [] if sealed else list(active_submissions(call))
    counts = count_decisions(submissions)
    return render(
        request,
        "evaluation/admission.html",
        {
            "call": call,
            "municipality": call.municipality,
            "phase": phase,
            "access": access,
            # Officers, ministry staff and administrators come from the workspace; the
            # commission's secretary and chair from the public call page.
            "workspace": _opens_workspace(request, call),
            "sealed_message": sealed_message(call) if sealed else "",
            "rows": _rows(submissions, bound),
            "counts": counts,
            "can_decide": access.decide and phase.in_admission,
            "scoring_problems": scoring_problems(call, counts) if phase.in_admission else [],
            "can_open_scoring": access.open_scoring and phase.in_admission,
            # At most one form is sent at a time: the summary names its errors.
            "bound_form": next(iter(bound.values()), None),
            "now": timezone.now(),
        },
        status=status,
    )


def _opens_workspace(request: HttpRequest, call: Competition) -> bool:
    try:
        check_municipality_access(request, call.municipality)
    except (Http404, PermissionDenied):
        return False
    return True


@login_required
@require_GET
def admission(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    call, access = get_call_for_admission(request, code, pk)
    return _render(request, call, access)


def _submission(call: Competition, submission_id) -> BidSubmission:
    submission = (
        BidSubmission.objects.select_related("bid")
        .filter(pk=submission_id, bid__competition=call)
        .first()
    )
    if submission is None:
        raise Http404
    return submission


def _refused(request, call, access, exc: EvaluationError, bound) -> HttpResponse:
    """A refused step: 409 when out of order (T20), else 400 with the form's error."""
    if isinstance(exc, ScoringNotReady):
        for problem in exc.problems:
            messages.error(request, problem)
        return _render(request, call, access, bound=bound, status=409)
    if isinstance(exc, OutOfOrder):
        messages.error(request, str(exc))
        return _render(request, call, access, bound=bound, status=409)
    for form in bound.values():
        form.add_error(None, str(exc))
    return _render(request, call, access, bound=bound, status=400)


@login_required
@require_POST
def decide(request: HttpRequest, code: str, pk: int, submission_id) -> HttpResponse:
    call, access = get_call_for_admission(request, code, pk, decide=True)
    submission = _submission(call, submission_id)
    form = DecisionForm(request.POST, prefix=_prefix(submission, "decide"))
    bound = {("decide", submission.pk): form}
    if not form.is_valid():
        return _render(request, call, access, bound=bound, status=400)
    data = form.cleaned_data
    try:
        decision = decide_admission(
            submission,
            decision=data["decision"],
            reason=data["reason"],
            note=data["note"],
            by=request,
        )
    except EvaluationError as exc:
        return _refused(request, call, access, exc, bound)
    messages.success(
        request,
        _("Bid %(receipt)s: %(decision)s.")
        % {"receipt": submission.receipt_number, "decision": decision.get_decision_display()},
    )
    return redirect(f"{_admission_url(call)}#bid-{submission.receipt_number}")


@login_required
@require_POST
def clarify(request: HttpRequest, code: str, pk: int, submission_id) -> HttpResponse:
    call, access = get_call_for_admission(request, code, pk, decide=True)
    submission = _submission(call, submission_id)
    form = ClarificationForm(request.POST, prefix=_prefix(submission, "clarify"))
    bound = {("clarify", submission.pk): form}
    if not form.is_valid():
        return _render(request, call, access, bound=bound, status=400)
    try:
        request_clarification(
            submission,
            question=form.cleaned_data["question"],
            due_at=form.cleaned_data["due_at"],
            by=request,
        )
    except EvaluationError as exc:
        return _refused(request, call, access, exc, bound)
    messages.success(
        request,
        _("Bid %(receipt)s: the clarification request is sent to the applicant.")
        % {"receipt": submission.receipt_number},
    )
    return redirect(f"{_admission_url(call)}#bid-{submission.receipt_number}")


@login_required
@require_POST
def scoring_open(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    call, access = get_call_for_admission(request, code, pk, open_scoring=True)
    try:
        open_scoring(call, by=request)
    except EvaluationError as exc:
        return _refused(request, call, access, exc, {})
    messages.success(request, _("Admission is closed; the commission scores the admitted bids."))
    return redirect(_admission_url(call))


@login_required
@require_GET
def admission_file(request: HttpRequest, code: str, pk: int, file_id) -> HttpResponse:
    """A file of a clarification answer, for whoever reads the call's admission."""
    call, _access = get_call_for_admission(request, code, pk)
    found = ClarificationFile.objects.filter(
        pk=file_id, request__submission__bid__competition=call
    ).first()
    if found is None:
        raise Http404
    return private_file_response(found.file, filename=found.name, kind=found.kind)


def _admission_url(call: Competition) -> str:
    from django.urls import reverse

    return reverse("evaluation:admission", args=[call.municipality.code, call.pk])
