"""The public API's views: lists and details, GET only, open to anyone.

Every list reads a fixed number of queries whatever its length (the page's rows with
their joins and counts, one query per prefetched relation, and the paginator's
count); `tests/opendata/test_api.py` checks it at two sizes. Drafts never appear: a
draft call, a draft agreement, results not yet published are a 404 as on the pages.
"""

from __future__ import annotations

from typing import Any

from django.db.models import F, Prefetch, QuerySet
from django.db.models.fields.json import KeyTextTransform
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from competitions.models import (
    Competition,
    CompetitionQuerySet,
    District,
    Municipality,
    Region,
)
from competitions.phases import Phase
from evaluation.models import BidResult, CallEvaluation
from monitoring.models import Payment, Project, Tranche
from municipal_order.lib.db import reporting
from opendata.api import filters
from opendata.api.serializers import (
    CallResultsSerializer,
    CallSerializer,
    DistrictSerializer,
    MunicipalitySerializer,
    ProjectSerializer,
    ProjectSummarySerializer,
    RegionSerializer,
    absolute,
)

PUBLIC_CALL_STATUSES = [s for s in Competition.Status.values if s != Competition.Status.DRAFT]
PUBLIC_PHASES = [p for p in Phase.values if p != Phase.DRAFT]
SIGNED_STATUSES = [s for s in Project.Status.values if s != Project.Status.DRAFT]


class PublicAPIView(APIView):
    """Open data: anyone may read (the settings' default refuses a view that does not
    say so), nobody may write: these views answer GET (and HEAD, OPTIONS) only."""

    permission_classes = [AllowAny]
    http_method_names = ["get", "head", "options"]


def _code_param(what: str) -> OpenApiParameter:
    return OpenApiParameter("code", OpenApiTypes.STR, OpenApiParameter.PATH, description=what)


def _id_param(what: str) -> OpenApiParameter:
    return OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description=what)


# --- territories ---------------------------------------------------------------------


@extend_schema(
    tags=["territories"], summary="Regions (oblasts and cities of republican significance)"
)
class RegionList(PublicAPIView, generics.ListAPIView):
    serializer_class = RegionSerializer

    def get_queryset(self) -> QuerySet[Region]:
        return Region.objects.using(reporting()).order_by("code")


@extend_schema(tags=["territories"], summary="A region", parameters=[_code_param("Region code.")])
class RegionDetail(PublicAPIView, generics.RetrieveAPIView):
    serializer_class = RegionSerializer
    lookup_field = lookup_url_kwarg = "code"

    def get_queryset(self) -> QuerySet[Region]:
        return Region.objects.using(reporting())


@extend_schema(
    tags=["territories"],
    summary="Districts",
    parameters=[filters.region_param("Only the districts")],
)
class DistrictList(PublicAPIView, generics.ListAPIView):
    serializer_class = DistrictSerializer

    def get_queryset(self) -> QuerySet[District]:
        districts = (
            District.objects.using(reporting())
            .select_related("region")
            .order_by("region__code", "code")
        )
        region = filters.text(self.request.query_params, "region")
        return districts.filter(region__code=region) if region else districts


@extend_schema(
    tags=["territories"], summary="A district", parameters=[_code_param("District code.")]
)
class DistrictDetail(PublicAPIView, generics.RetrieveAPIView):
    serializer_class = DistrictSerializer
    lookup_field = lookup_url_kwarg = "code"

    def get_queryset(self) -> QuerySet[District]:
        return District.objects.using(reporting()).select_related("region")


def municipalities() -> QuerySet[Municipality]:
    return Municipality.objects.using(reporting()).select_related("region", "district", "successor")


@extend_schema(
    tags=["territories"],
    summary="Municipalities (ayil aimaks and cities), abolished ones included",
    parameters=[
        filters.region_param("Only the municipalities"),
        filters.param("district", OpenApiTypes.STR, "Only the municipalities of this district."),
        filters.param(
            "current",
            OpenApiTypes.BOOL,
            "true: only those valid today; false: only those abolished or not yet valid.",
        ),
    ],
)
class MunicipalityList(PublicAPIView, generics.ListAPIView):
    serializer_class = MunicipalitySerializer

    def get_queryset(self) -> QuerySet[Municipality]:
        params = self.request.query_params
        units = municipalities().order_by("region__code", "code")
        if region := filters.text(params, "region"):
            units = units.filter(region__code=region)
        if district := filters.text(params, "district"):
            units = units.filter(district__code=district)
        current = filters.choice(params, "current", ["true", "false"])
        if current is not None:
            valid = Municipality.objects.using(reporting()).valid_on().values("pk")
            units = units.filter(pk__in=valid) if current == "true" else units.exclude(pk__in=valid)
        return units


@extend_schema(
    tags=["territories"], summary="A municipality", parameters=[_code_param("Municipality code.")]
)
class MunicipalityDetail(PublicAPIView, generics.RetrieveAPIView):
    serializer_class = MunicipalitySerializer
    lookup_field = lookup_url_kwarg = "code"

    def get_queryset(self) -> QuerySet[Municipality]:
        return municipalities()


# --- calls ---------------------------------------------------------------------------


def public_calls() -> CompetitionQuerySet:
    """Announced and cancelled calls (never a draft) with the number of bids received."""
    return (
        Competition.objects.using(reporting())
        .public()
        .with_counts()
        .select_related("municipality__region", "sphere")
        .order_by("-published_at", "-pk")
    )


CALL_FILTERS = [
    filters.region_param("Only the calls"),
    filters.municipality_param("Only the calls"),
    filters.param(
        "year", OpenApiTypes.INT, "Only the calls announced in this year (Bishkek time)."
    ),
    filters.status_param("Only the calls", PUBLIC_CALL_STATUSES),
    filters.param(
        "phase",
        OpenApiTypes.STR,
        "Only the calls in this phase now (e.g. accepting: taking bids).",
        enum=PUBLIC_PHASES,
    ),
    filters.param("sphere", OpenApiTypes.INT, "Only the calls of the sphere with this id."),
]


@extend_schema(
    tags=["calls"],
    summary="Announced calls for projects, newest first",
    parameters=CALL_FILTERS,
)
class CallList(PublicAPIView, generics.ListAPIView):
    serializer_class = CallSerializer

    def get_queryset(self) -> QuerySet[Competition]:
        params = self.request.query_params
        calls = public_calls()
        if region := filters.text(params, "region"):
            calls = calls.filter(municipality__region__code=region)
        if municipality := filters.text(params, "municipality"):
            calls = calls.filter(municipality__code=municipality)
        if (announced := filters.announced_in(params, "published_at")) is not None:
            calls = calls.filter(announced)
        if status := filters.choice(params, "status", PUBLIC_CALL_STATUSES):
            calls = calls.filter(status=status)
        if phase := filters.choice(params, "phase", PUBLIC_PHASES):
            calls = calls.in_phase(Phase(phase), now=timezone.now())
        if (sphere := filters.number(params, "sphere")) is not None:
            calls = calls.filter(sphere_id=sphere)
        return calls


@extend_schema(tags=["calls"], summary="A call", parameters=[_id_param("The call's id.")])
class CallDetail(PublicAPIView, generics.RetrieveAPIView):
    serializer_class = CallSerializer

    def get_queryset(self) -> QuerySet[Competition]:
        return public_calls()


@extend_schema(
    tags=["calls"],
    summary="The published results of a call",
    description="Each admitted bid as the public results page shows it: organisation, "
    "project title, score, rank, result and amounts. 404 until the results are "
    "published. Each member's scores, comments and admission reasons are not here.",
    parameters=[_id_param("The call's id.")],
)
class CallResults(PublicAPIView, generics.RetrieveAPIView):
    serializer_class = CallResultsSerializer
    pagination_class = None
    queryset = CallEvaluation.objects.none()  # for the schema; get_object() reads the call

    def get_object(self) -> CallEvaluation:
        call = Competition.objects.using(reporting()).public().filter(pk=self.kwargs["pk"]).first()
        if call is None or not call.phase.results_published:
            raise Http404
        rows = (
            BidResult.objects.select_related("submission__bid__organization")
            .defer("submission__content")
            .annotate(project_title=KeyTextTransform("title", "submission__content"))
            .order_by(F("rank").asc(nulls_last=True), "submission__submitted_at")
        )
        evaluation = (
            CallEvaluation.objects.using(reporting())
            .filter(competition=call, edition__gte=1)
            .select_related("competition")
            .prefetch_related(Prefetch("results", queryset=rows, to_attr="public_results"))
            .first()
        )
        if evaluation is None:
            raise Http404
        return evaluation


# --- projects ------------------------------------------------------------------------


def signed_projects(*, payments: bool = True) -> QuerySet[Project]:
    """Projects with a signed agreement (never one being prepared), with their
    milestones (their progress) and, unless `payments` is False, their payments."""
    projects = (
        Project.objects.using(reporting())
        .exclude(status=Project.Status.DRAFT)
        .select_related("municipality__region", "organization")
        .prefetch_related("milestones")
        .order_by("-signed_on", "-pk")
    )
    if not payments:
        return projects
    tranches = Tranche.objects.prefetch_related(
        Prefetch("payments", queryset=Payment.objects.order_by("paid_on", "pk"))
    )
    return projects.prefetch_related(Prefetch("tranches", queryset=tranches))


PROJECT_FILTERS = [
    filters.region_param("Only the projects"),
    filters.municipality_param("Only the projects"),
    filters.year_param("Only the projects"),
    filters.status_param("Only the projects", SIGNED_STATUSES),
    filters.param("call", OpenApiTypes.INT, "Only the projects of the call with this id."),
]


@extend_schema(
    tags=["projects"],
    summary="Funded projects (signed agreements), newest first",
    parameters=PROJECT_FILTERS,
)
class ProjectList(PublicAPIView, generics.ListAPIView):
    serializer_class = ProjectSummarySerializer

    def get_queryset(self) -> QuerySet[Project]:
        params = self.request.query_params
        projects = signed_projects(payments=False)
        if region := filters.text(params, "region"):
            projects = projects.filter(municipality__region__code=region)
        if municipality := filters.text(params, "municipality"):
            projects = projects.filter(municipality__code=municipality)
        if (announced := filters.announced_in(params, "competition__published_at")) is not None:
            projects = projects.filter(announced)
        if status := filters.choice(params, "status", SIGNED_STATUSES):
            projects = projects.filter(status=status)
        if (call := filters.number(params, "call")) is not None:
            projects = projects.filter(competition_id=call)
        return projects


@extend_schema(
    tags=["projects"], summary="A funded project", parameters=[_id_param("The project's id.")]
)
class ProjectDetail(PublicAPIView, generics.RetrieveAPIView):
    serializer_class = ProjectSerializer

    def get_queryset(self) -> QuerySet[Project]:
        return signed_projects()


# --- the root ------------------------------------------------------------------------

ENDPOINTS = [
    "regions",
    "districts",
    "municipalities",
    "calls",
    "projects",
    "schema",
]


@extend_schema(exclude=True)
class ApiRoot(PublicAPIView):
    """The endpoints, for someone who opens the base URL."""

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response({name: absolute(reverse(f"api:{name}")) for name in ENDPOINTS})
