from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from competitions.models import LegalForm, Municipality, Region
from municipal_order.lib.i18n import localized

inn_validator = RegexValidator(r"^\d{14}$", _("The INN has exactly 14 digits."))


class Organization(models.Model):
    """An applicant: usually an NCO registered with the Ministry of Justice."""

    LegalForm = LegalForm

    name_ru = models.CharField(_("name (Russian)"), max_length=255)
    name_ky = models.CharField(_("name (Kyrgyz)"), max_length=255, blank=True)
    legal_form = models.CharField(_("legal form"), max_length=32, choices=LegalForm.choices)
    inn = models.CharField(_("INN"), max_length=14, unique=True, validators=[inn_validator])
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="organizations", verbose_name=_("region")
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organizations",
        verbose_name=_("municipality"),
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name_ru"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self)


class OrganizationMember(models.Model):
    class Role(models.TextChoices):
        ADMIN = "admin", _("administrator")
        EDITOR = "editor", _("editor")
        VIEWER = "viewer", _("viewer")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="organization_roles",
        verbose_name=_("user"),
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="members",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.EDITOR)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation member")
        verbose_name_plural = _("organisation members")
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="org_member_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organization} ({self.get_role_display()})"
