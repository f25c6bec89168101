"""The municipality's workspace: its team, its documents and its history."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import is_site_admin
from audit.models import AuditEvent
from competitions.exceptions import CompetitionsError
from competitions.extensions import WORKSPACE, WORKSPACE_LINKS
from competitions.forms import AddStaffForm, MunicipalityFilterForm
from competitions.models import MunicipalStaff, Region
from competitions.permissions import (
    get_municipality_for_user,
    get_staff_for_user,
    municipalities_for,
    staff_membership,
)
from competitions.services.team import add_municipal_staff, remove_municipal_staff
from competitions.views.territories import municipality_page, query_without_page
from documents.models import GeneratedDocument

# "My municipalities" offers a search to those with more municipalities than this.
SEARCH_FROM = 10


@login_required
@require_GET
def my_municipalities(request: HttpRequest) -> HttpResponse:
    # Ministry staff see a whole region or the country: paged, and searched as the
    # public directory is.
    form = MunicipalityFilterForm(request.GET or None)
    q = form.cleaned_data.get("q", "") if form.is_valid() else ""
    page, _per_region = municipality_page(
        municipalities_for(request.user), q, request.GET.get("page"), Region.objects.all()
    )
    return render(
        request,
        "competitions/my_municipalities.html",
        {
            "page": page,
            "q": q,
            "query": query_without_page(request),
            "total": page.paginator.count,
            # A handful is read at a glance; a search box would only be in the way.
            "searchable": bool(q) or page.paginator.count > SEARCH_FROM,
        },
    )


def _workspace_context(request: HttpRequest, municipality, form: AddStaffForm) -> dict:
    membership = staff_membership(request.user, municipality)
    return {
        "municipality": municipality,
        "membership": membership,
        "can_manage": is_site_admin(request.user)
        or (membership is not None and membership.role == MunicipalStaff.Role.HEAD),
        "can_write": is_site_admin(request.user) or membership is not None,
        "staff": municipality.staff.select_related("user").order_by("role", "user__full_name"),
        "form": form,
        "history": AuditEvent.objects.for_object(municipality).select_related("actor")[:50],
        "calls": municipality.competitions.exclude(status="cancelled")
        .with_counts()
        .order_by("-created_at")[:10],
        "panels": WORKSPACE.collect(request, municipality),
        "links": WORKSPACE_LINKS.collect(request, municipality),
        "draft_problems": municipality.problems.filter(status="draft")[:10],
        "documents": GeneratedDocument.objects.for_object(municipality)[:10],
    }


@login_required
@require_GET
def workspace(request: HttpRequest, code: str) -> HttpResponse:
    municipality = get_municipality_for_user(request, code)
    context = _workspace_context(request, municipality, AddStaffForm())
    return render(request, "competitions/workspace.html", context)


@login_required
@require_POST
def add_staff(request: HttpRequest, code: str) -> HttpResponse:
    municipality = get_municipality_for_user(request, code, manage=True)
    form = AddStaffForm(request.POST)
    if form.is_valid():
        try:
            add_municipal_staff(
                municipality,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                position=form.cleaned_data["position"],
                by=request,
            )
        except CompetitionsError as exc:
            form.add_error("email", str(exc))
        else:
            messages.success(request, _("The officer has been added and notified."))
            return redirect("competitions:workspace", code=municipality.code)
    # The form again, with what was typed and the reason.
    context = _workspace_context(request, municipality, form)
    return render(request, "competitions/workspace.html", context, status=400)


@login_required
@require_POST
def remove_staff(request: HttpRequest, code: str, staff_id: int) -> HttpResponse:
    staff = get_staff_for_user(request, code, staff_id)
    try:
        remove_municipal_staff(staff, by=request)
    except CompetitionsError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The officer has been removed."))
    return redirect("competitions:workspace", code=code)
