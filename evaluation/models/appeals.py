"""Appeals against a call's published results: an applicant files one during the appeal
window (text and files); the commission upholds it (the bid is scored again and the
results published again, with a public record of what changed) or dismisses it with
reasons. Outcomes are public; the call is final once the window is over and every
appeal is decided and, if upheld, its corrected results published."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from applications.models import BidSubmission
from evaluation.models.admission import ApplicantFile


class Appeal(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("being considered")
        UPHELD = "upheld", _("upheld")
        DISMISSED = "dismissed", _("dismissed")

    submission = models.ForeignKey(BidSubmission, on_delete=models.PROTECT, related_name="appeals")
    text = models.TextField(_("appeal"), max_length=8000)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    filed_at = models.DateTimeField(_("filed"))
    status = models.CharField(
        _("outcome"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    # The commission's reasons, public with the outcome.
    reasons = models.TextField(_("reasons of the decision"), blank=True, max_length=8000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    # An upheld appeal is resolved when the corrected results are published.
    resolved_at = models.DateTimeField(_("corrected results published"), null=True, blank=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["filed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission"],
                condition=Q(status="pending"),
                name="one_pending_appeal_per_submission",
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | (~Q(reasons="") & Q(decided_at__isnull=False)),
                name="appeal_decided_with_reasons",
            ),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True) | Q(status="upheld"),
                name="appeal_resolved_only_when_upheld",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.submission} · {self.get_status_display()}"


class AppealFile(ApplicantFile):
    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="files")

    class Meta(ApplicantFile.Meta):
        verbose_name = _("appeal file")
        verbose_name_plural = _("appeal files")
