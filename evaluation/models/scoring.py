"""Score sheets: one per commission member and admitted bid, one score per criterion.

A sheet is the member's own. It is a draft (autosaved, `version` guards against a
second tab overwriting the first) until submitted; a submitted sheet is locked.
Nobody else reads its values before the member submitted their own sheet on the
bid or the scoring is closed (T8): see `evaluation.permissions` and the selectors.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from applications.models import BidSubmission
from competitions.models import CommissionMember, Criterion


class ScoreSheet(models.Model):
    seat = models.ForeignKey(
        CommissionMember, on_delete=models.PROTECT, related_name="score_sheets"
    )
    submission = models.ForeignKey(
        BidSubmission, on_delete=models.PROTECT, related_name="score_sheets"
    )
    comment = models.TextField(_("overall comment"), blank=True, max_length=4000)
    version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    # Set when an upheld appeal reopened the sheet: the member scores the bid again
    # (the earlier values stay in the audit trail and the results' change record).
    reopened_at = models.DateTimeField(_("reopened"), null=True, blank=True)

    class Meta:
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")
        ordering = ["submission", "seat"]
        constraints = [
            models.UniqueConstraint(
                fields=["seat", "submission"], name="one_score_sheet_per_seat_and_bid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.seat} · {self.submission}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class Score(models.Model):
    """One criterion of a sheet: the score (empty in a draft) and the member's comment.

    Comments are internal to the commission whatever is edited later (T10): no page of
    the applicant or the public reads this table, except per-member scores (values,
    never comments) when the call publishes them.
    """

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    value = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["criterion__position", "criterion_id"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "criterion"], name="one_score_per_criterion"),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__lte=1000), name="score_value_bounded"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.value}"
