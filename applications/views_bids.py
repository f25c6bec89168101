"""Bids: apply to a call, edit the draft, submit for a receipt, withdraw."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from applications import bids as services
from applications.exceptions import (
    AlreadySubmitted,
    ApplicationsError,
    BidIncomplete,
    SubmissionClosed,
)
from applications.forms import ApplyForm, BidForm, BudgetFormSet
from applications.models import Bid, BidSubmission, OrganizationMember
from applications.permissions import get_bid_for_user
from competitions.permissions import get_public_call
from documents.models import GeneratedDocument


@login_required
@require_POST
def apply(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_public_call(pk)
    form = ApplyForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, _("Choose the organisation you apply for."))
        return redirect("competitions:call_detail", pk=call.pk)
    try:
        bid = services.start_bid(call, form.cleaned_data["organization"], by=request)
    except ApplicationsError as exc:
        messages.error(request, str(exc))
        return redirect("competitions:call_detail", pk=call.pk)
    return redirect("applications:bid_edit", pk=bid.pk)


def _editable(bid: Bid) -> bool:
    return bid.status == Bid.Status.DRAFT and bid.competition.phase() in {"upcoming", "accepting"}


def _context(request, bid, form, budget, **extra) -> dict:
    membership = OrganizationMember.objects.filter(
        user=request.user, organization=bid.organization
    ).first()
    return {
        "bid": bid,
        "call": bid.competition,
        "form": form,
        "budget": budget,
        "sums": services.totals(bid.budget_lines.all()),
        "missing": services.missing_items(bid) if bid.status == Bid.Status.DRAFT else [],
        "submissions": bid.submissions.all(),
        "editable": _editable(bid),
        "can_write": membership is not None and membership.role in {"admin", "editor"},
        "idempotency_key": uuid.uuid4().hex,
        "phase": bid.competition.phase(),
        **extra,
    }


@login_required
@require_http_methods(["GET", "POST"])
def bid_edit(request: HttpRequest, pk) -> HttpResponse:
    bid = get_bid_for_user(request, pk, write=request.method == "POST")
    if request.method == "POST":
        form = BidForm(request.POST, instance=bid, call=bid.competition)
        budget = BudgetFormSet(request.POST, prefix="budget")
        if form.is_valid() and budget.is_valid():
            try:
                services.save_bid(
                    bid,
                    data={k: v for k, v in form.cleaned_data.items() if k != "version"},
                    budget_lines=budget.rows(),
                    expected_version=form.cleaned_data["version"],
                    by=request,
                )
            except ApplicationsError as exc:  # EditConflict included: nothing typed is lost
                messages.error(request, str(exc))
                bid.refresh_from_db()
                return render(
                    request,
                    "applications/bid_form.html",
                    _context(request, bid, form, budget),
                    status=409,
                )
            messages.success(request, _("The draft is saved."))
            return redirect("applications:bid_edit", pk=bid.pk)
        bid.refresh_from_db()
        return render(
            request, "applications/bid_form.html", _context(request, bid, form, budget), status=400
        )
    form = BidForm(instance=bid, call=bid.competition)
    lines = [{f: getattr(line, f) for f in services.LINE_FIELDS} for line in bid.budget_lines.all()]
    budget = BudgetFormSet(initial=lines, prefix="budget")
    return render(request, "applications/bid_form.html", _context(request, bid, form, budget))


@login_required
@require_POST
def bid_submit(request: HttpRequest, pk) -> HttpResponse:
    bid = get_bid_for_user(request, pk, write=True)
    key = request.POST.get("idempotency_key", "")[:64] or uuid.uuid4().hex
    try:
        submission = services.submit_bid(bid, idempotency_key=key, by=request)
    except BidIncomplete as exc:
        for item in exc.missing:
            messages.error(request, item)
        return redirect("applications:bid_edit", pk=bid.pk)
    except (SubmissionClosed, AlreadySubmitted) as exc:
        return render(
            request,
            "applications/bid_not_submitted.html",
            {"bid": bid, "reason": str(exc)},
            status=409,
        )
    return redirect("applications:receipt", pk=bid.pk, submission_id=submission.pk)


@login_required
@require_POST
def bid_withdraw(request: HttpRequest, pk) -> HttpResponse:
    bid = get_bid_for_user(request, pk, write=True)
    try:
        services.withdraw_bid(bid, by=request)
    except ApplicationsError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("The bid is withdrawn and back to draft. Submit it again before the deadline."),
        )
    return redirect("applications:bid_edit", pk=bid.pk)


@login_required
@require_GET
def receipt(request: HttpRequest, pk, submission_id) -> HttpResponse:
    bid = get_bid_for_user(request, pk)
    submission = get_object_or_404(BidSubmission, pk=submission_id, bid=bid)
    receipts = GeneratedDocument.objects.filter(
        kind="bid-receipt", object_id=str(submission.pk)
    ).order_by("language", "-created_at")
    return render(
        request,
        "applications/receipt.html",
        {"bid": bid, "submission": submission, "receipts": receipts},
    )
