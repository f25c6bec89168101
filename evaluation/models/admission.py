"""Admission of a call's submitted bids, with clarification requests.

Every row of evaluation points at the `BidSubmission` the commission evaluates: the frozen,
receipted content, never the working draft. A clarification's answer is kept
beside it and changes nothing in it.
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from applications.models import BidSubmission
from municipal_order.lib.storage import private_storage, random_upload_path


class Admission(models.Model):
    """The admission decision on one submitted bid (one row per active submission).

    No row means "pending". The decision may be revised while the call is in
    admission (each change audited); opening scoring freezes it.
    """

    class Decision(models.TextChoices):
        PENDING = "pending", _("being checked")
        ADMITTED = "admitted", _("admitted")
        NOT_ADMITTED = "not_admitted", _("not admitted")
        CLARIFICATION = "clarification", _("clarification requested")

    class Reason(models.TextChoices):
        DOCUMENTS = "documents", _("documents late or incomplete")
        ELIGIBILITY = (
            "eligibility",
            _("applicant not eligible (legal form, registration or region)"),
        )
        BUDGET = "budget", _("budget over the maximum or co-financing under the minimum")
        SCOPE = "scope", _("project outside the call's sphere or problems")
        OTHER = "other", _("other")

    FINAL = frozenset({Decision.ADMITTED, Decision.NOT_ADMITTED})

    submission = models.OneToOneField(
        BidSubmission, on_delete=models.PROTECT, related_name="admission"
    )
    decision = models.CharField(
        _("decision"), max_length=16, choices=Decision.choices, default=Decision.PENDING
    )
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices, blank=True)
    # Shown to the applicant and the municipality, never on the public page.
    note = models.TextField(_("explanation"), blank=True, max_length=4000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("admission")
        verbose_name_plural = _("admissions")
        constraints = [
            models.CheckConstraint(
                condition=~Q(decision="not_admitted") | ~Q(reason=""),
                name="admission_reason_when_not_admitted",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.submission} · {self.get_decision_display()}"

    @property
    def is_final(self) -> bool:
        return self.decision in self.FINAL

    def decide(
        self, decision: str, *, reason: str, note: str, user, now: datetime.datetime
    ) -> None:
        """Admit or not admit (a reason required); does not save."""
        if decision not in self.FINAL:
            raise ValueError(decision)
        if decision == self.Decision.NOT_ADMITTED and reason not in self.Reason.values:
            raise ValueError("a reason is required")
        self.decision = decision
        self.reason = reason if decision == self.Decision.NOT_ADMITTED else ""
        self.note = note
        self.decided_by = user
        self.decided_at = now


class ClarificationRequest(models.Model):
    """A question to the applicant about a submitted bid, with its own deadline.

    Open until answered, or until the municipality decides without the answer
    (`closed_at`); at most one open request per submission.
    """

    submission = models.ForeignKey(
        BidSubmission, on_delete=models.PROTECT, related_name="clarifications"
    )
    question = models.TextField(_("question"), max_length=4000)
    due_at = models.DateTimeField(_("answer by"))
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    asked_at = models.DateTimeField(_("asked"))
    answer = models.TextField(_("answer"), blank=True, max_length=8000)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("clarification request")
        verbose_name_plural = _("clarification requests")
        ordering = ["asked_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission"],
                condition=Q(closed_at__isnull=True),
                name="one_open_clarification_per_submission",
            ),
            models.CheckConstraint(
                condition=Q(due_at__gt=models.F("asked_at")),
                name="clarification_due_after_asked",
            ),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | ~Q(answer=""),
                name="clarification_answered_with_text",
            ),
        ]

    def __str__(self) -> str:
        return self.question[:60]

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    def open_at(self, now: datetime.datetime) -> bool:
        """Still open and before its own deadline: the applicant may answer."""
        return self.closed_at is None and now < self.due_at


class ApplicantFile(models.Model):
    """A file the applicant sends with an answer or an appeal: checked by content
    (`evaluation.services.files`), stored privately under a random name."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    file = models.FileField(
        _("file"), storage=private_storage, upload_to=random_upload_path, max_length=255
    )
    name = models.CharField(_("file name"), max_length=255)
    kind = models.CharField(_("type"), max_length=8)
    size = models.PositiveBigIntegerField(_("size, bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["uploaded_at", "name"]

    def __str__(self) -> str:
        return self.name


class ClarificationFile(ApplicantFile):
    """A file sent with an answer: checked by content, stored privately under a random name."""

    request = models.ForeignKey(
        ClarificationRequest, on_delete=models.PROTECT, related_name="files"
    )

    class Meta(ApplicantFile.Meta):
        verbose_name = _("clarification file")
        verbose_name_plural = _("clarification files")
