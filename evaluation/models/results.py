"""The commission's results for a call: the record made when scoring closes (who
closed it, any override, the budget), the meeting, the chair's approval, and one row
per admitted bid with its score, rank, status and amount.

The selected total lives on the call's record with a database check against the
budget, updated in the same transaction as the bids' statuses under the call's lock:
two officers selecting at once can never award more than the budget (T24). After
publication the rows change only through an audited correction, which leaves a
`ResultChange` everyone can read (T23).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from applications.models import BidSubmission
from competitions.models import CommissionMember, Competition


class CallEvaluation(models.Model):
    competition = models.OneToOneField(
        Competition, on_delete=models.PROTECT, related_name="evaluation"
    )
    closed_at = models.DateTimeField(_("scoring closed"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Closing before every member submitted needs a recorded reason; `missing` names
    # the sheets that were not in (seat id, receipt number) at that moment.
    override_reason = models.TextField(_("reason for closing early"), blank=True, max_length=4000)
    missing = models.JSONField(_("sheets not submitted at closing"), default=list, blank=True)
    budget = models.DecimalField(_("budget, KGS"), max_digits=14, decimal_places=2)
    selected_total = models.DecimalField(
        _("selected, KGS"), max_digits=14, decimal_places=2, default=0
    )
    meeting_on = models.DateField(_("meeting date"), null=True, blank=True)
    meeting_place = models.CharField(_("place"), max_length=255, blank=True)
    attendees = models.ManyToManyField(
        CommissionMember, blank=True, related_name="+", verbose_name=_("members present")
    )
    decisions = models.TextField(_("decisions of the meeting"), blank=True, max_length=8000)
    approved_at = models.DateTimeField(_("approved by the chair"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # 1 at the first publication, +1 each time corrected results are published again.
    edition = models.PositiveSmallIntegerField(_("edition of the results"), default=0)

    class Meta:
        verbose_name = _("evaluation of a call")
        verbose_name_plural = _("evaluations of calls")
        constraints = [
            models.CheckConstraint(
                condition=Q(selected_total__gte=0) & Q(selected_total__lte=F("budget")),
                name="selected_within_budget",
            ),
        ]

    def __str__(self) -> str:
        return str(self.competition)

    @property
    def remaining(self):
        return self.budget - self.selected_total


class BidResult(models.Model):
    class Status(models.TextChoices):
        SELECTED = "selected", _("selected for funding")
        RESERVE = "reserve", _("reserve")
        BELOW_THRESHOLD = "below_threshold", _("below the pass threshold")
        NOT_SCORED = "not_scored", _("not scored")

    evaluation = models.ForeignKey(CallEvaluation, on_delete=models.CASCADE, related_name="results")
    submission = models.OneToOneField(
        BidSubmission, on_delete=models.PROTECT, related_name="result"
    )
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True)
    sheets_counted = models.PositiveSmallIntegerField(_("members counted"), default=0)
    rank = models.PositiveIntegerField(_("rank"), null=True)
    tied = models.BooleanField(_("tied"), default=False)
    # The chair's record of the commission's vote on tied bids (tie-break "vote").
    vote_position = models.PositiveSmallIntegerField(_("order by vote"), null=True, blank=True)
    status = models.CharField(_("result"), max_length=16, choices=Status.choices)
    reserve_position = models.PositiveSmallIntegerField(_("place in reserve"), null=True)
    requested = models.DecimalField(_("requested, KGS"), max_digits=14, decimal_places=2)
    approved = models.DecimalField(
        _("reduced amount, KGS"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    reduction_reason = models.TextField(_("reason for the reduction"), blank=True, max_length=2000)
    awarded = models.DecimalField(_("awarded, KGS"), max_digits=14, decimal_places=2, null=True)

    class Meta:
        verbose_name = _("result of a bid")
        verbose_name_plural = _("results of bids")
        ordering = ["evaluation", F("rank").asc(nulls_last=True), "submission__submitted_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(approved__isnull=True)
                | (Q(approved__gt=0) & Q(approved__lte=F("requested")) & ~Q(reduction_reason="")),
                name="reduction_within_request_with_reason",
            ),
            models.CheckConstraint(
                condition=Q(awarded__isnull=True)
                | (Q(status="selected") & Q(awarded__gt=0) & Q(awarded__lte=F("requested"))),
                name="awarded_only_when_selected",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.submission} · {self.get_status_display()}"


class ResultChange(models.Model):
    """What changed in a bid's published result, and why (an upheld appeal or a
    correction): shown on the public results page beside the current figures."""

    evaluation = models.ForeignKey(CallEvaluation, on_delete=models.CASCADE, related_name="changes")
    submission = models.ForeignKey(BidSubmission, on_delete=models.PROTECT, related_name="+")
    edition = models.PositiveSmallIntegerField(_("edition of the results"))
    before = models.JSONField(_("before"))
    after = models.JSONField(_("after"))
    reason = models.TextField(_("reason"), max_length=4000)
    created_at = models.DateTimeField(_("time"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("change of a published result")
        verbose_name_plural = _("changes of published results")
        ordering = ["edition", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.submission} · {self.edition}"
