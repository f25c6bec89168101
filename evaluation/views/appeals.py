"""Appeals: the applicant files one from its bid's page; the chair or the secretary
decides it on the deliberation page; the chair publishes corrected results once the
upheld appeals' bids are scored again. Files download for the applicant and the
commission."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from competitions.models import CommissionMember
from evaluation.exceptions import EvaluationError
from evaluation.forms import AppealDecisionForm, AppealForm
from evaluation.permissions import (
    get_appeal_file,
    get_appeal_file_for_seat,
    get_appeal_for_lead,
    get_seat_for_user,
    get_submission_for_appeal,
)
from evaluation.services.appeals import decide_appeal, file_appeal, republish_results
from evaluation.views.refusals import attempt
from evaluation.views.results import _evaluation_for_seat, _refused, _render
from municipal_order.lib.downloads import private_file_response

Role = CommissionMember.Role


@login_required
@require_POST
def appeal(request: HttpRequest, pk) -> HttpResponse:
    """The appeal form sits on the bid's page; a refused appeal is shown again here."""
    submission = get_submission_for_appeal(request, pk)
    form = AppealForm(request.POST, request.FILES)
    status = 400
    if form.is_valid():
        status = attempt(
            form,
            lambda: file_appeal(
                submission,
                text=form.cleaned_data["text"],
                files=form.cleaned_data["files"],
                by=request,
            ),
        )
        if status is None:
            messages.success(
                request, _("Your appeal is filed. The commission answers with reasons.")
            )
            return redirect("applications:bid_detail", pk=pk)
    return render(
        request,
        "evaluation/appeal_form.html",
        {"bid": submission.bid, "call": submission.bid.competition, "form": form},
        status=status,
    )


@login_required
@require_GET
def appeal_file(request: HttpRequest, pk, file_id) -> HttpResponse:
    found = get_appeal_file(request, pk, file_id)
    return private_file_response(found.file, filename=found.name, kind=found.kind)


@login_required
@require_GET
def commission_appeal_file(request: HttpRequest, pk: int, file_id) -> HttpResponse:
    seat = get_seat_for_user(request, pk)
    if seat.signed is None:  # type: ignore[attr-defined]
        raise PermissionDenied(_("Sign the confidentiality declaration first."))
    found = get_appeal_file_for_seat(seat, file_id)
    return private_file_response(found.file, filename=found.name, kind=found.kind)


@login_required
@require_POST
def decide(request: HttpRequest, pk: int, appeal_id: int) -> HttpResponse:
    seat, evaluation = _evaluation_for_seat(request, pk)
    found = get_appeal_for_lead(seat, appeal_id)
    form = AppealDecisionForm(request.POST, prefix=f"a{found.pk}")
    if not form.is_valid():
        return _render(request, seat, evaluation, forms={f"a{found.pk}": form}, status=400)
    try:
        decide_appeal(
            found,
            uphold=form.cleaned_data["outcome"] == AppealDecisionForm.UPHOLD,
            reasons=form.cleaned_data["reasons"],
            by=request,
        )
    except EvaluationError as exc:
        return _refused(request, seat, evaluation, exc, forms={f"a{found.pk}": form})
    messages.success(request, _("The decision on the appeal is recorded and the applicant told."))
    return redirect("evaluation:deliberation", pk=pk)


@login_required
@require_POST
def republish(request: HttpRequest, pk: int) -> HttpResponse:
    seat, evaluation = _evaluation_for_seat(request, pk)
    if seat.role != Role.CHAIR:
        raise PermissionDenied(_("The chair publishes the corrected results."))
    try:
        republish_results(seat.competition, by=request)
    except EvaluationError as exc:
        return _refused(request, seat, evaluation, exc)
    messages.success(request, _("The corrected results are published with the record of changes."))
    return redirect("evaluation:results", pk=pk)
