"""The reports an agreement calls for: kept in step with it when it is signed or
amended (`sync_schedule`), and which report releases which tranche."""

from __future__ import annotations

import datetime

from monitoring.models import ProgressReport, Project, Tranche
from monitoring.models.reports import FINAL_REPORT_DAYS

Status = ProgressReport.Status
Kind = ProgressReport.Kind


def interim_tranches(project: Project) -> list[Tranche]:
    return [t for t in project.tranches.all() if t.condition == Tranche.Condition.INTERIM]


def sync_schedule(project: Project) -> None:
    """Inside the signing or amending transaction: an interim report for each tranche
    paid on one (due on the tranche's date) and the final report after the end. Reports
    already submitted keep their dates; one no longer called for goes if never sent."""
    wanted: dict[tuple[str, int], datetime.date] = {
        (Kind.INTERIM, n): t.due_on for n, t in enumerate(interim_tranches(project), start=1)
    }
    wanted[(Kind.FINAL, 1)] = project.ends_on + datetime.timedelta(days=FINAL_REPORT_DAYS)
    existing = {(r.kind, r.number): r for r in project.reports.all()}
    for key, due_on in wanted.items():
        report = existing.get(key)
        if report is None:
            kind, number = key
            ProgressReport.objects.create(project=project, kind=kind, number=number, due_on=due_on)
        elif report.status == Status.DUE and report.due_on != due_on:
            report.due_on = due_on
            # A new date deserves its own reminders.
            report.reminded_before_at = report.reminded_after_at = None
            report.save(update_fields=["due_on", "reminded_before_at", "reminded_after_at"])
    for key, report in existing.items():
        if key not in wanted and report.status == Status.DUE:
            report.delete()


def report_for_tranche(project: Project, tranche: Tranche) -> ProgressReport | None:
    """The report whose acceptance releases the tranche (None if paid on signing)."""
    if tranche.condition == Tranche.Condition.FINAL:
        return project.reports.filter(kind=Kind.FINAL).first()
    if tranche.condition == Tranche.Condition.INTERIM:
        ids = [t.pk for t in interim_tranches(project)]
        number = ids.index(tranche.pk) + 1 if tranche.pk in ids else 0
        return project.reports.filter(kind=Kind.INTERIM, number=number).first()
    return None
