"""Progress reports: the organisation reports on its project (interim and final), the
officer accepts a report or returns it with comments, the organisation revises.

The schedule comes from the agreement (`monitoring.services.reports.sync_schedule`):
one interim report for each tranche paid on an accepted interim report, due on that
tranche's date, and the final report `FINAL_REPORT_DAYS` after the project ends. Each
submission is a `ReportVersion`, kept for good: what was reported, spent per budget
line, indicator values, milestones, beneficiaries reached and the attached files, with
the officer's decision and comments. Reminders before and after the due date are sent
once each: the periodic job claims a report by setting its `reminded_*` time.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from evaluation.models.admission import ApplicantFile
from monitoring.models.projects import Project

FINAL_REPORT_DAYS = 15


class ProgressReport(models.Model):
    class Kind(models.TextChoices):
        INTERIM = "interim", _("interim report")
        FINAL = "final", _("final report")

    class Status(models.TextChoices):
        DUE = "due", _("not submitted")
        SUBMITTED = "submitted", _("awaiting review")
        RETURNED = "returned", _("returned for revision")
        ACCEPTED = "accepted", pgettext_lazy("report", "accepted")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(_("report"), max_length=8, choices=Kind.choices)
    # The n-th interim report goes with the n-th tranche paid on an interim report.
    number = models.PositiveSmallIntegerField(default=1)
    due_on = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DUE
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    reminded_before_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminded_after_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["project", "due_on", "kind", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "kind", "number"], name="report_unique_per_project"
            ),
        ]
        indexes = [models.Index(fields=["status", "due_on"], name="report_status_due")]

    def __str__(self) -> str:
        return f"{self.project.number} · {self.label}"

    @property
    def label(self) -> str:
        if self.kind == self.Kind.FINAL:
            return str(_("Final report"))
        return str(_("Interim report No. %(n)s") % {"n": self.number})

    @property
    def awaits_organization(self) -> bool:
        return self.status in (self.Status.DUE, self.Status.RETURNED)

    def overdue_at(self, today: datetime.date) -> bool:
        return self.awaits_organization and self.due_on < today


class ReportVersion(models.Model):
    """One submission of a report, as the organisation sent it, with the officer's
    decision. Never changed after the decision; a revision is a new version."""

    class Decision(models.TextChoices):
        ACCEPTED = "accepted", pgettext_lazy("version of a report", "accepted")
        RETURNED = "returned", pgettext_lazy("version of a report", "returned for revision")

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    narrative = models.TextField(_("what was done"), max_length=20000)
    # [{"line", "category", "item", "planned", "spent"}] against the frozen bid's budget.
    spending = models.JSONField(_("spending"), default=list)
    # [{"indicator", "name", "unit", "target", "value"}]
    indicators = models.JSONField(_("indicators"), default=list)
    # [{"milestone", "activity", "status", "percent"}]
    milestones = models.JSONField(_("milestones"), default=list)
    reached = models.PositiveIntegerField(_("beneficiaries reached"))
    reached_women = models.PositiveIntegerField(_("of them women and girls"))
    reached_disabled = models.PositiveIntegerField(_("of them people with disabilities"))
    reached_children = models.PositiveIntegerField(_("of them children"))
    submitted_at = models.DateTimeField(_("submitted"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decision = models.CharField(_("decision"), max_length=12, choices=Decision.choices, blank=True)
    comments = models.TextField(_("comments of the officer"), blank=True, max_length=8000)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("version of a report")
        verbose_name_plural = _("versions of reports")
        ordering = ["report", "number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="report_version_unique"),
            models.CheckConstraint(
                condition=Q(reached_women__lte=F("reached"))
                & Q(reached_disabled__lte=F("reached"))
                & Q(reached_children__lte=F("reached")),
                name="report_reached_parts_within_total",
            ),
            models.CheckConstraint(
                condition=~Q(decision="returned") | ~Q(comments=""),
                name="report_returned_with_comments",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report} · v{self.number}"

    def spending_rows(self) -> list[dict]:
        """Each budget line: planned, spent, the variance (spent − planned) and its share
        of the plan in percent (None when nothing was planned)."""
        rows = []
        for row in self.spending:
            planned, spent = Decimal(row["planned"]), Decimal(row["spent"])
            variance = spent - planned
            share = (variance * 100 / planned).quantize(Decimal("0.1")) if planned else None
            rows.append(
                {**row, "planned": planned, "spent": spent, "variance": variance, "share": share}
            )
        return rows

    @property
    def variance_total(self) -> Decimal:
        return self.spent_total - self.planned_total

    @property
    def planned_total(self) -> Decimal:
        return sum((Decimal(row["planned"]) for row in self.spending), Decimal("0"))

    @property
    def spent_total(self) -> Decimal:
        return sum((Decimal(row["spent"]) for row in self.spending), Decimal("0"))


class ReportFile(ApplicantFile):
    """A file attached to a version (checked by content, stored privately). A revision
    that keeps an earlier file gets its own row pointing at the same stored file."""

    version = models.ForeignKey(ReportVersion, on_delete=models.PROTECT, related_name="files")

    class Meta(ApplicantFile.Meta):
        verbose_name = _("file of a report")
        verbose_name_plural = _("files of reports")
