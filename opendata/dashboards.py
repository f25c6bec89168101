"""The ministry's figures: country → oblast → district → municipality, by year and sphere.

Every figure is an SQL aggregate (`values(...).annotate(...)` per unit below the scope,
`aggregate(...)` for the scope's own total), so a dashboard reads a fixed number of
queries however many calls, bids and projects the country has. What a figure counts:

- a *year* selects the calls announced in it and everything that came of them (their
  bids, results, projects and payments), and the problems published in it;
- *problems*: published priority problems (not drafts);
- *calls*: announced calls, cancelled ones aside; *announced*: their budgets;
- *bids* and *organisations*: submitted bids and the organisations that submitted
  them. Counts only, as the public call page shows while bids are sealed;
- *awarded*: the amounts of the published results; *disbursed*: what was paid;
  *co-financing*: the organisations' own share in the signed agreements;
- *projects*: signed agreements, each *on track*, *late* (a milestone past its end or
  a report overdue), *completed* or *terminated*; *reached*: the beneficiaries the
  accepted reports count.

Every read goes to `reporting()`: the read replica where one is configured
(docs/operations.md, "Scale-out"), else the primary.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from applications.models import Bid
from competitions.models import Competition, District, Municipality, PriorityProblem, Region
from evaluation.models import Appeal, BidResult
from monitoring.models import Milestone, ProgressReport, Project
from municipal_order.lib.db import reporting
from municipal_order.lib.i18n import kyrgyz_sort_key

# "What needs attention": a call this long past its deadline without results, an
# appeal this long undecided. The law sets neither; these are the ministry's marks.
RESULTS_OVERDUE_DAYS = 30
APPEAL_OVERDUE_DAYS = 10

ZERO = Decimal(0)


@dataclass(frozen=True)
class Scope:
    """Where a dashboard looks: the country, an oblast, a district or a municipality."""

    region: Region | None = None
    district: District | None = None
    municipality: Municipality | None = None

    @property
    def level(self) -> str:
        if self.municipality:
            return "municipality"
        if self.district:
            return "district"
        if self.region:
            return "region"
        return "country"

    @property
    def unit(self) -> Region | District | Municipality | None:
        return self.municipality or self.district or self.region

    def q(self, path: str) -> Q:
        """The scope as a filter on a municipality reached by `path` (e.g. "municipality")."""
        if self.municipality:
            return Q(**{path: self.municipality.pk})
        if self.district:
            return Q(**{f"{path}__district": self.district.pk})
        if self.region:
            return Q(**{f"{path}__region": self.region.pk})
        return Q()

    def child_key(self, path: str) -> Any:
        """An expression naming the unit one level down, for grouping: "r<id>" for an
        oblast, "d<id>" for a district, "m<id>" for a municipality. An oblast's cities
        of regional significance have no district and stand as units of their own."""
        if self.level == "country":
            return Concat(Value("r"), Cast(f"{path}__region", CharField()))
        municipality = Concat(Value("m"), Cast(path, CharField()))
        if self.level == "region":
            return Case(
                When(**{f"{path}__district__isnull": True}, then=municipality),
                default=Concat(Value("d"), Cast(f"{path}__district", CharField())),
                output_field=CharField(),
            )
        return municipality

    def children(self) -> list[tuple[str, Any]]:
        """The units one level down, in reading order, with their keys."""
        if self.level == "country":
            regions = sorted(
                Region.objects.all(), key=lambda r: (r.kind != "oblast", kyrgyz_sort_key(r.name))
            )
            return [(f"r{r.pk}", r) for r in regions]
        if self.level == "region":
            districts = District.objects.filter(region=self.region)
            cities = Municipality.objects.filter(region=self.region, district__isnull=True)
            units = [(f"d{d.pk}", d) for d in districts] + [(f"m{m.pk}", m) for m in cities]
            return sorted(units, key=lambda unit: (unit[0][0], kyrgyz_sort_key(unit[1].name)))
        if self.level == "district":
            municipalities = Municipality.objects.filter(district=self.district)
            units = [(f"m{m.pk}", m) for m in municipalities]
            return sorted(units, key=lambda unit: kyrgyz_sort_key(unit[1].name))
        return []


@dataclass(frozen=True)
class Filters:
    year: int | None = None
    sphere_id: int | None = None


@dataclass
class Figures:
    """One row of a dashboard: a unit below the scope, or the scope's total."""

    key: str = ""
    unit: Any = None
    problems: int = 0
    calls: int = 0
    announced: Decimal = ZERO
    bids: int = 0
    organizations: int = 0
    awarded: Decimal = ZERO
    projects: int = 0
    active: int = 0
    on_track: int = 0
    late: int = 0
    completed: int = 0
    terminated: int = 0
    disbursed: Decimal = ZERO
    cofinancing: Decimal = ZERO
    reached: int = 0
    planned: int = 0

    @property
    def disbursed_pct(self) -> int | None:
        return round(100 * self.disbursed / self.awarded) if self.awarded else None


@dataclass
class Dashboard:
    scope: Scope
    filters: Filters
    total: Figures
    rows: list[Figures] = field(default_factory=list)
    attention: dict[str, int] = field(default_factory=dict)
    as_of: datetime.datetime = field(default_factory=timezone.now)


# --- the querysets behind each figure (the lists link to the same ones) -------------------


def problems(scope: Scope, filters: Filters) -> QuerySet[PriorityProblem]:
    qs = PriorityProblem.objects.using(reporting()).public().filter(scope.q("municipality"))
    if filters.year:
        qs = qs.filter(published_at__year=filters.year)
    if filters.sphere_id:
        qs = qs.filter(sphere=filters.sphere_id)
    return qs


def _of_calls(model: Any, prefix: str, scope: Scope, filters: Filters) -> QuerySet:
    """`model`'s rows of announced, not cancelled calls in scope (`prefix` reaches the
    call from `model`)."""
    q = scope.q(f"{prefix}municipality") & Q(**{f"{prefix}published_at__isnull": False})
    q &= ~Q(**{f"{prefix}status": Competition.Status.CANCELLED})
    if filters.year:
        q &= Q(**{f"{prefix}published_at__year": filters.year})
    if filters.sphere_id:
        q &= Q(**{f"{prefix}sphere": filters.sphere_id})
    return model.objects.using(reporting()).filter(q)


def calls(scope: Scope, filters: Filters) -> QuerySet[Competition]:
    return _of_calls(Competition, "", scope, filters)


def bids(scope: Scope, filters: Filters) -> QuerySet[Bid]:
    return _of_calls(Bid, "competition__", scope, filters).filter(status=Bid.Status.SUBMITTED)


def awards(scope: Scope, filters: Filters) -> QuerySet[BidResult]:
    return _of_calls(BidResult, "evaluation__competition__", scope, filters).filter(
        evaluation__competition__results_published_at__isnull=False, awarded__isnull=False
    )


def projects(scope: Scope, filters: Filters) -> QuerySet[Project]:
    """Signed agreements of the calls in scope."""
    return _of_calls(Project, "competition__", scope, filters).exclude(status=Project.Status.DRAFT)


def late_q(today: datetime.date | None = None) -> Q:
    """Under way with a milestone past its end and not done, or a report overdue."""
    today = today or timezone.localdate()
    milestone = Milestone.objects.filter(project=OuterRef("pk"), ends_on__lt=today).exclude(
        status=Milestone.Status.DONE
    )
    report = ProgressReport.objects.filter(
        project=OuterRef("pk"),
        status__in=[ProgressReport.Status.DUE, ProgressReport.Status.RETURNED],
        due_on__lt=today,
    )
    return Q(status=Project.Status.ACTIVE) & (Q(Exists(milestone)) | Q(Exists(report)))


def on_track_q(today: datetime.date | None = None) -> Q:
    return Q(status=Project.Status.ACTIVE) & ~late_q(today)


# --- the figures ----------------------------------------------------------------------------


def _aggregates() -> list[tuple[Any, str, dict[str, Any]]]:
    """(queryset maker, path to the municipality, {figure: aggregate})."""
    today = timezone.localdate()
    return [
        (problems, "municipality", {"problems": Count("pk")}),
        (calls, "municipality", {"calls": Count("pk"), "announced": Sum("total_budget")}),
        (
            bids,
            "competition__municipality",
            {"bids": Count("pk"), "organizations": Count("organization", distinct=True)},
        ),
        (awards, "evaluation__competition__municipality", {"awarded": Sum("awarded")}),
        (
            projects,
            "municipality",
            {
                "projects": Count("pk"),
                # On track = under way − late: the late test (two EXISTS) runs once a row.
                "active": Count("pk", filter=Q(status=Project.Status.ACTIVE)),
                "late": Count("pk", filter=late_q(today)),
                "completed": Count("pk", filter=Q(status=Project.Status.COMPLETED)),
                "terminated": Count("pk", filter=Q(status=Project.Status.TERMINATED)),
                "disbursed": Sum("paid_total"),
                "cofinancing": Sum("cofinancing"),
                "reached": Sum("reached"),
                "planned": Sum("beneficiaries"),
            },
        ),
    ]


def _fill(figures: Figures, values: dict[str, Any]) -> None:
    for name, value in values.items():
        if value is not None and name != "unit_key":
            setattr(figures, name, value)


def dashboard(scope: Scope, filters: Filters) -> Dashboard:
    """The scope's total, a row per unit one level down and what needs attention.

    With units below, each table is read once, grouped by unit, and the total is the
    sum of the groups (every unit in scope is in exactly one group), but for the
    organisations: one that bid in two units counts once, so a query of its own.
    """
    children = scope.children()
    rows = {key: Figures(key=key, unit=unit) for key, unit in children}
    total = Figures(unit=scope.unit)
    for make, path, figures in _aggregates():
        qs = make(scope, filters)
        if not children:
            _fill(total, qs.aggregate(**figures))
            continue
        grouped = (
            qs.order_by()
            .annotate(unit_key=scope.child_key(path))
            .values("unit_key")
            .annotate(**figures)
        )
        for values in grouped:
            for name in figures:
                if name != "organizations":
                    setattr(total, name, getattr(total, name) + (values[name] or 0))
            if values["unit_key"] in rows:
                _fill(rows[values["unit_key"]], values)
        if "organizations" in figures:
            distinct = qs.aggregate(n=Count("organization", distinct=True))
            total.organizations = distinct["n"]
    for figures_row in [total, *rows.values()]:
        figures_row.on_track = figures_row.active - figures_row.late
    unfiltered = filters == Filters()
    return Dashboard(
        scope=scope,
        filters=filters,
        total=total,
        rows=list(rows.values()),
        attention=attention(scope, late=total.late if unfiltered else None),
    )


def cached_dashboard(scope: Scope, filters: Filters) -> Dashboard:
    """`dashboard()`, kept DASHBOARD_CACHE_SECONDS (5 minutes by default; 0: never) per
    scope, year, sphere and day: at national scale the figures cost ~100 ms of SQL, and
    the ministry's oversight does not need them to the second. The page says as of when.
    The summary PDF reads them fresh."""
    seconds = getattr(settings, "DASHBOARD_CACHE_SECONDS", 300)
    if not seconds:
        return dashboard(scope, filters)
    unit = scope.unit.pk if scope.unit else ""
    key = (
        f"opendata:dashboard:{scope.level}:{unit}:{filters.year or ''}:"
        f"{filters.sphere_id or ''}:{timezone.localdate().isoformat()}"
    )
    found = cache.get(key)
    if not isinstance(found, Dashboard):
        found = dashboard(scope, filters)
        cache.set(key, found, seconds)
    return found


# --- what needs attention ------------------------------------------------------------------


def calls_without_results(scope: Scope, now: datetime.datetime | None = None) -> QuerySet:
    """Announced calls whose deadline passed RESULTS_OVERDUE_DAYS ago, still without results."""
    since = (now or timezone.now()) - datetime.timedelta(days=RESULTS_OVERDUE_DAYS)
    return calls(scope, Filters()).filter(closes_at__lt=since, results_published_at__isnull=True)


def late_projects(scope: Scope) -> QuerySet[Project]:
    return projects(scope, Filters()).filter(late_q())


def overdue_appeals(scope: Scope, now: datetime.datetime | None = None) -> QuerySet[Appeal]:
    """Appeals filed APPEAL_OVERDUE_DAYS ago and still undecided, or upheld as long ago
    and the corrected results still not published."""
    since = (now or timezone.now()) - datetime.timedelta(days=APPEAL_OVERDUE_DAYS)
    appeals = Appeal.objects.using(reporting())
    return appeals.filter(scope.q("submission__bid__competition__municipality")).filter(
        Q(status=Appeal.Status.PENDING, filed_at__lt=since)
        | Q(status=Appeal.Status.UPHELD, resolved_at__isnull=True, decided_at__lt=since)
    )


def attention(scope: Scope, *, late: int | None = None) -> dict[str, int]:
    """The counts of what needs attention; `late`, if the caller has it, is not counted
    again."""
    return {
        "late_projects": late_projects(scope).count() if late is None else late,
        "calls_without_results": calls_without_results(scope).count(),
        "overdue_appeals": overdue_appeals(scope).count(),
    }


def years() -> list[int]:
    """The years calls were announced in, the latest first, and this year."""
    announced = {
        d.year for d in Competition.objects.public().dates("published_at", "year", order="DESC")
    }
    return sorted(announced | {timezone.localdate().year}, reverse=True)
