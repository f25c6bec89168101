"""How monitoring shows itself on the earlier apps' pages (registered in `ready()`):
the projects of a final call on the officer's and the public call page and of a problem
on its page, the project link on the applicant's bid page, the workspace link, the
officers' tasks (agreements, late milestones, reports to review and overdue) and the
reports an organisation owes on its members' signed-in home."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from accounts.extensions import DASHBOARD
from applications.extensions import BID_PAGE
from applications.models import Bid
from competitions import extensions
from competitions.models import Competition, Municipality
from evaluation.models import BidResult
from monitoring.models import ProgressReport, Project
from monitoring.selectors import overdue_q
from municipal_order.lib.attention import Task, TaskProvider
from municipal_order.lib.panels import Panel
from notifications import events
from notifications.models import Category


def call_manage_panel(request: HttpRequest, call: Competition) -> dict[str, Any] | None:
    """On the officer's page of a final call: its projects, and the button that makes
    one for each selected bid that has none yet."""
    if not call.phase.is_final:
        return None
    projects = list(call.projects.select_related("organization", "municipality").order_by("number"))
    waiting = BidResult.objects.filter(
        evaluation__competition=call,
        status=BidResult.Status.SELECTED,
        submission__project__isnull=True,
    ).count()
    return {
        "projects": projects,
        "waiting": waiting,
        "create_url": reverse("monitoring:create_projects", args=[call.municipality.code, call.pk]),
    }


def call_page_panel(request: HttpRequest, call: Competition) -> dict[str, Any] | None:
    """The public call page of a final call: what its money funds."""
    if not call.phase.is_final:
        return None
    projects = list(
        call.projects.select_related("organization")
        .prefetch_related("milestones")
        .order_by("number")
    )
    return {"projects": projects} if projects else None


def bid_page_panel(request: HttpRequest, bid: Bid) -> dict[str, Any] | None:
    project = Project.objects.filter(submission__bid=bid).first()
    if project is None:
        return None
    return {"project": project, "url": reverse("monitoring:project", args=[project.pk])}


def workspace_link(request: HttpRequest, municipality: Municipality) -> dict[str, Any]:
    return {"url": reverse("monitoring:workspace_projects", args=[municipality.code])}


def agreements_to_sign(request: HttpRequest, municipality: Municipality) -> Task | None:
    n = Project.objects.filter(municipality=municipality, status=Project.Status.DRAFT).count()
    label = ngettext(
        "%(n)d agreement to prepare and sign", "%(n)d agreements to prepare and sign", n
    ) % {"n": n}
    return Task("agreements_to_sign", label, n, workspace_link(request, municipality)["url"])


def late_projects(request: HttpRequest, municipality: Municipality) -> Task | None:
    n = (
        Project.objects.filter(municipality=municipality, status=Project.Status.ACTIVE)
        .filter(overdue_q(timezone.localdate()))
        .distinct()
        .count()
    )
    label = ngettext(
        "%(n)d project with late milestones", "%(n)d projects with late milestones", n
    ) % {"n": n}
    return Task("late_projects", label, n, workspace_link(request, municipality)["url"])


def _waiting_reports(municipality: Municipality):
    return ProgressReport.objects.filter(
        project__municipality=municipality, project__status=Project.Status.ACTIVE
    )


def reports_to_review(request: HttpRequest, municipality: Municipality) -> Task | None:
    n = _waiting_reports(municipality).filter(status=ProgressReport.Status.SUBMITTED).count()
    label = ngettext("%(n)d report to review", "%(n)d reports to review", n) % {"n": n}
    return Task("reports_to_review", label, n, workspace_link(request, municipality)["url"])


def overdue_reports(request: HttpRequest, municipality: Municipality) -> Task | None:
    n = (
        _waiting_reports(municipality)
        .filter(
            status__in=[ProgressReport.Status.DUE, ProgressReport.Status.RETURNED],
            due_on__lt=timezone.localdate(),
        )
        .count()
    )
    label = ngettext("%(n)d report overdue", "%(n)d reports overdue", n) % {"n": n}
    return Task("overdue_reports", label, n, workspace_link(request, municipality)["url"])


def organization_reports_panel(request: HttpRequest, user: Any) -> dict[str, Any] | None:
    """The signed-in home of an organisation's member with projects: the reports
    returned, overdue or due within a month, and the way to all their projects."""
    today = timezone.localdate()
    projects = Project.objects.filter(organization__members__user=user)
    if not projects.exists():
        return None
    reports = list(
        ProgressReport.objects.filter(
            project__in=projects,
            project__status=Project.Status.ACTIVE,
            status__in=[ProgressReport.Status.DUE, ProgressReport.Status.RETURNED],
            due_on__lte=today + datetime.timedelta(days=30),
        )
        .select_related("project")
        .order_by("-status", "due_on")[:10]
    )
    return {"reports": reports, "today": today, "url": reverse("monitoring:my_projects")}


def problem_page_panel(request: HttpRequest, problem: Any) -> dict[str, Any] | None:
    """On a priority problem's page: the projects funded to answer it."""
    projects = list(
        Project.objects.filter(submission__bid__problem=problem)
        .select_related("organization")
        .prefetch_related("milestones")
        .order_by("-created_at")
    )
    return {"projects": projects} if projects else None


def register() -> None:
    events.register(
        events.Event("project_created", Category.PROJECTS),
        events.Event("agreement_signed", Category.PROJECTS),
        events.Event("agreement_amended", Category.PROJECTS),
        events.Event("payment_recorded", Category.PROJECTS),
        events.Event("site_visit_recorded", Category.PROJECTS),
        events.Event("report_submitted", Category.PROJECTS),
        events.Event("report_accepted", Category.PROJECTS),
        events.Event("report_returned", Category.PROJECTS),
        events.Event("report_due_soon", Category.PROJECTS),
        events.Event("report_overdue", Category.PROJECTS),
        events.Event("project_completed", Category.PROJECTS),
        events.Event("project_terminated", Category.PROJECTS),
    )
    extensions.CALL_MANAGE.register(
        Panel("projects", "monitoring/panels/_call_manage.html", call_manage_panel, order=30)
    )
    extensions.CALL_PAGE.register(
        Panel("projects", "monitoring/panels/_call_page.html", call_page_panel, order=18)
    )
    BID_PAGE.register(Panel("project", "monitoring/panels/_bid_page.html", bid_page_panel, order=5))
    extensions.WORKSPACE_LINKS.register(
        Panel("projects", "monitoring/panels/_workspace_link.html", workspace_link, order=20)
    )
    extensions.NEEDS_ATTENTION.register(
        TaskProvider("agreements_to_sign", agreements_to_sign, order=30)
    )
    extensions.NEEDS_ATTENTION.register(TaskProvider("late_projects", late_projects, order=31))
    extensions.NEEDS_ATTENTION.register(
        TaskProvider("reports_to_review", reports_to_review, order=32)
    )
    extensions.NEEDS_ATTENTION.register(TaskProvider("overdue_reports", overdue_reports, order=33))
    DASHBOARD.register(
        Panel(
            "organization_reports",
            "monitoring/panels/_dashboard_reports.html",
            organization_reports_panel,
            order=7,
        )
    )
    extensions.PROBLEM_PAGE.register(
        Panel("projects", "monitoring/panels/_call_page.html", problem_page_panel, order=10)
    )
