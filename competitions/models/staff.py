from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from competitions.models.territories import Municipality, Region


class MunicipalStaff(models.Model):
    """A municipal officer: may manage problems, calls and projects of one municipality.

    The head (of the social department, or the portal administrator the ayil okmotu
    names) also manages who else is an officer.
    """

    class Role(models.TextChoices):
        HEAD = "head", _("head")
        OFFICER = "officer", _("officer")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="municipal_roles",
        verbose_name=_("user"),
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="staff", verbose_name=_("municipality")
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.OFFICER)
    position = models.CharField(_("position"), max_length=160, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("municipal officer")
        verbose_name_plural = _("municipal officers")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "municipality"], name="municipal_staff_once_per_municipality"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.municipality}"


class MinistryStaff(models.Model):
    """Ministry staff: read-only oversight, nationally (no region) or of one region."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="ministry_roles",
        verbose_name=_("user"),
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="ministry_staff",
        verbose_name=_("region"),
        help_text=_("Empty means the whole country."),
    )
    position = models.CharField(_("position"), max_length=160, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("ministry staff member")
        verbose_name_plural = _("ministry staff")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "region"], name="ministry_staff_once_per_region"
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(region__isnull=True),
                name="ministry_staff_once_national",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.region or _('national')}"
