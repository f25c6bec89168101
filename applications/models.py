from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.invitations import EmailInvitation
from competitions.models import LegalForm, Municipality, Region
from municipal_order.lib.i18n import LocalizedName
from municipal_order.lib.identifiers import digits_validator, inn_validator, phone_validator
from municipal_order.lib.storage import private_storage, random_upload_path


class Organization(LocalizedName, models.Model):
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
    phone = models.CharField(_("phone"), max_length=32, blank=True, validators=[phone_validator])
    head_name = models.CharField(_("head of the organisation"), max_length=200, blank=True)
    head_position = models.CharField(_("head's position"), max_length=160, blank=True)
    bank_name = models.CharField(_("bank"), max_length=160, blank=True)
    bank_bic = models.CharField(_("BIC"), max_length=16, blank=True, validators=[digits_validator])
    bank_account = models.CharField(
        _("account No."), max_length=34, blank=True, validators=[digits_validator]
    )
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
        constraints = [
            # The database refuses a look-alike INN too (full-width or other digits).
            models.CheckConstraint(
                condition=Q(inn__regex=r"^[0-9]{14}$"), name="organization_inn_ascii_digits"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


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


class Invitation(EmailInvitation):
    """An e-mail invitation to join an organisation; accepted by the invitee, once."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations"
    )
    role = models.CharField(
        _("role"),
        max_length=16,
        choices=OrganizationMember.Role.choices,
        default=OrganizationMember.Role.EDITOR,
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.organization}"


class BidQuerySet(models.QuerySet["Bid"]):
    def submitted(self) -> BidQuerySet:
        return self.filter(status=Bid.Status.SUBMITTED)


class Bid(models.Model):
    """An organisation's bid to a call: one per organisation and call.

    The row is the working draft; every submission freezes a `BidSubmission`
    (content, SHA-256, receipt number). Withdrawing returns the bid to draft and
    keeps the withdrawn submission for the record.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    competition = models.ForeignKey(
        "competitions.Competition",
        on_delete=models.PROTECT,
        related_name="bids",
        verbose_name=_("call"),
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="bids", verbose_name=_("organisation")
    )
    problem = models.ForeignKey(
        "competitions.PriorityProblem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bids",
        verbose_name=_("problem addressed"),
    )
    title = models.CharField(_("project title"), max_length=255, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    goal = models.TextField(_("goal"), blank=True)
    tasks = models.TextField(_("tasks"), blank=True)
    target_group = models.TextField(_("target group"), blank=True)
    beneficiaries = models.PositiveIntegerField(_("beneficiaries"), null=True, blank=True)
    team = models.TextField(_("team"), blank=True)
    partners = models.TextField(_("partners"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    version = models.PositiveIntegerField(default=1)
    # Per step of the form: {"plan": {"v": 3, "by": "…", "at": "…"}}. Two editors on
    # different steps never conflict; on the same step the second gets a 409 (T44).
    step_versions = models.JSONField(default=dict, blank=True)
    reminded_at = models.DateTimeField(_("deadline reminder sent"), null=True, blank=True)
    # The call was amended after this bid was submitted (T18): the applicant
    # confirms that the bid stands, or withdraws it to change it.
    reconfirm_requested_at = models.DateTimeField(_("re-confirmation asked"), null=True, blank=True)
    reconfirmed_at = models.DateTimeField(_("re-confirmed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = BidQuerySet.as_manager()
    # Not a column: the reader's role in the organisation (None for an officer or
    # administrator reading from outside), set by permissions.get_bid_for_user.
    member_role: str | None

    class Meta:
        verbose_name = _("bid")
        verbose_name_plural = _("bids")
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "competition"], name="one_bid_per_organization_and_call"
            )
        ]

    def __str__(self) -> str:
        return self.title or str(self.pk)

    @property
    def needs_reconfirmation(self) -> bool:
        return (
            self.status == self.Status.SUBMITTED
            and self.reconfirm_requested_at is not None
            and self.reconfirmed_at is None
        )


class BudgetLine(models.Model):
    class Category(models.TextChoices):
        STAFF = "staff", _("staff")
        EQUIPMENT = "equipment", _("equipment and materials")
        SERVICES = "services", _("services")
        TRAVEL = "travel", _("transport and travel")
        PREMISES = "premises", _("premises")
        OTHER = "other", _("other")

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="budget_lines")
    position = models.PositiveSmallIntegerField(default=0)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    item = models.CharField(_("item"), max_length=255)
    unit = models.CharField(_("unit"), max_length=32)
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=2)
    unit_cost = models.DecimalField(_("unit cost, KGS"), max_digits=14, decimal_places=2)
    own_contribution = models.DecimalField(
        _("own contribution, KGS"), max_digits=14, decimal_places=2, default=0
    )
    other_sources = models.DecimalField(
        _("other sources, KGS"), max_digits=14, decimal_places=2, default=0
    )

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0)
                & models.Q(unit_cost__gte=0)
                & models.Q(own_contribution__gte=0)
                & models.Q(other_sources__gte=0),
                name="budget_line_amounts_not_negative",
            )
        ]

    def __str__(self) -> str:
        return self.item

    @property
    def total(self):
        return (self.quantity * self.unit_cost).quantize(Decimal("0.01"))

    @property
    def requested(self):
        """What the line asks from the call: total less own and other money."""
        return max(self.total - self.own_contribution - self.other_sources, Decimal("0"))


class BidSubmission(models.Model):
    """A frozen, receipted submission of a bid."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        WITHDRAWN = "withdrawn", _("withdrawn")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    bid = models.ForeignKey(Bid, on_delete=models.PROTECT, related_name="submissions")
    receipt_number = models.CharField(_("receipt No."), max_length=32, unique=True)
    idempotency_key = models.CharField(max_length=64)
    submitted_at = models.DateTimeField(_("submitted"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    content = models.JSONField(_("content"))
    content_sha256 = models.CharField(_("SHA-256 of the content"), max_length=64)
    requested_total = models.DecimalField(max_digits=14, decimal_places=2)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["bid", "idempotency_key"], name="submission_idempotency_key_once"
            ),
            models.UniqueConstraint(
                fields=["bid"],
                condition=models.Q(status="active"),
                name="one_active_submission_per_bid",
            ),
        ]

    def __str__(self) -> str:
        return self.receipt_number


class PlanActivity(models.Model):
    """A line of the bid's calendar plan."""

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="activities")
    position = models.PositiveSmallIntegerField(default=0)
    activity = models.CharField(_("activity"), max_length=255)
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"))
    responsible = models.CharField(_("responsible"), max_length=160)
    result = models.CharField(_("expected result"), max_length=255)

    class Meta:
        verbose_name = _("calendar plan activity")
        verbose_name_plural = _("calendar plan")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="plan_activity_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.activity


class Indicator(models.Model):
    """A measurable result the bid promises: from the baseline to the target."""

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="indicators")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("indicator"), max_length=255)
    unit = models.CharField(_("unit"), max_length=64)
    baseline = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class BidDocumentQuerySet(models.QuerySet["BidDocument"]):
    def current(self) -> BidDocumentQuerySet:
        return self.filter(removed_at__isnull=True)


class BidDocument(models.Model):
    """A file attached to a bid: checked by content, stored under a random name."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="documents")
    requirement = models.CharField(
        _("required document"),
        max_length=255,
        blank=True,
        help_text=_("Which of the call's required documents this file is; empty for others."),
    )
    file = models.FileField(
        _("file"), storage=private_storage, upload_to=random_upload_path, max_length=255
    )
    name = models.CharField(_("file name"), max_length=255)
    kind = models.CharField(_("type"), max_length=8)
    size = models.PositiveBigIntegerField(_("size, bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    # Removed files stay stored: a withdrawn submission may cite their hash.
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)
    # Set by the nightly check when the stored bytes no longer match `sha256` (T26).
    integrity_error_at = models.DateTimeField(_("integrity error found"), null=True, blank=True)

    objects = BidDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("bid document")
        verbose_name_plural = _("bid documents")
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.name


class SealBreak(models.Model):
    """A site administrator opened a call's bids before the deadline: public and audited."""

    competition = models.ForeignKey(
        "competitions.Competition", on_delete=models.PROTECT, related_name="seal_breaks"
    )
    broken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"))
    broken_at = models.DateTimeField(_("opened"), auto_now_add=True)

    class Meta:
        verbose_name = _("seal break")
        verbose_name_plural = _("seal breaks")
        ordering = ["broken_at"]

    def __str__(self) -> str:
        return f"{self.competition} · {self.broken_at:%Y-%m-%d %H:%M}"
