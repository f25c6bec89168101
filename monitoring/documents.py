"""Monitoring's PDFs (Russian or Kyrgyz), for the organisation's members, the
municipality's officers, ministry staff who oversee it and site administrators
(`monitoring.permissions.sees_details`); 404 for others:

- `project-agreement`: the parties, the amount and co-financing, the period, the
  tranche schedule, and the calendar plan and budget of the frozen bid;
- `visit-act`: a site visit's act with its findings, rating and photos;
- `project-report`: the project at any moment (most useful at its end): the parties
  and money, the final evaluation or the reason for terminating, progress, indicators,
  beneficiaries, payments, spending per budget line as the latest accepted report
  gives it, the reports and the site visits."""

from __future__ import annotations

import base64
from decimal import Decimal
from typing import Any

from django.db.models import Count
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from documents.registry import DocumentKind, register
from monitoring.models import (
    Payment,
    Project,
    ReportVersion,
    SiteVisit,
)
from monitoring.permissions import sees_details
from monitoring.selectors import budget_plan, indicators_with_latest
from notifications.services import tell_requester


def _context(project: Project) -> dict[str, Any]:
    content = project.submission.content
    return {
        "project": project,
        "call": project.competition,
        "organization": project.organization,
        "municipality": project.municipality,
        "tranches": list(project.tranches.all()),
        "milestones": list(project.milestones.all()),
        "lines": budget_plan(project),
        "totals": {k: Decimal(str(v)) for k, v in content.get("totals", {}).items()},
        "amendments": list(project.amendments.all()),
    }


def _access(request, project: Project) -> None:
    if not sees_details(request.user, project):
        raise Http404


PROJECT_AGREEMENT = register(
    DocumentKind(
        key="project-agreement",
        model=Project,
        template="pdf/project_agreement.html",
        context=_context,
        title=lambda p: _("Agreement No. %(number)s") % {"number": p.number},
        issuer=lambda p: p.municipality.name,
        check_access=_access,
        on_ready=tell_requester,
    )
)


def _photo_uri(photo) -> str:
    """A photo as a data URI: the PDF carries it, nothing is fetched from storage URLs."""
    mime = "image/png" if photo.kind == "png" else "image/jpeg"
    with photo.file.open("rb") as handle:
        return f"data:{mime};base64,{base64.b64encode(handle.read()).decode()}"


def _visit_context(visit: SiteVisit) -> dict[str, Any]:
    return {
        "visit": visit,
        "project": visit.project,
        "municipality": visit.project.municipality,
        "organization": visit.project.organization,
        "photos": [{"name": p.name, "uri": _photo_uri(p)} for p in visit.photos.all()],
    }


def _visit_access(request, visit: SiteVisit) -> None:
    _access(request, visit.project)


VISIT_ACT = register(
    DocumentKind(
        key="visit-act",
        model=SiteVisit,
        template="pdf/visit_act.html",
        context=_visit_context,
        title=lambda v: (
            _("Act of the site visit of %(date)s") % {"date": v.visited_on.strftime("%d.%m.%Y")}
        ),
        issuer=lambda v: v.project.municipality.name,
        check_access=_visit_access,
        on_ready=tell_requester,
    )
)


def _spending(version: ReportVersion | None) -> dict[str, Any] | None:
    """Planned and spent per budget line of an accepted version, with the variance
    (spent − planned) in som and in % of the plan (None where nothing was planned)."""
    if version is None:
        return None
    lines = []
    for row in version.spending:
        planned, spent = Decimal(row["planned"]), Decimal(row["spent"])
        lines.append(
            {
                "item": row.get("item", ""),
                "category": row.get("category", ""),
                "planned": planned,
                "spent": spent,
                "variance": spent - planned,
                "variance_pct": (spent - planned) * 100 / planned if planned else None,
            }
        )
    planned, spent = version.planned_total, version.spent_total
    return {
        "version": version,
        "lines": lines,
        "planned": planned,
        "spent": spent,
        "variance": spent - planned,
        "variance_pct": (spent - planned) * 100 / planned if planned else None,
    }


def _report_context(project: Project) -> dict[str, Any]:
    """Everything the report shows, in a fixed number of queries whatever the size of
    the project (the worker renders it; tests/monitoring/test_project_report.py)."""
    project = Project.objects.select_related("municipality", "organization", "competition").get(
        pk=project.pk
    )
    milestones = list(project.milestones.all())
    indicators = indicators_with_latest(project)
    payments = list(
        Payment.objects.filter(tranche__project=project)
        .select_related("tranche")
        .order_by("paid_on", "id")
    )
    reports = list(project.reports.annotate(version_count=Count("versions")))
    # The accepted report of the latest period (its spending is to date): the final
    # report once accepted, even if an interim one was decided after it.
    accepted = (
        ReportVersion.objects.filter(
            report__project=project, decision=ReportVersion.Decision.ACCEPTED
        )
        .select_related("report")
        .order_by("-report__due_on", "-report__number", "-number")
        .first()
    )
    reached = project.reached
    return {
        "project": project,
        "call": project.competition,
        "organization": project.organization,
        "municipality": project.municipality,
        "milestones": milestones,
        "progress": project.progress(milestones),
        "indicators": indicators,
        # Women, people with disabilities, children: how many and their % of those
        # reached (None before an accepted report counts them).
        "breakdown": [
            (n, n * 100 / reached if n is not None and reached else None)
            for n in (project.reached_women, project.reached_disabled, project.reached_children)
        ],
        "payments": payments,
        "paid": sum((p.amount for p in payments), Decimal("0")),
        "spending": _spending(accepted),
        "reports": reports,
        "visits": list(project.visits.order_by("visited_on", "id")),
        "Status": Project.Status,
    }


PROJECT_REPORT = register(
    DocumentKind(
        key="project-report",
        model=Project,
        template="pdf/project_report.html",
        context=_report_context,
        title=lambda p: _("Project report, agreement No. %(number)s") % {"number": p.number},
        issuer=lambda p: p.municipality.name,
        check_access=_access,
        on_ready=tell_requester,
    )
)
