from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from competitions.models import LegalForm, Municipality, Region
from municipal_order.lib.i18n import localized
from municipal_order.lib.storage import private_storage, random_upload_path

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
    registration_number = models.CharField(
        _("Ministry of Justice registration No."), max_length=64, blank=True
    )
    registration_date = models.DateField(_("registration date"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    head_name = models.CharField(_("head of the organisation"), max_length=200, blank=True)
    head_position = models.CharField(_("head's position"), max_length=160, blank=True)
    bank_name = models.CharField(_("bank"), max_length=160, blank=True)
    bank_bic = models.CharField(_("BIC"), max_length=16, blank=True)
    bank_account = models.CharField(_("account No."), max_length=34, blank=True)
    charter = models.FileField(
        _("charter"),
        storage=private_storage,
        upload_to=random_upload_path,
        blank=True,
        max_length=255,
    )
    charter_name = models.CharField(max_length=255, blank=True)
    charter_sha256 = models.CharField(max_length=64, blank=True)
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
    )
    verification_note = models.CharField(_("verification note"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name_ru"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

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


class Invitation(models.Model):
    """An e-mail invitation to join an organisation; accepted by the invitee, once."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail"))
    role = models.CharField(
        _("role"),
        max_length=16,
        choices=OrganizationMember.Role.choices,
        default=OrganizationMember.Role.EDITOR,
    )
    token = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.organization}"

    def is_open(self, now=None) -> bool:
        from django.utils import timezone

        now = now or timezone.now()
        return self.accepted_at is None and self.revoked_at is None and now < self.expires_at
