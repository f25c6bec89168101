"""Progress reports and the end of a project.

A report's page (`/projects/<pk>/reports/<id>/`) is for those who see the project's
details (`permissions.sees_details`), anyone else 404: the organisation's admins and
editors send the report there (a viewer reads it: 403 on sending), the municipality's
officers decide it through the workspace (`…/workspace/projects/<pk>/reports/<id>/decide/`).
"My projects" lists the organisations' projects with the reports they owe.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, Min, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import is_site_admin
from competitions.permissions import staff_membership
from monitoring.exceptions import MonitoringError, OutOfOrder
from monitoring.forms import CompleteForm, DecisionForm, ReportForm, TerminateForm
from monitoring.models import ProgressReport, Project, ReportFile
from monitoring.permissions import get_project_for_user, get_public_project, sees_details
from monitoring.selectors import budget_plan, report_versions
from monitoring.services import reports as services
from monitoring.views.projects import manage_done, manage_refused, render_manage
from municipal_order.lib.downloads import private_file_response


def _report_for(request: HttpRequest, pk: int, report_id: int) -> ProgressReport:
    project = get_public_project(pk)
    if not sees_details(request.user, project):
        raise Http404
    report = ProgressReport.objects.filter(pk=report_id, project=project).first()
    if report is None:
        raise Http404
    report.project = project
    return report


def _is_officer(user, project: Project) -> bool:
    return staff_membership(user, project.municipality) is not None or is_site_admin(user)


def _render_report(
    request: HttpRequest,
    report: ProgressReport,
    *,
    form: ReportForm | None = None,
    decision_form: DecisionForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    project = report.project
    versions = report_versions(report)
    latest = versions[0] if versions else None
    active = project.status == Project.Status.ACTIVE
    writes = active and report.awaits_organization and services.can_report(request.user, project)
    decides = (
        active
        and report.status == ProgressReport.Status.SUBMITTED
        and _is_officer(request.user, project)
    )
    if writes and form is None:
        form = ReportForm(project=project, lines=budget_plan(project), previous=latest)
    if decides and decision_form is None:
        decision_form = DecisionForm()
    return render(
        request,
        "monitoring/report_detail.html",
        {
            "project": project,
            "report": report,
            "versions": versions,
            "latest": latest,
            "form": form if writes else None,
            "decision_form": decision_form if decides else None,
            "is_officer": _is_officer(request.user, project),
            "error": error,
            "today": timezone.localdate(),
        },
        status=status,
    )


@login_required
@require_GET
def report_detail(request: HttpRequest, pk: int, report_id: int) -> HttpResponse:
    return _render_report(request, _report_for(request, pk, report_id))


@login_required
@require_POST
def report_submit(request: HttpRequest, pk: int, report_id: int) -> HttpResponse:
    report = _report_for(request, pk, report_id)
    project = report.project
    if not services.can_report(request.user, project):
        raise PermissionDenied
    versions = report_versions(report)
    form = ReportForm(
        request.POST,
        request.FILES,
        project=project,
        lines=budget_plan(project),
        previous=versions[0] if versions else None,
    )
    if not form.is_valid():
        return _render_report(request, report, form=form, status=400)
    try:
        services.submit_report(
            report,
            form.report_data(),
            files=form.cleaned_data["files"],
            keep=form.cleaned_data.get("keep") or [],
            by=request,
        )
    except ValidationError as exc:
        form.add_error("files", exc)
        return _render_report(request, report, form=form, status=400)
    except MonitoringError as exc:
        report.refresh_from_db()
        status = 409 if isinstance(exc, OutOfOrder) else 400
        return _render_report(request, report, form=form, error=str(exc), status=status)
    messages.success(request, _("The report is sent: the municipality reviews it."))
    return redirect("monitoring:report", pk=project.pk, report_id=report.pk)


@login_required
@require_POST
def report_decide(request: HttpRequest, code: str, pk: int, report_id: int) -> HttpResponse:
    project = get_project_for_user(request, code, pk, write=True)
    report = ProgressReport.objects.filter(pk=report_id, project=project).first()
    if report is None:
        raise Http404
    report.project = project
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _render_report(request, report, decision_form=form, status=400)
    accept = form.cleaned_data["decision"] == "accept"
    try:
        services.decide_report(
            report, accept=accept, comments=form.cleaned_data["comments"], by=request
        )
    except MonitoringError as exc:
        report.refresh_from_db()
        status = 409 if isinstance(exc, OutOfOrder) else 400
        return _render_report(request, report, decision_form=form, error=str(exc), status=status)
    messages.success(
        request,
        _("The report is accepted: its figures are on the project's page.")
        if accept
        else _("The report is returned to the organisation with your comments."),
    )
    return redirect("monitoring:report", pk=project.pk, report_id=report.pk)


@login_required
@require_GET
def report_file(request: HttpRequest, pk: int, file_id) -> HttpResponse:
    project = get_public_project(pk)
    if not sees_details(request.user, project):
        raise Http404
    found = ReportFile.objects.filter(pk=file_id, version__report__project=project).first()
    if found is None:
        raise Http404
    return private_file_response(found.file, filename=found.name, kind=found.kind)


@login_required
@require_POST
def complete(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    project = get_project_for_user(request, code, pk, write=True)
    form = CompleteForm(request.POST, problem=services.addressed_problem(project))
    if not form.is_valid():
        return render_manage(request, project, forms={"complete": form}, status=400)
    try:
        services.complete_project(
            project,
            rating=form.cleaned_data["rating"],
            reasons=form.cleaned_data["reasons"],
            problem_addressed=form.cleaned_data.get("problem_addressed", False),
            by=request,
        )
    except MonitoringError as exc:
        return manage_refused(request, project, exc, {"complete": form})
    return manage_done(request, project, _("The project is completed with its final evaluation."))


@login_required
@require_POST
def terminate(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    project = get_project_for_user(request, code, pk, write=True)
    form = TerminateForm(request.POST)
    if not form.is_valid():
        return render_manage(request, project, forms={"terminate": form}, status=400)
    try:
        services.terminate_project(project, reason=form.cleaned_data["reason"], by=request)
    except MonitoringError as exc:
        return manage_refused(request, project, exc, {"terminate": form})
    return manage_done(request, project, _("The agreement is terminated."))


@login_required
@require_GET
def my_projects(request: HttpRequest) -> HttpResponse:
    """The projects of the user's organisations: reports returned or overdue first, then
    by the next due date."""
    today = timezone.localdate()
    waiting = Q(reports__status__in=[ProgressReport.Status.DUE, ProgressReport.Status.RETURNED])
    projects = (
        Project.objects.filter(organization__members__user=request.user)
        .select_related("municipality", "organization")
        .annotate(
            returned=Count(
                "reports", filter=Q(reports__status=ProgressReport.Status.RETURNED), distinct=True
            ),
            overdue=Count("reports", filter=waiting & Q(reports__due_on__lt=today), distinct=True),
            next_due=Min("reports__due_on", filter=waiting),
        )
        .order_by("-returned", "-overdue", F("next_due").asc(nulls_last=True), "-created_at")
        .distinct()
    )
    rows = list(projects)
    reports = ProgressReport.objects.filter(project__in=[p.pk for p in rows]).order_by(
        "due_on", "kind", "number"
    )
    by_project: dict[int, list[ProgressReport]] = {}
    for report in reports:
        by_project.setdefault(report.project_id, []).append(report)
    for project in rows:
        project.report_list = by_project.get(project.pk, [])  # type: ignore[attr-defined]
    return render(request, "monitoring/my_projects.html", {"projects": rows, "today": today})
