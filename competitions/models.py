from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from competitions.exceptions import TransitionNotAllowed
from municipal_order.lib.i18n import LocalizedName
from municipal_order.lib.storage import private_storage, random_upload_path


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


class MunicipalityQuerySet(models.QuerySet["Municipality"]):
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


class ProblemQuerySet(models.QuerySet["PriorityProblem"]):
    def public(self) -> ProblemQuerySet:
        return self.exclude(status=PriorityProblem.Status.DRAFT)


class PriorityProblem(models.Model):
    """A problem the community named and the municipality commits to address."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        IN_CALL = "in_call", _("in a call")
        ADDRESSED = "addressed", _("addressed")
        ARCHIVED = "archived", _("archived")

    class AssessmentMethod(models.TextChoices):
        PRA = "pra", _("joint study of community needs (PRA)")
        SURVEY = "survey", _("household survey")
        HEARING = "hearing", _("public hearing")
        FOCUS_GROUPS = "focus_groups", _("focus groups")
        VILLAGE_ASSEMBLY = "assembly", _("village assembly")
        OTHER = "other", _("other")

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="problems",
        verbose_name=_("municipality"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    sphere = models.ForeignKey(
        Sphere, on_delete=models.PROTECT, related_name="problems", verbose_name=_("sphere")
    )
    target_groups = models.ManyToManyField(
        TargetGroup, related_name="problems", verbose_name=_("target groups"), blank=True
    )
    beneficiaries = models.PositiveIntegerField(_("estimated beneficiaries"), null=True, blank=True)
    estimated_cost = models.DecimalField(
        _("estimated cost, KGS"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    assessment_method = models.CharField(
        _("needs assessment method"), max_length=16, choices=AssessmentMethod.choices, blank=True
    )
    assessment_date = models.DateField(_("date of the assessment"), null=True, blank=True)
    participants = models.PositiveIntegerField(_("participants"), null=True, blank=True)
    women_participants = models.PositiveIntegerField(
        _("women among the participants"), null=True, blank=True
    )
    minutes = models.FileField(
        _("minutes of the assessment"),
        storage=private_storage,
        upload_to=random_upload_path,
        blank=True,
        max_length=255,
    )
    minutes_name = models.CharField(max_length=255, blank=True)
    minutes_sha256 = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    support_count = models.PositiveIntegerField(_("supporters"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)

    objects = ProblemQuerySet.as_manager()

    class Meta:
        verbose_name = _("priority problem")
        verbose_name_plural = _("priority problems")
        ordering = ["-support_count", "-published_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(women_participants__isnull=True)
                | Q(participants__isnull=True)
                | Q(women_participants__lte=models.F("participants")),
                name="problem_women_not_more_than_participants",
            ),
            models.CheckConstraint(
                condition=Q(estimated_cost__isnull=True) | Q(estimated_cost__gte=0),
                name="problem_cost_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.status != self.Status.DRAFT

    @property
    def accepts_support(self) -> bool:
        return self.status in {self.Status.PUBLISHED, self.Status.IN_CALL}

    def publish(self) -> None:
        if self.status != self.Status.DRAFT:
            raise TransitionNotAllowed(_("Only a draft can be published."))
        self.status = self.Status.PUBLISHED
        self.published_at = timezone.now()

    def archive(self) -> None:
        if self.status == self.Status.ARCHIVED:
            raise TransitionNotAllowed(_("The problem is already archived."))
        self.status = self.Status.ARCHIVED
        self.archived_at = timezone.now()


class ProblemSupport(models.Model):
    problem = models.ForeignKey(PriorityProblem, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="problem_supports"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [
            models.UniqueConstraint(fields=["problem", "user"], name="support_once_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.problem_id}"


class ProblemComment(models.Model):
    problem = models.ForeignKey(PriorityProblem, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="problem_comments"
    )
    text = models.TextField(_("comment"), max_length=2000)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    hidden_at = models.DateTimeField(_("hidden"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    hidden_reason = models.CharField(_("reason for hiding"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class Programme(models.Model):
    """The municipality's social-order programme, approved by the local kenesh."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="programmes",
        verbose_name=_("municipality"),
    )
    title = models.CharField(_("title"), max_length=255)
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    kenesh_decision_number = models.CharField(_("kenesh decision No."), max_length=64)
    kenesh_decision_date = models.DateField(_("kenesh decision date"))
    needs_assessment = models.TextField(
        _("needs assessment it rests on"),
        help_text=_("How and when the community's needs were studied, and the main findings."),
    )
    problems = models.ManyToManyField(
        PriorityProblem, related_name="programmes", blank=True, verbose_name=_("priority problems")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("social-order programme")
        verbose_name_plural = _("social-order programmes")
        ordering = ["-start_year", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__gte=models.F("start_year")),
                name="programme_years_in_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.start_year}–{self.end_year})"

    @property
    def total_budget(self):
        return sum((y.amount for y in self.years.all()), start=0)


class ProgrammeYear(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="years")
    year = models.PositiveSmallIntegerField(_("year"))
    amount = models.DecimalField(_("budget, KGS"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("programme budget year")
        verbose_name_plural = _("programme budget years")
        ordering = ["year"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "year"], name="programme_year_once"),
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="programme_amount_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.amount}"


class CompetitionQuerySet(models.QuerySet["Competition"]):
    def public(self) -> CompetitionQuerySet:
        return self.exclude(status=Competition.Status.DRAFT)

    def with_counts(self) -> CompetitionQuerySet:
        """`open_questions` and `bids_received` in the same query (lists of calls)."""
        return self.annotate(
            open_questions=models.Count("questions", filter=Q(questions__answer=""), distinct=True),
            bids_received=models.Count("bids", filter=Q(bids__status="submitted"), distinct=True),
        )


class Competition(models.Model):
    """A call for socially useful projects, announced inside a programme.

    Whether it accepts bids is derived from the clock (opens_at ≤ now < closes_at),
    never from a flag a scheduler sets.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("announced")
        CANCELLED = "cancelled", _("cancelled")

    class FundingSource(models.TextChoices):
        LOCAL = "local", _("local budget")
        REPUBLICAN = "republican", _("republican budget")
        BOTH = "both", _("local and republican budgets")

    class TieBreak(models.TextChoices):
        COMMISSION_VOTE = "vote", _("vote of the commission, recorded by the chair")
        COFINANCING = "cofinancing", _("higher co-financing share")
        EARLIER = "earlier", _("earlier submission")

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="competitions",
        verbose_name=_("municipality"),
    )
    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        related_name="competitions",
        verbose_name=_("programme"),
    )
    problems = models.ManyToManyField(
        PriorityProblem, related_name="competitions", verbose_name=_("priority problems addressed")
    )
    title = models.CharField(_("title"), max_length=255)
    goal = models.TextField(_("goal"))
    tasks = models.TextField(_("tasks"))
    target_group = models.TextField(_("target group"))
    sphere = models.ForeignKey(
        Sphere, on_delete=models.PROTECT, related_name="competitions", verbose_name=_("sphere")
    )
    funding_source = models.CharField(
        _("funding source"),
        max_length=16,
        choices=FundingSource.choices,
        default=FundingSource.LOCAL,
    )
    total_budget = models.DecimalField(_("total budget, KGS"), max_digits=14, decimal_places=2)
    max_per_bid = models.DecimalField(_("maximum per bid, KGS"), max_digits=14, decimal_places=2)
    min_cofinancing_pct = models.PositiveSmallIntegerField(_("minimum co-financing, %"), default=0)
    implementation_start = models.DateField(_("implementation starts"))
    implementation_end = models.DateField(_("implementation ends"))
    opens_at = models.DateTimeField(_("bids accepted from"))
    closes_at = models.DateTimeField(_("deadline for bids"))
    required_documents = models.TextField(
        _("required documents"), help_text=_("One document a line."), blank=True
    )
    eligible_forms = models.JSONField(_("eligible applicants"), default=list)
    region_only = models.BooleanField(
        _("only applicants registered in the municipality's region"), default=False
    )
    verified_only = models.BooleanField(_("only verified organisations"), default=True)
    pass_threshold = models.PositiveSmallIntegerField(_("pass threshold (0–100)"), default=60)
    appeal_days = models.PositiveSmallIntegerField(_("appeal window, days"), default=5)
    tie_break = models.CharField(
        _("tie-break rule"),
        max_length=16,
        choices=TieBreak.choices,
        default=TieBreak.COMMISSION_VOTE,
    )
    quorum_pct = models.PositiveSmallIntegerField(_("quorum, in percent of members"), default=67)
    civil_society_min_pct = models.PositiveSmallIntegerField(
        _("minimum civil-society share of the commission, %"), default=50
    )
    rule_set = models.CharField(
        _("rules applied"),
        max_length=255,
        default="Cabinet Resolution No. 604 of 04.11.2022",
        help_text=_(
            "The regulation this call follows; the defaults above are assumptions to check."
        ),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    published_at = models.DateTimeField(_("announced"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)

    objects = CompetitionQuerySet.as_manager()

    class Meta:
        verbose_name = _("competition")
        verbose_name_plural = _("competitions")
        ordering = ["-opens_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="call_closes_after_opening"
            ),
            models.CheckConstraint(
                condition=Q(max_per_bid__lte=models.F("total_budget")) & Q(max_per_bid__gt=0),
                name="call_max_per_bid_within_budget",
            ),
            models.CheckConstraint(
                condition=Q(implementation_end__gte=models.F("implementation_start")),
                name="call_implementation_in_order",
            ),
            models.CheckConstraint(
                condition=Q(pass_threshold__lte=100)
                & Q(min_cofinancing_pct__lte=100)
                & Q(quorum_pct__lte=100)
                & Q(civil_society_min_pct__lte=100),
                name="call_percentages_at_most_100",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.status != self.Status.DRAFT

    def accepts_bids(self, now: datetime.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.status == self.Status.PUBLISHED and self.opens_at <= now < self.closes_at

    def phase(self, now: datetime.datetime | None = None) -> str:
        """draft | cancelled | upcoming | accepting | closed: derived, never stored."""
        now = now or timezone.now()
        if self.status != self.Status.PUBLISHED:
            return self.status
        if now < self.opens_at:
            return "upcoming"
        return "accepting" if now < self.closes_at else "closed"

    # Announced and not past the deadline: bids are prepared and sealed, questions
    # are asked, the conditions may still be amended.
    BEFORE_DEADLINE = frozenset({"upcoming", "accepting"})

    def before_deadline(self, now: datetime.datetime | None = None) -> bool:
        return self.phase(now) in self.BEFORE_DEADLINE

    @property
    def required_document_list(self) -> list[str]:
        return [line.strip() for line in self.required_documents.splitlines() if line.strip()]

    def publish(self, now: datetime.datetime | None = None) -> None:
        if self.status != self.Status.DRAFT:
            raise TransitionNotAllowed(_("Only a draft call can be announced."))
        self.status = self.Status.PUBLISHED
        self.published_at = now or timezone.now()

    def cancel(self, reason: str, now: datetime.datetime | None = None) -> None:
        if self.status == self.Status.CANCELLED:
            raise TransitionNotAllowed(_("The call is already cancelled."))
        if self.phase(now) == "closed":
            raise TransitionNotAllowed(_("A call past its deadline cannot be cancelled here."))
        self.status = self.Status.CANCELLED
        self.cancelled_at = now or timezone.now()
        self.cancel_reason = reason


class Criterion(models.Model):
    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("criterion"), max_length=255)
    guidance = models.TextField(_("guidance for the commission"), blank=True)
    weight = models.PositiveSmallIntegerField(_("weight, %"))
    max_score = models.PositiveSmallIntegerField(_("maximum score"), default=10)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gt=0) & Q(weight__lte=100) & Q(max_score__gt=0),
                name="criterion_weight_and_scale_positive",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.weight}%)"


class CommissionMember(models.Model):
    class Role(models.TextChoices):
        CHAIR = "chair", _("chair")
        SECRETARY = "secretary", _("secretary")
        MEMBER = "member", _("member")

    class Affiliation(models.TextChoices):
        STATE = "state", _("state or municipal body")
        CIVIL_SOCIETY = "civil_society", _("civil society")
        EXPERT = "expert", _("independent expert")

    competition = models.ForeignKey(
        Competition, on_delete=models.CASCADE, related_name="commission"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="commission_seats"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    affiliation = models.CharField(_("affiliation"), max_length=16, choices=Affiliation.choices)

    class Meta:
        verbose_name = _("commission member")
        verbose_name_plural = _("commission members")
        ordering = ["role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["competition", "user"], name="one_seat_per_call"),
            models.UniqueConstraint(
                fields=["competition"], condition=Q(role="chair"), name="one_chair_per_call"
            ),
            models.UniqueConstraint(
                fields=["competition"], condition=Q(role="secretary"), name="one_secretary_per_call"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class Amendment(models.Model):
    """A public change to an announced call (budget, criteria or deadline)."""

    competition = models.ForeignKey(
        Competition, on_delete=models.CASCADE, related_name="amendments"
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.TextField(_("reason"))
    changes = models.JSONField(_("changes"), default=dict)

    class Meta:
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.competition} · {self.created_at:%d.%m.%Y}"


class Question(models.Model):
    """Public Q&A on a call; the asker is never shown."""

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="questions")
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(_("question"), max_length=2000)
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]
