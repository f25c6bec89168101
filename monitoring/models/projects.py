"""A funded project: the agreement between the municipality and the organisation made
from a selected bid of a final call, its tranches and payments, and what it follows —
the milestones of the bid's calendar plan and its indicators with targets.

The amount paid is kept on the project with a database check against the agreed
amount, written in the same transaction as the payment under the project's lock:
concurrent payments can never pay more than agreed. After signing, the agreement
changes only through an `AgreementAmendment` (audited, with a reason).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from applications.models import BidSubmission, Organization
from competitions.models import Competition, Municipality


class Project(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("agreement being prepared")
        ACTIVE = "active", _("under way")
        COMPLETED = "completed", _("completed")
        TERMINATED = "terminated", _("terminated")

    class Rating(models.TextChoices):
        SUCCESSFUL = "successful", _("successful")
        SATISFACTORY = "satisfactory", _("satisfactory")
        UNSATISFACTORY = "unsatisfactory", _("unsatisfactory")

    submission = models.OneToOneField(
        BidSubmission, on_delete=models.PROTECT, related_name="project"
    )
    competition = models.ForeignKey(Competition, on_delete=models.PROTECT, related_name="projects")
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="projects"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="projects"
    )
    number = models.CharField(_("agreement No."), max_length=32, unique=True)
    title = models.CharField(_("project"), max_length=255)
    goal = models.TextField(_("goal"), blank=True)
    amount = models.DecimalField(_("amount of the agreement, KGS"), max_digits=14, decimal_places=2)
    cofinancing = models.DecimalField(
        _("co-financing, KGS"), max_digits=14, decimal_places=2, default=0
    )
    beneficiaries = models.PositiveIntegerField(_("beneficiaries planned"), null=True, blank=True)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    municipality_signatory = models.CharField(
        _("signs for the municipality"), max_length=255, blank=True
    )
    organization_signatory = models.CharField(
        _("signs for the organisation"), max_length=255, blank=True
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    end_reason = models.TextField(_("reason for terminating"), blank=True, max_length=4000)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    final_rating = models.CharField(
        _("final evaluation"), max_length=16, choices=Rating.choices, blank=True
    )
    final_reasons = models.TextField(_("reasons for the evaluation"), blank=True, max_length=8000)
    # Beneficiaries reached, as the latest accepted report counts them.
    reached = models.PositiveIntegerField(_("beneficiaries reached"), null=True, blank=True)
    reached_women = models.PositiveIntegerField(_("of them women and girls"), null=True, blank=True)
    reached_disabled = models.PositiveIntegerField(
        _("of them people with disabilities"), null=True, blank=True
    )
    reached_children = models.PositiveIntegerField(_("of them children"), null=True, blank=True)
    paid_total = models.DecimalField(_("paid, KGS"), max_digits=14, decimal_places=2, default=0)
    version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-created_at", "number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(paid_total__gte=0) & Q(paid_total__lte=F("amount")),
                name="project_paid_within_agreement",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="project_amount_positive"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="project_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(signed_on__isnull=False),
                name="project_signed_unless_draft",
            ),
            models.CheckConstraint(
                condition=~Q(status="terminated") | ~Q(end_reason=""),
                name="project_terminated_with_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="completed") | ~Q(final_rating=""),
                name="project_completed_with_rating",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} · {self.title}"

    @property
    def remaining(self):
        return self.amount - self.paid_total

    def progress(self, milestones: list[Milestone] | None = None) -> int:
        """Percent complete: the milestones' percentages, each weighted by its length in
        days (a seven-month activity counts for more than a week's), 0 without any."""
        rows = list(self.milestones.all()) if milestones is None else milestones
        weights = [max((m.ends_on - m.starts_on).days + 1, 1) for m in rows]
        total = sum(weights)
        return (
            round(sum(m.percent * w for m, w in zip(rows, weights, strict=True)) / total)
            if total
            else 0
        )


class AgreementAmendment(models.Model):
    """A change to a signed agreement: what changed (before and after) and why."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="amendments")
    changes = models.JSONField(_("changes"))
    reason = models.TextField(_("reason"), max_length=4000)
    created_at = models.DateTimeField(_("time"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("amendment of an agreement")
        verbose_name_plural = _("amendments of agreements")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.project} · {self.created_at:%Y-%m-%d}"


class Tranche(models.Model):
    class Condition(models.TextChoices):
        SIGNING = "signing", _("on signing the agreement")
        INTERIM = "interim", _("interim report accepted")
        FINAL = "final", _("final report accepted")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="tranches")
    position = models.PositiveSmallIntegerField(default=0)
    amount = models.DecimalField(_("amount, KGS"), max_digits=14, decimal_places=2)
    due_on = models.DateField(_("due"))
    condition = models.CharField(_("condition"), max_length=16, choices=Condition.choices)

    class Meta:
        verbose_name = _("tranche")
        verbose_name_plural = _("tranches")
        ordering = ["project", "position", "due_on"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="tranche_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.project.number} · {self.position + 1}"


class Payment(models.Model):
    """Money transferred to the organisation, recorded by an officer against a tranche."""

    tranche = models.ForeignKey(Tranche, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(_("amount, KGS"), max_digits=14, decimal_places=2)
    paid_on = models.DateField(_("paid on"))
    reference = models.CharField(_("payment order No."), max_length=64)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["paid_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.tranche} · {self.amount}"


class Milestone(models.Model):
    """An activity of the bid's calendar plan, followed through the project."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        UNDER_WAY = "under_way", _("under way")
        DONE = "done", _("done")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    position = models.PositiveSmallIntegerField(default=0)
    activity = models.CharField(_("activity"), max_length=255)
    responsible = models.CharField(_("responsible"), max_length=160, blank=True)
    result = models.CharField(_("expected result"), max_length=255, blank=True)
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PLANNED
    )
    percent = models.PositiveSmallIntegerField(_("percent complete"), default=0)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["project", "position"]
        constraints = [
            models.CheckConstraint(condition=Q(percent__lte=100), name="milestone_percent_max"),
        ]

    def __str__(self) -> str:
        return self.activity

    def late_at(self, today: datetime.date) -> bool:
        return self.status != self.Status.DONE and self.ends_on < today


class ProjectIndicator(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="indicators")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("indicator"), max_length=255)
    unit = models.CharField(_("unit"), max_length=64)
    baseline = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("indicator of a project")
        verbose_name_plural = _("indicators of projects")
        ordering = ["project", "position"]

    def __str__(self) -> str:
        return self.name


class IndicatorValue(models.Model):
    """An indicator's actual value on a date (from a report or the officer)."""

    indicator = models.ForeignKey(ProjectIndicator, on_delete=models.CASCADE, related_name="values")
    value = models.DecimalField(_("actual value"), max_digits=14, decimal_places=2)
    measured_on = models.DateField(_("as of"))
    note = models.CharField(_("note"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("value of an indicator")
        verbose_name_plural = _("values of indicators")
        ordering = ["indicator", "measured_on", "id"]

    def __str__(self) -> str:
        return f"{self.indicator} · {self.value}"
