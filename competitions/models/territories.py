from __future__ import annotations

import datetime
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from municipal_order.lib.i18n import LocalizedName, kyrgyz_collation_key, localized

# Between the names in Municipality.search_text: a search (one line) never spans two.
SEARCH_SEPARATOR = "\n"


class Region(LocalizedName, models.Model):
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


class District(LocalizedName, models.Model):
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


def search_needle(text: str | None) -> str:
    """A search as `Municipality.search_text` holds the names: one line, case-folded."""
    return " ".join((text or "").split()).casefold()


class MunicipalityQuerySet(models.QuerySet["Municipality"]):
    def matching(self, text: str | None) -> MunicipalityQuerySet:
        """Those whose name in any language, or code, contains `text`, case aside.

        SQL's own case folding is ASCII-only on SQLite and misses nothing else on
        PostgreSQL, but the derived `search_text` makes both fold Ң Ө Ү alike.
        """
        needle = search_needle(text)
        return self.filter(search_text__contains=needle) if needle else self

    def valid_on(self, day: datetime.date | None = None) -> MunicipalityQuerySet:
        day = day or timezone.localdate()
        return self.filter(Q(valid_from__lte=day) | Q(valid_from__isnull=True)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day)
        )


class Municipality(LocalizedName, models.Model):
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
    # Derived from the names by `save()` (`refresh_listing`), so that lists sort in the
    # Kyrgyz alphabet, search without case (Ң Ө Ү) and page in SQL: the name each
    # language shows (`localized`'s fallbacks) as a `kyrgyz_collation_key`, and the
    # names and code case-folded.
    sort_key_ru = models.TextField(editable=False, default="")
    sort_key_ky = models.TextField(editable=False, default="")
    sort_key_en = models.TextField(editable=False, default="")
    search_text = models.TextField(editable=False, default="")

    objects = MunicipalityQuerySet.as_manager()

    LISTING_FIELDS = ("sort_key_ru", "sort_key_ky", "sort_key_en", "search_text")
    _NAME_FIELDS = frozenset({"name_ru", "name_ky", "name_en", "code"})

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

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.refresh_listing()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and self._NAME_FIELDS & set(update_fields):
            kwargs["update_fields"] = {*update_fields, *self.LISTING_FIELDS}
        super().save(*args, **kwargs)

    def refresh_listing(self) -> None:
        """Recompute the LISTING_FIELDS from the names and the code."""
        for lang in ("ru", "ky", "en"):
            with translation.override(lang):
                setattr(self, f"sort_key_{lang}", kyrgyz_collation_key(localized(self)))
        names = (self.name_ru, self.name_ky, self.name_en, self.code)
        self.search_text = SEARCH_SEPARATOR.join(name.casefold() for name in names if name)

    def is_valid_on(self, day: datetime.date | None = None) -> bool:
        day = day or timezone.localdate()
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    @property
    def is_current(self) -> bool:
        return self.is_valid_on()


class LegalForm(models.TextChoices):
    """Who may apply: the legal forms of applicants a call can admit."""

    PUBLIC_ASSOCIATION = "public_association", _("public association")
    FOUNDATION = "foundation", _("foundation")
    INSTITUTION = "institution", _("institution")
    ASSOCIATION = "association", _("association of legal entities")
    COMMUNITY_BASED = "community_based", _("community-based organisation")
    OTHER_LEGAL_ENTITY = "other_legal_entity", _("other legal entity")
    ENTREPRENEUR = "entrepreneur", _("individual entrepreneur")

    @classmethod
    def non_commercial(cls) -> list[str]:
        return [
            cls.PUBLIC_ASSOCIATION,
            cls.FOUNDATION,
            cls.INSTITUTION,
            cls.ASSOCIATION,
            cls.COMMUNITY_BASED,
        ]


class Sphere(LocalizedName, models.Model):
    """A field of social services a problem or a call belongs to (reference data)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=160)
    name_ky = models.CharField(_("name (Kyrgyz)"), max_length=160)
    name_en = models.CharField(_("name (English)"), max_length=160, blank=True)
    ordering = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("sphere")
        verbose_name_plural = _("spheres")
        ordering = ["ordering", "code"]

    def __str__(self) -> str:
        return self.name


class TargetGroup(LocalizedName, models.Model):
    """Who a problem affects: the 7 focus groups of community needs studies and others."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=160)
    name_ky = models.CharField(_("name (Kyrgyz)"), max_length=160)
    name_en = models.CharField(_("name (English)"), max_length=160, blank=True)
    is_focus_group = models.BooleanField(
        _("focus group of the needs study"),
        default=False,
        help_text=_("One of the 7 groups interviewed in a joint study of community needs."),
    )
    ordering = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")
        ordering = ["ordering", "code"]

    def __str__(self) -> str:
        return self.name
