"""The commission's declarations for a call: confidentiality, then conflicts of interest
on each admitted bid (T6, T7)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from applications.models import BidSubmission
from competitions.models import CommissionMember


class ConfidentialityDeclaration(models.Model):
    """A commission member's signed confidentiality declaration for the call (one per seat).

    Records which text was agreed to: its version, the language it was read in and the
    SHA-256 of that text, so a later wording cannot be passed off as the one signed.
    Nothing of a bid opens to the member before it exists (T7).
    """

    seat = models.OneToOneField(
        CommissionMember, on_delete=models.PROTECT, related_name="confidentiality"
    )
    signed_at = models.DateTimeField(_("signed"))
    text_version = models.CharField(_("version of the text"), max_length=16)
    language = models.CharField(_("language"), max_length=8)
    text_sha256 = models.CharField(_("SHA-256 of the text"), max_length=64)

    class Meta:
        verbose_name = _("confidentiality declaration")
        verbose_name_plural = _("confidentiality declarations")

    def __str__(self) -> str:
        return f"{self.seat} · {self.text_version}"


class ConflictDeclaration(models.Model):
    """A commission member's declaration on one admitted bid: no conflict of interest, or
    a conflict with a statement (which recuses the member from the bid, T6).

    Made once; the only change allowed is "no conflict" → "conflict" (a conflict found
    later), which keeps the first declaration's time in `declared_at` and sets
    `revised_at`: the protocol can say the member had read the bid before recusing.
    """

    seat = models.ForeignKey(
        CommissionMember, on_delete=models.PROTECT, related_name="conflict_declarations"
    )
    submission = models.ForeignKey(
        BidSubmission, on_delete=models.PROTECT, related_name="conflict_declarations"
    )
    has_conflict = models.BooleanField(_("conflict of interest"))
    statement = models.TextField(_("statement"), blank=True, max_length=4000)
    declared_at = models.DateTimeField(_("declared"))
    revised_at = models.DateTimeField(_("conflict declared later"), null=True, blank=True)

    class Meta:
        verbose_name = _("conflict-of-interest declaration")
        verbose_name_plural = _("conflict-of-interest declarations")
        ordering = ["declared_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["seat", "submission"], name="one_conflict_declaration_per_seat_and_bid"
            ),
            models.CheckConstraint(
                condition=Q(has_conflict=False) | ~Q(statement=""),
                name="conflict_declared_with_statement",
            ),
            models.CheckConstraint(
                condition=Q(revised_at__isnull=True) | Q(has_conflict=True),
                name="conflict_revision_only_to_conflict",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.seat} · {self.submission} · {self.has_conflict}"
