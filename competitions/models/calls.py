from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from competitions.exceptions import TransitionNotAllowed
from competitions.extensions import call_counts
from competitions.models.problems import PriorityProblem, Programme
from competitions.models.territories import Municipality, Sphere
from competitions.phases import Phase, phase_of, phase_q
from municipal_order.lib.dates import BISHKEK

# Stored as typed (an officer may name another regulation); shown in the reader's
# language when it is this default (see Competition.rule_set_display).
DEFAULT_RULE_SET = "Cabinet Resolution No. 604 of 04.11.2022"


class CompetitionQuerySet(models.QuerySet["Competition"]):
    def public(self) -> CompetitionQuerySet:
        return self.exclude(status=Competition.Status.DRAFT)

    def in_phase(self, *phases: Phase, now: datetime.datetime | None = None) -> CompetitionQuerySet:
        """Calls in any of `phases` at `now` (the SQL twin of `Competition.phase_at`)."""
        return self.filter(phase_q(*phases, now=now or timezone.now()))

    def with_counts(self) -> CompetitionQuerySet:
        """`open_questions` and the counts later apps register (e.g. `bids_received`),
        each a subquery, in the same query (lists of calls)."""
        unanswered = Question.objects.filter(competition=OuterRef("pk"), answer="")
        return self.annotate(
            open_questions=Coalesce(
                Subquery(
                    unanswered.values("competition").annotate(n=models.Count("pk")).values("n")
                ),
                0,
            ),
            **call_counts(),
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

    class Stage(models.TextChoices):
        """How far evaluation has gone past the deadline (see competitions.phases)."""

        NONE = "", _("admission of bids")
        SCORING = "scoring", _("scoring")
        DELIBERATION = "deliberation", _("deliberation")
        RESULTS = "results", _("results published")
        FINAL = "final", _("final")

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
    publish_member_scores = models.BooleanField(
        _("publish each member's scores with the results"),
        default=False,
        help_text=_(
            "Off: the results show each bid's score only. Comments of the commission "
            "are never published."
        ),
    )
    quorum_pct = models.PositiveSmallIntegerField(_("quorum, in percent of members"), default=67)
    civil_society_min_pct = models.PositiveSmallIntegerField(
        _("minimum civil-society share of the commission, %"), default=50
    )
    rule_set = models.CharField(
        _("rules applied"),
        max_length=255,
        default=DEFAULT_RULE_SET,
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
    # Written only by evaluation's services, through the methods below.
    stage = models.CharField(
        _("evaluation stage"), max_length=16, choices=Stage.choices, default="", blank=True
    )
    results_published_at = models.DateTimeField(_("results published"), null=True, blank=True)

    objects = CompetitionQuerySet.as_manager()

    class Meta:
        verbose_name = _("competition")
        verbose_name_plural = _("competitions")
        ordering = ["-opens_at", "-id"]
        # The public list's "open" tab (in_phase(UPCOMING, ACCEPTING): published and
        # opens_at > now, or published and opens_at <= now < closes_at). The clock
        # cannot be in a predicate; with the status in it, the two arms of the OR are
        # each an index range (a BitmapOr), so past calls are never read.
        indexes = [
            models.Index(
                fields=["opens_at"],
                name="call_published_opens_idx",
                condition=Q(status="published"),
            ),
            models.Index(
                fields=["closes_at"],
                name="call_published_closes_idx",
                condition=Q(status="published"),
            ),
        ]
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

    def phase_at(self, now: datetime.datetime) -> Phase:
        """The phase at `now` (services pass the deciding clock, `deciding_now()`)."""
        return phase_of(self.status, self.opens_at, self.closes_at, now, self.stage)

    @property
    def phase(self) -> Phase:
        """The phase now, for pages: named flags such as `call.phase.accepting`.

        Derived from the status and the clock, never stored or set by a scheduler.
        """
        return self.phase_at(timezone.now())

    def accepts_bids(self, now: datetime.datetime | None = None) -> bool:
        return self.phase_at(now or timezone.now()).accepting

    def before_deadline(self, now: datetime.datetime | None = None) -> bool:
        return self.phase_at(now or timezone.now()).before_deadline

    @property
    def rule_set_display(self) -> str:
        if self.rule_set == DEFAULT_RULE_SET:
            return str(_("Cabinet Resolution No. 604 of 04.11.2022"))
        return self.rule_set

    @property
    def required_document_list(self) -> list[str]:
        return [line.strip() for line in self.required_documents.splitlines() if line.strip()]

    # --- evaluation's stages (called by evaluation's services, under the call's lock) ---

    def _advance(self, now: datetime.datetime, expected: Phase, stage: str) -> None:
        if self.phase_at(now) is not expected:
            raise TransitionNotAllowed(
                _("The call is at the stage “%(phase)s”; this step needs “%(expected)s”.")
                % {"phase": self.phase_at(now).label, "expected": expected.label}
            )
        self.stage = stage

    def start_scoring(self, now: datetime.datetime) -> None:
        """Admission is over: the commission scores the admitted bids."""
        self._advance(now, Phase.CLOSED, self.Stage.SCORING)

    def start_deliberation(self, now: datetime.datetime) -> None:
        self._advance(now, Phase.SCORING, self.Stage.DELIBERATION)

    def publish_results(self, now: datetime.datetime) -> None:
        """Results are public; the appeal window opens (`appeal_window_open`)."""
        self._advance(now, Phase.DELIBERATION, self.Stage.RESULTS)
        self.results_published_at = now

    def make_final(self, now: datetime.datetime) -> None:
        if self.appeal_window_open(now):
            raise TransitionNotAllowed(_("The appeal window is still open."))
        self._advance(now, Phase.RESULTS, self.Stage.FINAL)

    @property
    def appeal_deadline(self) -> datetime.datetime | None:
        """The end of the appeal window (exclusive): midnight in Bishkek after the
        `appeal_days`-th calendar day following the day results were published.

        Results published on 10 March at 15:00 with 5 days: appeals until 15 March,
        23:59:59 Bishkek time. Whole calendar days, as people count them; never a
        window cut short because results came out late in the day.
        """
        if self.results_published_at is None:
            return None
        published_on = self.results_published_at.astimezone(BISHKEK).date()
        last_day = published_on + datetime.timedelta(days=self.appeal_days)
        return datetime.datetime.combine(
            last_day + datetime.timedelta(days=1), datetime.time(), tzinfo=BISHKEK
        )

    @property
    def appeal_last_day(self) -> datetime.date | None:
        """The last calendar day (Bishkek) on which an appeal is accepted, as pages say it."""
        deadline = self.appeal_deadline
        if deadline is None:
            return None
        return (deadline.astimezone(BISHKEK) - datetime.timedelta(days=1)).date()

    def appeal_window_open(self, now: datetime.datetime) -> bool:
        deadline = self.appeal_deadline
        return (
            deadline is not None
            and self.phase_at(now) is Phase.RESULTS
            and self.results_published_at is not None
            and self.results_published_at <= now < deadline
        )

    def publish(self, now: datetime.datetime | None = None) -> None:
        if self.status != self.Status.DRAFT:
            raise TransitionNotAllowed(_("Only a draft call can be announced."))
        self.status = self.Status.PUBLISHED
        self.published_at = now or timezone.now()

    def cancel(self, reason: str, now: datetime.datetime | None = None) -> None:
        if self.status == self.Status.CANCELLED:
            raise TransitionNotAllowed(_("The call is already cancelled."))
        if self.phase_at(now or timezone.now()).is_closed:
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
