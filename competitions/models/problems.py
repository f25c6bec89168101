from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from competitions.exceptions import TransitionNotAllowed
from competitions.models.territories import Municipality, Sphere, TargetGroup
from municipal_order.lib.storage import private_storage, random_upload_path


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
        # The public list's two sorts (problem_list: public(), archived excluded, by
        # support or newest first, 20 a page). The predicate repeats the list's WHERE,
        # so the planner can use the index and stop after a page.
        indexes = [
            models.Index(
                fields=["-support_count", "-published_at", "-id"],
                name="problem_public_support_idx",
                condition=~Q(status="draft") & ~Q(status="archived"),
            ),
            models.Index(
                fields=["-published_at", "-id"],
                name="problem_public_recent_idx",
                condition=~Q(status="draft") & ~Q(status="archived"),
            ),
        ]
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

    def mark_addressed(self) -> None:
        """A project funded to answer it has achieved its results (the officer says so
        when completing the project)."""
        if self.status not in (self.Status.PUBLISHED, self.Status.IN_CALL):
            raise TransitionNotAllowed(_("Only a published problem is marked addressed."))
        self.status = self.Status.ADDRESSED

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
