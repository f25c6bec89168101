"""A call's bids from the municipality's side: sealed until the deadline.

Before `closes_at` the officers see how many bids arrived and nothing else; the
export is refused. A site administrator may break the seal early only with a
written reason, which is audited and published on the call's page.
"""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.permissions import is_site_admin
from applications.exceptions import ApplicationsError
from applications.forms import SealBreakForm
from applications.models import BidSubmission
from applications.permissions import is_sealed, sealed_message
from applications.services.seal import break_seal
from competitions.models import Competition
from competitions.permissions import get_call_for_user, get_public_call
from municipal_order.lib.spreadsheet import safe_cell


def _active_submissions(call: Competition):
    return (
        BidSubmission.objects.filter(bid__competition=call, status=BidSubmission.Status.ACTIVE)
        .select_related("bid__organization")
        .order_by("submitted_at")
    )


@login_required
@require_GET
def call_bids(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    call = get_call_for_user(request, code, pk)
    sealed = is_sealed(call)
    return render(
        request,
        "applications/call_bids.html",
        {
            "call": call,
            "municipality": call.municipality,
            "sealed": sealed,
            "sealed_message": sealed_message(call) if sealed else "",
            "count": call.bids.submitted().count(),
            # Nothing about a bid leaves the database while it is sealed.
            "submissions": [] if sealed else _active_submissions(call),
        },
    )


@login_required
@require_GET
def call_bids_export(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """The received bids as CSV (UTF-8 with BOM, so that spreadsheets read Cyrillic)."""
    call = get_call_for_user(request, code, pk)
    if is_sealed(call):
        raise PermissionDenied(sealed_message(call))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="call-{call.pk}-bids.csv"'
    response["Cache-Control"] = "private, no-store"
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Receipt No."),
            _("Received (Bishkek time)"),
            _("Organisation"),
            _("INN"),
            _("Project"),
            _("Total cost, KGS"),
            _("Own contribution, KGS"),
            _("Requested, KGS"),
            _("SHA-256 of the content"),
        ]
    )
    for s in _active_submissions(call):
        sums = s.content["totals"]
        row = [
            s.receipt_number,
            timezone.localtime(s.submitted_at).strftime("%d.%m.%Y %H:%M:%S"),
            s.bid.organization.name,
            s.content["organization"]["inn"],
            s.content["title"],
            sums["total"],
            sums["own"],
            sums["requested"],
            s.content_sha256,
        ]
        writer.writerow([safe_cell(value) for value in row])
    return response


@login_required
@require_http_methods(["GET", "POST"])
def seal_break(request: HttpRequest, pk: int) -> HttpResponse:
    if not is_site_admin(request.user):
        raise PermissionDenied(_("Only a site administrator may open sealed bids."))
    call = get_public_call(pk)
    form = SealBreakForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            break_seal(call, reason=form.cleaned_data["reason"], by=request)
        except ApplicationsError as exc:
            form.add_error("reason", str(exc))
        else:
            messages.warning(request, _("The seal is broken. The opening is published."))
            return redirect("competitions:call_detail", pk=call.pk)
    return render(
        request,
        "applications/seal_break.html",
        {
            "call": call,
            "form": form,
            "sealed": is_sealed(call),
            "count": call.bids.submitted().count(),
        },
        status=400 if form.errors else 200,
    )
