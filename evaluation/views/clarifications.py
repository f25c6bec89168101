"""The applicant's side of a clarification: answer it (text and files), download files."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from evaluation.forms import AnswerForm
from evaluation.permissions import get_clarification_file, get_clarification_for_answer
from evaluation.services.clarifications import answer_clarification
from evaluation.views.refusals import attempt
from municipal_order.lib.downloads import private_file_response


@login_required
@require_POST
def answer(request: HttpRequest, pk, request_id: int) -> HttpResponse:
    """The answer form sits on the bid's page; a refused answer is shown again here."""
    clarification = get_clarification_for_answer(request, pk, request_id)
    form = AnswerForm(request.POST, request.FILES)
    status = 400
    if form.is_valid():
        status = attempt(
            form,
            lambda: answer_clarification(
                clarification,
                text=form.cleaned_data["text"],
                files=form.cleaned_data["files"],
                by=request,
            ),
        )
        if status is None:
            messages.success(request, _("Your answer is sent to the municipality."))
            return redirect("applications:bid_detail", pk=pk)
    return render(
        request,
        "evaluation/clarification_answer.html",
        {
            "clarification": clarification,
            "bid": clarification.submission.bid,
            "call": clarification.submission.bid.competition,
            "form": form,
            "now": timezone.now(),
        },
        status=status,
    )


@login_required
@require_GET
def clarification_file(request: HttpRequest, pk, file_id) -> HttpResponse:
    found = get_clarification_file(request, pk, file_id)
    return private_file_response(found.file, filename=found.name, kind=found.kind)
