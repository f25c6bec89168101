"""Projects: the public page, the officer's list and project page with the agreement,
tranches, payments, milestones and indicators. Every change is a POST through a
service; a refusal keeps what was typed and answers 400, or 409 out of order."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from competitions.permissions import get_call_for_user, get_municipality_for_user
from monitoring.exceptions import MonitoringError, OutOfOrder
from monitoring.forms import (
    AgreementForm,
    AmendmentForm,
    CompleteForm,
    IndicatorValueForm,
    MilestoneForm,
    PaymentForm,
    SignForm,
    TerminateForm,
    TrancheFormSet,
    VisitForm,
    tranche_initial,
)
from monitoring.models import ProgressReport, Project, VisitPhoto
from monitoring.permissions import get_project_for_user, get_public_project, sees_details
from monitoring.selectors import overdue_q, project_page
from monitoring.services import projects as services
from monitoring.services.reports import addressed_problem, completion_problems
from monitoring.services.visits import record_visit
from municipal_order.lib.downloads import private_file_response

WAITING = [ProgressReport.Status.DUE, ProgressReport.Status.RETURNED]


@require_GET
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_public_project(pk)
    return render(
        request,
        "monitoring/project_detail.html",
        {**project_page(project), "details": sees_details(request.user, project)},
    )


@login_required
@require_GET
def workspace_projects(request: HttpRequest, code: str) -> HttpResponse:
    """The municipality's projects: overdue reports first, then reports to review, then
    late milestones."""
    municipality = get_municipality_for_user(request, code)
    today = timezone.localdate()
    projects = (
        Project.objects.filter(municipality=municipality)
        .select_related("organization", "competition")
        .annotate(
            late=Count("milestones", filter=overdue_q(today), distinct=True),
            late_reports=Count(
                "reports",
                filter=Q(reports__status__in=WAITING, reports__due_on__lt=today),
                distinct=True,
            ),
            to_review=Count(
                "reports", filter=Q(reports__status=ProgressReport.Status.SUBMITTED), distinct=True
            ),
        )
        .order_by("-late_reports", "-to_review", "-late", "status", "-created_at")
    )
    return render(
        request,
        "monitoring/workspace_projects.html",
        {"municipality": municipality, "projects": projects},
    )


def render_manage(
    request: HttpRequest,
    project: Project,
    *,
    forms: dict[str, Any] | None = None,
    errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    forms = forms or {}
    draft = project.status == Project.Status.DRAFT
    active = project.status == Project.Status.ACTIVE
    page = project_page(project)
    # Completing: what still blocks it, else the form (with the problem to mark addressed).
    problems = completion_problems(project) if active else []
    complete_form = (
        CompleteForm(problem=addressed_problem(project)) if active and not problems else None
    )
    context = {
        **page,
        "municipality": project.municipality,
        "errors": errors or [],
        "agreement_form": forms.get("agreement")
        or AgreementForm(instance=project, initial={"version": project.version}),
        "tranche_formset": forms.get("tranches")
        or TrancheFormSet(prefix="tranches", initial=tranche_initial(project)),
        "sign_form": forms.get("sign") or SignForm(initial={"signed_on": timezone.localdate()}),
        "signing_problems": services.signing_problems(project) if draft else [],
        "amend_form": forms.get("amend") or AmendmentForm(initial={"ends_on": project.ends_on}),
        "amend_tranches": forms.get("amend_tranches")
        or TrancheFormSet(prefix="amend", initial=tranche_initial(project)),
        "payment_form": forms.get("payment")
        or PaymentForm(project=project, initial={"paid_on": timezone.localdate()}),
        "milestone_rows": [
            (
                m,
                forms.get(f"m{m.pk}")
                or MilestoneForm(
                    prefix=f"m{m.pk}", initial={"status": m.status, "percent": m.percent}
                ),
            )
            for m in page["milestones"]
        ],
        "indicator_rows": [
            (
                i,
                forms.get(f"i{i.pk}")
                or IndicatorValueForm(
                    prefix=f"i{i.pk}", initial={"measured_on": timezone.localdate()}
                ),
            )
            for i in page["indicators"]
        ],
        "visit_form": forms.get("visit") or VisitForm(initial={"visited_on": timezone.localdate()}),
        "completion_problems": problems,
        "complete_form": forms.get("complete") or complete_form,
        "terminate_form": forms.get("terminate") or TerminateForm(),
        "draft": draft,
        "active": active,
        "details": True,
    }
    return render(request, "monitoring/project_manage.html", context, status=status)


@login_required
@require_GET
def project_manage(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    project = get_project_for_user(request, code, pk)
    return render_manage(request, project)


def manage_done(request: HttpRequest, project: Project, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("monitoring:project_manage", code=project.municipality.code, pk=project.pk)


def manage_refused(request, project, exc: MonitoringError, forms: dict[str, Any]) -> HttpResponse:
    project.refresh_from_db()
    status = 409 if isinstance(exc, OutOfOrder) else 400
    return render_manage(request, project, forms=forms, errors=[str(exc)], status=status)


@login_required
@require_POST
def create_projects(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    call = get_call_for_user(request, code, pk, write=True)
    try:
        made = services.create_projects(call, by=request)
    except MonitoringError as exc:
        return render(
            request,
            "monitoring/create_refused.html",
            {"call": call, "municipality": call.municipality, "error": str(exc)},
            status=409 if isinstance(exc, OutOfOrder) else 400,
        )
    messages.success(request, _("Projects made: %(n)d. Prepare each agreement.") % {"n": len(made)})
    return redirect("monitoring:workspace_projects", code=code)


@login_required
@require_POST
def agreement(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    project = get_project_for_user(request, code, pk, write=True)
    form = AgreementForm(request.POST, instance=Project.objects.get(pk=project.pk))
    tranches = TrancheFormSet(request.POST, prefix="tranches")
    forms = {"agreement": form, "tranches": tranches}
    if not (form.is_valid() and tranches.is_valid()):
        return render_manage(request, project, forms=forms, status=400)
    try:
        services.save_agreement(
            project,
            data={k: v for k, v in form.cleaned_data.items() if k != "version"},
            tranches=tranches.rows(),
            expected_version=form.cleaned_data["version"],
            by=request,
        )
    except MonitoringError as exc:
        return manage_refused(request, project, exc, forms)
    return manage_done(request, project, _("The agreement is saved."))


@login_required
@require_POST
def sign(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    project = get_project_for_user(request, code, pk, write=True)
    form = SignForm(request.POST)
    if not form.is_valid():
        return render_manage(request, project, forms={"sign": form}, status=400)
    try:
        services.sign_agreement(project, signed_on=form.cleaned_data["signed_on"], by=request)
    except MonitoringError as exc:
        return manage_refused(request, project, exc, {"sign": form})
    return manage_done(request, project, _("The agreement is signed: the project is under way."))


@login_required
@require_POST
def amend(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    project = get_project_for_user(request, code, pk, write=True)
    form = AmendmentForm(request.POST)
    tranches = TrancheFormSet(request.POST, prefix="amend")
    forms = {"amend": form, "amend_tranches": tranches}
    if not (form.is_valid() and tranches.is_valid()):
        return render_manage(request, project, forms=forms, status=400)
    try:
        services.amend_agreement(
            project,
            ends_on=form.cleaned_data["ends_on"],
            tranches=tranches.rows(),
            reason=form.cleaned_data["reason"],
            by=request,
        )
    except MonitoringError as exc:
        return manage_refused(request, project, exc, forms)
    return manage_done(request, project, _("The amendment is recorded."))


@login_required
@require_POST
def payment(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    project = get_project_for_user(request, code, pk, write=True)
    form = PaymentForm(request.POST, project=project)
    if not form.is_valid():
        return render_manage(request, project, forms={"payment": form}, status=400)
    data = form.cleaned_data
    try:
        services.record_payment(
            data["tranche"],
            amount=data["amount"],
            paid_on=data["paid_on"],
            reference=data["reference"],
            by=request,
        )
    except MonitoringError as exc:
        return manage_refused(request, project, exc, {"payment": form})
    return manage_done(request, project, _("The payment is recorded."))


@login_required
@require_POST
def milestone(request: HttpRequest, code: str, pk: int, milestone_id: int) -> HttpResponse:
    project = get_project_for_user(request, code, pk, write=True)
    found = project.milestones.filter(pk=milestone_id).first()
    if found is None:
        raise Http404
    form = MilestoneForm(request.POST, prefix=f"m{found.pk}")
    if not form.is_valid():
        return render_manage(request, project, forms={f"m{found.pk}": form}, status=400)
    try:
        services.update_milestone(
            found,
            status=form.cleaned_data["status"],
            percent=form.cleaned_data["percent"],
            by=request,
        )
    except MonitoringError as exc:
        return manage_refused(request, project, exc, {f"m{found.pk}": form})
    return manage_done(request, project, _("The milestone is updated."))


@login_required
@require_POST
def indicator(request: HttpRequest, code: str, pk: int, indicator_id: int) -> HttpResponse:
    project = get_project_for_user(request, code, pk, write=True)
    found = project.indicators.filter(pk=indicator_id).first()
    if found is None:
        raise Http404
    form = IndicatorValueForm(request.POST, prefix=f"i{found.pk}")
    if not form.is_valid():
        return render_manage(request, project, forms={f"i{found.pk}": form}, status=400)
    data = form.cleaned_data
    try:
        services.record_indicator_value(
            found,
            value=data["value"],
            measured_on=data["measured_on"],
            note=data["note"],
            by=request,
        )
    except MonitoringError as exc:
        return manage_refused(request, project, exc, {f"i{found.pk}": form})
    return manage_done(request, project, _("The value is recorded."))


@login_required
@require_POST
def visit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    project = get_project_for_user(request, code, pk, write=True)
    form = VisitForm(request.POST, request.FILES)
    if not form.is_valid():
        return render_manage(request, project, forms={"visit": form}, status=400)
    data = form.cleaned_data
    try:
        record_visit(
            project,
            visited_on=data["visited_on"],
            participants=data["participants"],
            findings=data["findings"],
            rating=data["rating"],
            recommendations=data["recommendations"],
            photos=data["photos"],
            by=request,
        )
    except ValidationError as exc:
        form.add_error("photos", exc)
        return render_manage(request, project, forms={"visit": form}, status=400)
    except MonitoringError as exc:
        return manage_refused(request, project, exc, {"visit": form})
    return manage_done(request, project, _("The visit is recorded."))


@login_required
@require_GET
def visit_photo(request: HttpRequest, pk: int, photo_id) -> HttpResponse:
    """A visit's photo, for those who see the project's details."""
    project = get_public_project(pk)
    if not sees_details(request.user, project):
        raise Http404
    photo = VisitPhoto.objects.filter(pk=photo_id, visit__project=project).first()
    if photo is None:
        raise Http404
    return private_file_response(photo.file, filename=photo.name, kind=photo.kind)
