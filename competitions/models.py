from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from municipal_order.lib.i18n import localized


class Region(models.Model):
    """A first-level unit: one of the 7 oblasts or a city of republican significance."""

    class Kind(models.TextChoices):
        OBLAST = "oblast", _("oblast")
        CITY = "city", _("city of republican significance")

    code = models.CharField(_("ISO 3166-2 code"), max_length=8, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name_ru = models.CharField(_("name (Russian)"), max_length=120)
    name_ky = models.CharField(_("name (Kyrgyz)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self)


class District(models.Model):
    """A rayon inside an oblast."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="districts", verbose_name=_("region")
    )
    code = models.CharField(_("code"), max_length=32, unique=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=120)
    name_ky = models.CharField(_("name (Kyrgyz)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["region__code", "name_ru"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self)


class MunicipalityQuerySet(models.QuerySet["Municipality"]):
    def valid_on(self, day: datetime.date | None = None) -> MunicipalityQuerySet:
        day = day or timezone.localdate()
        return self.filter(Q(valid_from__lte=day) | Q(valid_from__isnull=True)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day)
        )


class Municipality(models.Model):
    """A local self-government unit: an ayil aimak (ayil okmotu) or a city (mayor's office).

    Territories are versioned: the 2023-2024 reform merged hundreds of ayil aimaks,
    so a unit has a validity period and, once abolished, a successor it merged into.
    Old calls keep pointing at the unit that ran them.
    """

    class Kind(models.TextChoices):
        AYIL_AIMAK = "ayil_aimak", _("ayil aimak")
        CITY = "city", _("city")

    code = models.CharField(
        _("code"), max_length=32, unique=True, help_text=_("Stable identifier used by imports.")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="municipalities", verbose_name=_("region")
    )
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        related_name="municipalities",
        null=True,
        blank=True,
        verbose_name=_("district"),
        help_text=_("Empty for cities of republican or regional significance."),
    )
    name_ru = models.CharField(_("name (Russian)"), max_length=160)
    name_ky = models.CharField(_("name (Kyrgyz)"), max_length=160)
    name_en = models.CharField(_("name (English)"), max_length=160, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessors",
        verbose_name=_("merged into"),
    )
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    source = models.CharField(_("source of the record"), max_length=255, blank=True)

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["region__code", "name_ru"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="municipality_validity_in_order",
            ),
            models.CheckConstraint(
                condition=~Q(successor=models.F("pk")), name="municipality_not_own_successor"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self)

    def is_valid_on(self, day: datetime.date | None = None) -> bool:
        day = day or timezone.localdate()
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    @property
    def is_current(self) -> bool:
        return self.is_valid_on()


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
