"""Progress reports and the end of a project.

(The schedule itself — which reports the agreement calls for — is `schedule.py`.)
- `submit_report`: the organisation's admins and editors send a report (or its
  revision): a new `ReportVersion` with its checked files; every version is kept.
- `decide_report`: an officer accepts it (its milestones, indicator values and
  beneficiaries become the project's) or returns it with comments.
- `complete_project` (after the final report is accepted, with the final evaluation)
  and `terminate_project` (with a reason) end it.
- `send_report_reminders`: the periodic job; a reminder before and one after the due
  date, each sent once (a report is claimed by an update before anyone is told).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import OrganizationMember
from applications.permissions import WRITE_ROLES
from audit.services import record
from competitions.models import PriorityProblem
from competitions.services.problems import mark_problem_addressed
from evaluation.exceptions import EvaluationError
from evaluation.services.files import discard, store_checked
from monitoring.exceptions import MonitoringError, OutOfOrder
from monitoring.models import (
    IndicatorValue,
    Milestone,
    ProgressReport,
    Project,
    ReportFile,
    ReportVersion,
)
from monitoring.selectors import budget_plan, officers_of
from monitoring.services.projects import lock_project, require_officer, tell_organization, today
from municipal_order.lib.actors import By, acting_user
from municipal_order.lib.clock import deciding_now
from notifications.services import notify

Status = ProgressReport.Status
Kind = ProgressReport.Kind

REMIND_BEFORE_DAYS = 7


# --- submitting -------------------------------------------------------------------------


@dataclass
class ReportData:
    narrative: str
    reached: int
    reached_women: int
    reached_disabled: int
    reached_children: int
    # budget line position -> spent to date (KGS)
    spent: dict[int, Decimal] = field(default_factory=dict)
    # indicator id -> value to date
    values: dict[int, Decimal] = field(default_factory=dict)
    # milestone id -> (status, percent)
    milestones: dict[int, tuple[str, int]] = field(default_factory=dict)


def can_report(user, project: Project) -> bool:
    """The organisation's admins and editors send its reports; a viewer reads them."""
    return (
        user is not None
        and user.is_authenticated
        and OrganizationMember.objects.filter(
            user=user, organization=project.organization_id, role__in=WRITE_ROLES
        ).exists()
    )


def _check(data: ReportData) -> None:
    if not data.narrative.strip():
        raise MonitoringError(_("Write what was done in the period."))
    parts = (data.reached_women, data.reached_disabled, data.reached_children)
    if any(n < 0 for n in (data.reached, *parts)):
        raise MonitoringError(_("Counts of beneficiaries cannot be negative."))
    if any(n > data.reached for n in parts):
        raise MonitoringError(
            _("Women, people with disabilities and children are counted within the total reached.")
        )
    if any(v < 0 for v in data.spent.values()):
        raise MonitoringError(_("Spending cannot be negative."))
    for status, percent in data.milestones.values():
        if status not in Milestone.Status.values or not 0 <= percent <= 100:
            raise MonitoringError(_("Choose a status and a percentage from 0 to 100."))


def _snapshot(project: Project, data: ReportData) -> dict[str, list[dict[str, Any]]]:
    """What the report says, with the names and plans it was made against (frozen
    like the bid: later changes to the project do not rewrite a sent report)."""
    spending = [
        {
            "line": i,
            "category": line.get("category", ""),
            "item": line.get("item", ""),
            "planned": str(line["requested"]),
            "spent": str(data.spent.get(i, Decimal("0"))),
        }
        for i, line in enumerate(budget_plan(project))
    ]
    indicators = [
        {
            "indicator": ind.pk,
            "name": ind.name,
            "unit": ind.unit,
            "target": str(ind.target),
            "value": str(data.values[ind.pk]),
        }
        for ind in project.indicators.all()
        if ind.pk in data.values
    ]
    milestones = []
    for m in project.milestones.all():
        status, percent = data.milestones.get(m.pk, (m.status, m.percent))
        if status == Milestone.Status.DONE:
            percent = 100
        milestones.append(
            {"milestone": m.pk, "activity": m.activity, "status": status, "percent": percent}
        )
    return {"spending": spending, "indicators": indicators, "milestones": milestones}


def _store_files(uploads: Sequence[Any]) -> list[ReportFile]:
    """Every file checked by content first (`ValidationError` names the one refused)."""
    try:
        return store_checked(uploads, lambda **facts: ReportFile(**facts), stem="report")
    except EvaluationError as exc:
        raise ValidationError(str(exc)) from exc


def submit_report(
    report: ProgressReport,
    data: ReportData,
    *,
    files: Sequence[Any] = (),
    keep: Sequence[str] = (),
    by: By,
) -> ReportVersion:
    """The organisation sends the report, or its revision after a return. `keep` names
    files of the previous version to carry over (as new rows of the same stored file).
    A refused file raises `ValidationError` before anything is stored."""
    _check(data)
    user = acting_user(by)
    if not can_report(user, report.project):
        raise MonitoringError(_("Only the organisation's administrators and editors report."))
    stored = _store_files(files)
    try:
        with transaction.atomic():
            project = lock_project(report.project)
            report = ProgressReport.objects.select_for_update().get(pk=report.pk, project=project)
            if project.status != Project.Status.ACTIVE:
                raise OutOfOrder(_("Reports are sent while the project is under way."))
            if not report.awaits_organization:
                raise OutOfOrder(_("This report is with the officer: wait for the decision."))
            if report.kind == Kind.FINAL and (
                project.reports.filter(kind=Kind.INTERIM).exclude(status=Status.ACCEPTED).exists()
            ):
                raise OutOfOrder(_("The final report comes once every interim report is accepted."))
            previous = report.versions.order_by("-number").prefetch_related("files").first()
            now = deciding_now()
            version = ReportVersion.objects.create(
                report=report,
                number=(previous.number + 1) if previous else 1,
                narrative=data.narrative.strip(),
                reached=data.reached,
                reached_women=data.reached_women,
                reached_disabled=data.reached_disabled,
                reached_children=data.reached_children,
                submitted_at=now,
                submitted_by=user,
                **_snapshot(project, data),
            )
            kept = [f for f in previous.files.all() if str(f.pk) in set(keep)] if previous else []
            ReportFile.objects.bulk_create(
                ReportFile(
                    version=version,
                    file=f.file.name,
                    name=f.name,
                    kind=f.kind,
                    size=f.size,
                    sha256=f.sha256,
                )
                for f in kept
            )
            for row in stored:
                row.version = version
                row.save()
            report.status = Status.SUBMITTED
            report.submitted_at = now
            report.save(update_fields=["status", "submitted_at"])
            record(
                "project.report_submitted",
                project,
                by=by,
                after={
                    "report": report.label,
                    "version": version.number,
                    "spent": version.spent_total,
                    "reached": data.reached,
                    "files": [{"name": f.name, "sha256": f.sha256} for f in [*kept, *stored]],
                },
            )
            notify(
                officers_of(project.municipality_id),
                "report_submitted",
                {"project": project, "report": report, "version": version},
                url=report_url(report),
            )
    except BaseException:
        discard(stored)
        raise
    return version


def report_url(report: ProgressReport) -> str:
    return reverse("monitoring:report", args=[report.project_id, report.pk])


# --- deciding ---------------------------------------------------------------------------


def _apply(project: Project, version: ReportVersion, by: By) -> None:
    """An accepted report's figures become the project's: milestones, indicator values
    (as of the day it was sent) and beneficiaries reached."""
    milestones = {m.pk: m for m in project.milestones.all()}
    changed = []
    for row in version.milestones:
        m = milestones.get(row["milestone"])
        if m is not None and (m.status, m.percent) != (row["status"], row["percent"]):
            m.status, m.percent = row["status"], row["percent"]
            changed.append(m)
    Milestone.objects.bulk_update(changed, ["status", "percent"])
    indicators = set(project.indicators.values_list("pk", flat=True))
    measured_on = timezone.localdate(version.submitted_at)
    IndicatorValue.objects.bulk_create(
        IndicatorValue(
            indicator_id=row["indicator"],
            value=Decimal(row["value"]),
            measured_on=measured_on,
            note=version.report.label,
            recorded_by=acting_user(by),
        )
        for row in version.indicators
        if row["indicator"] in indicators
    )
    project.reached = version.reached
    project.reached_women = version.reached_women
    project.reached_disabled = version.reached_disabled
    project.reached_children = version.reached_children
    project.save(
        update_fields=[
            "reached",
            "reached_women",
            "reached_disabled",
            "reached_children",
            "updated_at",
        ]
    )


def decide_report(
    report: ProgressReport, *, accept: bool, comments: str = "", by: By
) -> ReportVersion:
    """The officer accepts the submitted version or returns it with comments."""
    comments = comments.strip()
    if not accept and not comments:
        raise MonitoringError(_("Say what the organisation should correct."))
    with transaction.atomic():
        project = lock_project(report.project)
        require_officer(project.municipality, by)
        report = ProgressReport.objects.select_for_update().get(pk=report.pk, project=project)
        if project.status != Project.Status.ACTIVE or report.status != Status.SUBMITTED:
            raise OutOfOrder(_("Only a submitted report of a project under way is decided."))
        version = report.versions.order_by("-number").select_related("report").first()
        assert version is not None  # a submitted report has a version
        now = deciding_now()
        version.decision = (
            ReportVersion.Decision.ACCEPTED if accept else ReportVersion.Decision.RETURNED
        )
        version.comments = comments
        version.decided_at = now
        version.decided_by = acting_user(by)
        version.save(update_fields=["decision", "comments", "decided_at", "decided_by"])
        report.status = Status.ACCEPTED if accept else Status.RETURNED
        report.decided_at = now
        report.save(update_fields=["status", "decided_at"])
        if accept:
            _apply(project, version, by)
        record(
            "project.report_accepted" if accept else "project.report_returned",
            project,
            by=by,
            after={"report": report.label, "version": version.number, "comments": comments},
        )
        tell_organization(
            project,
            "report_accepted" if accept else "report_returned",
            report=report,
            version=version,
        )
    return version


# --- the end of a project ---------------------------------------------------------------


def completion_problems(project: Project) -> list[str]:
    if project.status != Project.Status.ACTIVE:
        return [_("Only a project under way is completed.")]
    final = next((r for r in project.reports.all() if r.kind == Kind.FINAL), None)
    if final is None or final.status != Status.ACCEPTED:
        return [_("Accept the final report first.")]
    return []


def addressed_problem(project: Project) -> PriorityProblem | None:
    """The priority problem the project's bid answered, if it may still be marked
    addressed (published or in a call)."""
    problem_id = project.submission.content.get("problem")
    if not problem_id:
        return None
    return PriorityProblem.objects.filter(
        pk=problem_id,
        status__in=[PriorityProblem.Status.PUBLISHED, PriorityProblem.Status.IN_CALL],
    ).first()


def complete_project(
    project: Project, *, rating: str, reasons: str, problem_addressed: bool = False, by: By
) -> Project:
    """The final evaluation: successful, satisfactory or unsatisfactory, with reasons
    (public); the project is completed. `problem_addressed`: the priority problem the
    bid answered is marked addressed too (when it is still published or in a call)."""
    reasons = reasons.strip()
    if rating not in Project.Rating.values or not reasons:
        raise MonitoringError(_("Choose the final evaluation and give its reasons."))
    with transaction.atomic():
        project = lock_project(project)
        require_officer(project.municipality, by)
        problems = completion_problems(project)
        if problems:
            raise OutOfOrder(" ".join(problems))
        project.status = Project.Status.COMPLETED
        project.final_rating, project.final_reasons = rating, reasons
        project.ended_on = today()
        project.version += 1
        project.save(
            update_fields=[
                "status",
                "final_rating",
                "final_reasons",
                "ended_on",
                "version",
                "updated_at",
            ]
        )
        problem = addressed_problem(project) if problem_addressed else None
        if problem is not None:
            mark_problem_addressed(problem, by=by)
        record(
            "project.completed",
            project,
            by=by,
            after={
                "rating": rating,
                "reasons": reasons,
                "paid_total": project.paid_total,
                "problem_addressed": problem.pk if problem is not None else None,
            },
        )
        tell_organization(project, "project_completed")
    return project


def terminate_project(project: Project, *, reason: str, by: By) -> Project:
    """End a signed agreement early, with the reason (public)."""
    reason = reason.strip()
    if not reason:
        raise MonitoringError(_("Give the reason for terminating."))
    with transaction.atomic():
        project = lock_project(project)
        require_officer(project.municipality, by)
        if project.status != Project.Status.ACTIVE:
            raise OutOfOrder(_("Only a project under way is terminated."))
        before = project.status
        project.status = Project.Status.TERMINATED
        project.end_reason = reason
        project.ended_on = today()
        project.version += 1
        project.save(update_fields=["status", "end_reason", "ended_on", "version", "updated_at"])
        record(
            "project.terminated",
            project,
            by=by,
            before={"status": before},
            after={"reason": reason, "paid_total": project.paid_total},
        )
        tell_organization(project, "project_terminated")
    return project


# --- reminders --------------------------------------------------------------------------


def _claim(report: ProgressReport, field_name: str, now: datetime.datetime) -> bool:
    return bool(
        ProgressReport.objects.filter(pk=report.pk, **{f"{field_name}__isnull": True}).update(
            **{field_name: now}
        )
    )


def send_report_reminders(*, now: datetime.datetime | None = None) -> int:
    """Tell the organisation a week before a report is due, and (with the officers)
    once it is overdue. Each reminder once: safe to run often and from several workers."""
    now = now or deciding_now()
    day = timezone.localdate(now)
    waiting = ProgressReport.objects.filter(
        project__status=Project.Status.ACTIVE, status__in=[Status.DUE, Status.RETURNED]
    ).select_related("project__municipality", "project__organization")
    soon = waiting.filter(
        status=Status.DUE,
        reminded_before_at__isnull=True,
        due_on__gte=day,
        due_on__lte=day + datetime.timedelta(days=REMIND_BEFORE_DAYS),
    )
    late = waiting.filter(Q(reminded_after_at__isnull=True), due_on__lt=day)
    sent = 0
    for report in soon:
        with transaction.atomic():
            if not _claim(report, "reminded_before_at", now):
                continue
            tell_organization(report.project, "report_due_soon", report=report)
            sent += 1
    for report in late:
        with transaction.atomic():
            if not _claim(report, "reminded_after_at", now):
                continue
            tell_organization(report.project, "report_overdue", report=report)
            notify(
                officers_of(report.project.municipality_id),
                "report_overdue",
                {"project": report.project, "report": report},
                url=report_url(report),
            )
            sent += 1
    return sent
