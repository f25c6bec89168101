"""What a project's pages read, in a fixed number of queries."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q
from django.utils import timezone

from monitoring.models import IndicatorValue, Milestone, Payment, ProgressReport, Project

MONEY = ("quantity", "unit_cost", "own_contribution", "other_sources")


def budget_plan(project: Project) -> list[dict[str, Any]]:
    """The frozen bid's budget lines with their total and the part asked of the
    municipality (`requested`), as decimals; a report's spending goes against these."""
    lines = []
    for row in project.submission.content.get("budget_lines", []):
        line = {**row, **{k: Decimal(str(row.get(k) or 0)) for k in MONEY}}
        line["total"] = line["quantity"] * line["unit_cost"]
        line["requested"] = line["total"] - line["own_contribution"] - line["other_sources"]
        lines.append(line)
    return lines


def officers_of(municipality_id: int) -> list:
    """The municipality's active officers: they hear about its projects' reports."""
    return list(
        get_user_model()
        .objects.filter(municipal_roles__municipality=municipality_id, is_active=True)
        .distinct()
    )


def overdue_q(today: datetime.date, prefix: str = "milestones__") -> Q:
    """Milestones past their end and not done (through `prefix` from a project)."""
    return Q(**{f"{prefix}ends_on__lt": today}) & ~Q(**{f"{prefix}status": Milestone.Status.DONE})


def indicators_with_latest(project: Project) -> list:
    """The project's indicators, each with its values (oldest first) and `latest`."""
    indicators = list(
        project.indicators.prefetch_related(
            Prefetch("values", queryset=IndicatorValue.objects.order_by("measured_on", "id"))
        )
    )
    for indicator in indicators:
        values = list(indicator.values.all())
        indicator.latest = values[-1] if values else None  # type: ignore[attr-defined]
    return indicators


def project_page(project: Project) -> dict[str, Any]:
    """The project with its milestones, indicators (their values, latest last), tranches
    (their payments) and amendments; the problem the bid answers; % complete."""
    from competitions.models import PriorityProblem

    today = timezone.localdate()
    milestones = list(project.milestones.all())
    indicators = indicators_with_latest(project)
    tranches = list(
        project.tranches.prefetch_related(
            Prefetch("payments", queryset=Payment.objects.order_by("paid_on", "id"))
        )
    )
    for tranche in tranches:
        tranche.paid = sum(p.amount for p in tranche.payments.all())  # type: ignore[attr-defined]
    problem_id = project.submission.content.get("problem")
    return {
        "project": project,
        "milestones": milestones,
        "late": [m for m in milestones if m.late_at(today)],
        "indicators": indicators,
        "tranches": tranches,
        "amendments": list(project.amendments.select_related("created_by")),
        "visits": list(project.visits.prefetch_related("photos")),
        "reports": list(project.reports.all()),
        "today": today,
        "progress": project.progress(milestones),
        "problem": PriorityProblem.objects.filter(pk=problem_id).first() if problem_id else None,
    }


def report_versions(report: ProgressReport) -> list:
    """A report's versions, newest first, with their files and who sent and decided."""
    return list(
        report.versions.order_by("-number")
        .select_related("submitted_by", "decided_by")
        .prefetch_related("files")
    )
