"""What the public API says about each object: exactly what the public pages show.

Territories carry their names in the three languages; labels (a call's phase, a
result's or a project's status) and organisations' names follow the language of the
request. Links are absolute, on `SITE_URL`, as in the OCDS packages.

Never here: anything of a bid before the deadline (a call says only how many were
submitted), people, an organisation's details beyond its name, each member's scores,
comments, payment orders, signatories, reports or documents.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from competitions.models import Competition, District, Municipality, Region, Sphere
from competitions.phases import Phase
from evaluation.models import BidResult, CallEvaluation
from monitoring.models import Milestone, Payment, Project
from opendata.selectors import ocid_for

NAMES = ["name_ru", "name_ky", "name_en"]


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def _ocds(name: str, call: Competition) -> str:
    return absolute(reverse(f"opendata:{name}", args=[ocid_for(call)]))


# --- territories ---------------------------------------------------------------------


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "kind", *NAMES]
        read_only_fields = fields


class DistrictSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code", read_only=True, help_text="Region code.")

    class Meta:
        model = District
        fields = ["code", "region", *NAMES]
        read_only_fields = fields


class MunicipalitySerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code", read_only=True, help_text="Region code.")
    district = serializers.CharField(
        source="district.code",
        read_only=True,
        allow_null=True,
        help_text="District code; null for a city outside districts.",
    )
    successor = serializers.CharField(
        source="successor.code",
        read_only=True,
        allow_null=True,
        help_text="Code of the municipality this one merged into, once abolished.",
    )

    class Meta:
        model = Municipality
        fields = [
            "code",
            "kind",
            *NAMES,
            "region",
            "district",
            "valid_from",
            "valid_to",
            "successor",
        ]
        read_only_fields = fields


class MunicipalityRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Municipality
        fields = ["code", *NAMES]
        read_only_fields = fields


class SphereSerializer(serializers.ModelSerializer):
    class Meta:
        model = Sphere
        fields = ["id", "code", *NAMES]
        read_only_fields = fields


# --- calls ---------------------------------------------------------------------------


class CallLinksSerializer(serializers.Serializer):
    html = serializers.SerializerMethodField()
    results = serializers.SerializerMethodField()
    results_html = serializers.SerializerMethodField()
    ocds_release_package = serializers.SerializerMethodField()
    ocds_record_package = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_html(self, call: Competition) -> str:
        return absolute(reverse("competitions:call_detail", args=[call.pk]))

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_results(self, call: Competition) -> str | None:
        """The results in this API, once published."""
        if not call.phase.results_published:
            return None
        return absolute(reverse("api:call_results", args=[call.pk]))

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_results_html(self, call: Competition) -> str | None:
        if not call.phase.results_published:
            return None
        return absolute(reverse("evaluation:results", args=[call.pk]))

    @extend_schema_field(OpenApiTypes.URI)
    def get_ocds_release_package(self, call: Competition) -> str:
        return _ocds("release_package", call)

    @extend_schema_field(OpenApiTypes.URI)
    def get_ocds_record_package(self, call: Competition) -> str:
        return _ocds("record_package", call)


class CallSerializer(serializers.ModelSerializer):
    ocid = serializers.SerializerMethodField(help_text="Open Contracting ID of the call (OCDS).")
    sphere = SphereSerializer(read_only=True)
    municipality = MunicipalityRefSerializer(read_only=True)
    region = serializers.CharField(
        source="municipality.region.code", read_only=True, help_text="Region code."
    )
    phase = serializers.ChoiceField(
        choices=Phase.choices,
        read_only=True,
        help_text="Where the call stands now: the clock before the deadline, the "
        "commission's work after it.",
    )
    phase_label = serializers.SerializerMethodField()
    bids_received = serializers.IntegerField(
        read_only=True,
        help_text="How many bids were submitted: public from the start, as on the call's "
        "page (what they contain is sealed until the deadline).",
    )
    links = CallLinksSerializer(source="*", read_only=True)

    class Meta:
        model = Competition
        fields = [
            "id",
            "ocid",
            "title",
            "goal",
            "sphere",
            "municipality",
            "region",
            "total_budget",
            "max_per_bid",
            "opens_at",
            "closes_at",
            "status",
            "phase",
            "phase_label",
            "published_at",
            "results_published_at",
            "bids_received",
            "links",
        ]
        read_only_fields = fields

    def get_ocid(self, call: Competition) -> str:
        return ocid_for(call)

    def get_phase_label(self, call: Competition) -> str:
        return str(call.phase.label)


# --- results -------------------------------------------------------------------------


class BidResultSerializer(serializers.ModelSerializer):
    organization = serializers.CharField(source="submission.bid.organization.name", read_only=True)
    project_title = serializers.CharField(read_only=True, allow_null=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    reduced_to = serializers.DecimalField(
        source="approved",
        max_digits=14,
        decimal_places=2,
        read_only=True,
        allow_null=True,
        help_text="The amount the commission reduced the request to, if it did.",
    )

    class Meta:
        model = BidResult
        fields = [
            "rank",
            "organization",
            "project_title",
            "score",
            "status",
            "status_label",
            "reserve_position",
            "tied",
            "requested",
            "reduced_to",
            "reduction_reason",
            "awarded",
        ]
        read_only_fields = fields


class CallResultsSerializer(serializers.ModelSerializer):
    call = serializers.IntegerField(source="competition_id", read_only=True)
    ocid = serializers.SerializerMethodField()
    published_at = serializers.DateTimeField(
        source="competition.results_published_at", read_only=True
    )
    final = serializers.SerializerMethodField(
        help_text="The appeal window is over: the results are final."
    )
    appeal_last_day = serializers.DateField(source="competition.appeal_last_day", read_only=True)
    pass_threshold = serializers.IntegerField(source="competition.pass_threshold", read_only=True)
    results = BidResultSerializer(many=True, read_only=True, source="public_results")

    class Meta:
        model = CallEvaluation
        fields = [
            "call",
            "ocid",
            "published_at",
            "edition",
            "final",
            "appeal_last_day",
            "budget",
            "selected_total",
            "pass_threshold",
            "meeting_on",
            "results",
        ]
        read_only_fields = fields

    def get_ocid(self, evaluation: CallEvaluation) -> str:
        return ocid_for(evaluation.competition)

    def get_final(self, evaluation: CallEvaluation) -> bool:
        return evaluation.competition.phase.is_final


# --- projects ------------------------------------------------------------------------


class MilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["activity", "result", "starts_on", "ends_on", "status", "percent"]
        read_only_fields = fields


class PaymentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Payment
        fields = ["paid_on", "amount"]
        read_only_fields = fields


class ProjectLinksSerializer(serializers.Serializer):
    html = serializers.SerializerMethodField()
    call = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_html(self, project: Project) -> str:
        return absolute(reverse("monitoring:project", args=[project.pk]))

    @extend_schema_field(OpenApiTypes.URI)
    def get_call(self, project: Project) -> str:
        """The call in this API."""
        return absolute(reverse("api:call", args=[project.competition_id]))


class ProjectSummarySerializer(serializers.ModelSerializer):
    """A project in a list: its figures and state, without the calendar plan and the
    payments (the project's own address has them)."""

    call = serializers.IntegerField(source="competition_id", read_only=True)
    organization = serializers.CharField(source="organization.name", read_only=True)
    municipality = MunicipalityRefSerializer(read_only=True)
    region = serializers.CharField(
        source="municipality.region.code", read_only=True, help_text="Region code."
    )
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    progress = serializers.SerializerMethodField(
        help_text="Percent of the calendar plan done, each milestone weighted by its length."
    )
    beneficiaries_planned = serializers.IntegerField(
        source="beneficiaries", read_only=True, allow_null=True
    )
    beneficiaries_reached = serializers.IntegerField(
        source="reached",
        read_only=True,
        allow_null=True,
        help_text="As counted in the latest accepted report.",
    )
    final_rating = serializers.SerializerMethodField()
    links = ProjectLinksSerializer(source="*", read_only=True)

    class Meta:
        model = Project
        fields = [
            "id",
            "number",
            "title",
            "call",
            "organization",
            "municipality",
            "region",
            "amount",
            "cofinancing",
            "paid_total",
            "signed_on",
            "starts_on",
            "ends_on",
            "status",
            "status_label",
            "progress",
            "beneficiaries_planned",
            "beneficiaries_reached",
            "final_rating",
            "links",
        ]
        read_only_fields = fields

    def get_progress(self, project: Project) -> int:
        return project.progress(list(project.milestones.all()))

    @extend_schema_field(serializers.ChoiceField(choices=Project.Rating.choices, allow_null=True))
    def get_final_rating(self, project: Project) -> str | None:
        return project.final_rating or None


class ProjectSerializer(ProjectSummarySerializer):
    """One project: the summary, its goal, its calendar plan and its payments."""

    milestones = MilestoneSerializer(many=True, read_only=True)
    payments = serializers.SerializerMethodField()

    class Meta(ProjectSummarySerializer.Meta):
        fields = [
            *ProjectSummarySerializer.Meta.fields[:3],
            "goal",
            *ProjectSummarySerializer.Meta.fields[3:],
            "milestones",
            "payments",
        ]
        read_only_fields = fields

    @extend_schema_field(PaymentSerializer(many=True))
    def get_payments(self, project: Project) -> list[dict]:
        """Each payment's date and amount (never the payment order), oldest first."""
        payments = [p for t in project.tranches.all() for p in t.payments.all()]
        payments.sort(key=lambda p: (p.paid_on, p.pk))
        return PaymentSerializer(payments, many=True).data
