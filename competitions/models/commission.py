"""Invitations to a call's commission for people with no account yet."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.invitations import EmailInvitation
from competitions.models.calls import CommissionMember, Competition


class CommissionInvitation(EmailInvitation):
    """A reserved seat on a draft call's commission, taken when the invitee accepts.

    The officer lists the e-mail in the call form like any member; an address with
    no account becomes an invitation (role and affiliation kept here). Accepting
    creates the `CommissionMember`; the call cannot be announced while a seat waits.
    """

    competition = models.ForeignKey(
        Competition, on_delete=models.CASCADE, related_name="commission_invitations"
    )
    role = models.CharField(
        _("role"),
        max_length=16,
        choices=CommissionMember.Role.choices,
        default=CommissionMember.Role.MEMBER,
    )
    affiliation = models.CharField(
        _("affiliation"), max_length=16, choices=CommissionMember.Affiliation.choices
    )

    class Meta:
        verbose_name = _("commission invitation")
        verbose_name_plural = _("commission invitations")
        ordering = ["created_at", "id"]
        constraints = [
            # One waiting invitation per address and call (one seat per person).
            models.UniqueConstraint(
                fields=["competition", "email"],
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="one_pending_commission_invitation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.competition} ({self.get_role_display()})"
