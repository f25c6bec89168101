"""The ministry's dashboards and the lists behind their figures (read only).

Ministry staff with no oblast and site administrators see the country; staff of an
oblast see that oblast and what lies in it (the country page takes them to their
oblast; another oblast's pages are a 404). Everyone else signed in gets a 403.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import (
    BooleanField,
    Case,
    QuerySet,
    Value,
    When,
)
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import is_site_admin
from competitions.models import District, MinistryStaff, Municipality, Region
from documents.services import request_document
from opendata import dashboards, exports, services
from opendata.charts import Row, Series, bars, legend
from opendata.dashboards import Figures, Filters, Scope
from opendata.forms import DashboardFilterForm

PER_PAGE = 50


def overseen_regions(user: Any) -> set[int] | None:
    """None for the whole country; else the oblasts' ids (empty: not ministry staff)."""
    if is_site_admin(user):
        return None
    rows = list(MinistryStaff.objects.filter(user=user).values_list("region_id", flat=True))
    if any(region is None for region in rows):
        return None
    return set(rows)


def _allowed(request: HttpRequest) -> set[int] | None:
    regions = overseen_regions(request.user)
    if regions is not None and not regions:
        raise PermissionDenied(_("The dashboards are for ministry staff."))
    return regions


def _check(regions: set[int] | None, region_id: int) -> None:
    if regions is not None and region_id not in regions:
        raise Http404


def scope_of(request: HttpRequest, level: str, code: str | None) -> Scope:
    """The scope a URL names, if this user may see it (404 otherwise)."""
    regions = _allowed(request)
    if level == "region":
        region = get_object_or_404(Region, code=code)
        _check(regions, region.pk)
        return Scope(region=region)
    if level == "district":
        district = get_object_or_404(District.objects.select_related("region"), code=code)
        _check(regions, district.region_id)
        return Scope(region=district.region, district=district)
    if level == "municipality":
        municipality = get_object_or_404(
            Municipality.objects.select_related("region", "district"), code=code
        )
        _check(regions, municipality.region_id)
        return Scope(
            region=municipality.region, district=municipality.district, municipality=municipality
        )
    if regions is not None:
        raise Http404  # an oblast's staff have no country page (the view redirects first)
    return Scope()


def filters_of(form: DashboardFilterForm) -> Filters:
    """The valid form's year and sphere."""
    sphere = form.cleaned_data.get("sphere")
    return Filters(year=form.cleaned_data.get("year"), sphere_id=sphere.pk if sphere else None)


def _filters(request: HttpRequest) -> tuple[DashboardFilterForm, Filters]:
    form = DashboardFilterForm(request.GET or None)
    return form, (filters_of(form) if form.is_valid() else Filters())


# --- links: every figure opens the list it counts --------------------------------------------


def scope_params(scope: Scope) -> dict[str, str]:
    if scope.municipality:
        return {"municipality": scope.municipality.code}
    if scope.district:
        return {"district": scope.district.code}
    if scope.region:
        return {"region": scope.region.code}
    return {}


def unit_scope(unit: Any, parent: Scope) -> Scope:
    if isinstance(unit, Region):
        return Scope(region=unit)
    if isinstance(unit, District):
        return Scope(region=parent.region, district=unit)
    return Scope(region=parent.region, district=parent.district, municipality=unit)


def filter_params(filters: Filters) -> dict[str, str]:
    params = {}
    if filters.year:
        params["year"] = str(filters.year)
    if filters.sphere_id:
        params["sphere"] = str(filters.sphere_id)
    return params


def list_url(kind: str, scope: Scope, filters: Filters, **extra: str) -> str:
    params = {**scope_params(scope), **extra, **filter_params(filters)}
    return f"{reverse(f'ministry:{kind}')}?{urlencode(params)}"


def dashboard_url(scope: Scope, filters: Filters) -> str:
    if scope.municipality:
        url = reverse("ministry:municipality", args=[scope.municipality.code])
    elif scope.district:
        url = reverse("ministry:district", args=[scope.district.code])
    elif scope.region:
        url = reverse("ministry:region", args=[scope.region.code])
    else:
        url = reverse("ministry:country")
    params = filter_params(filters)
    return f"{url}?{urlencode(params)}" if params else url


def _links(scope: Scope, filters: Filters) -> dict[str, str]:
    return {
        "problems": list_url("problems", scope, filters),
        "calls": list_url("calls", scope, filters),
        "results": list_url("calls", scope, filters, state="results"),
        "projects": list_url("projects", scope, filters),
        "on_track": list_url("projects", scope, filters, state="on_track"),
        "late": list_url("projects", scope, filters, state="late"),
        "completed": list_url("projects", scope, filters, state="completed"),
        "terminated": list_url("projects", scope, filters, state="terminated"),
    }


# --- the dashboards ---------------------------------------------------------------------------


def funds_series() -> list[Series]:
    return [
        Series(_("Announced"), "#9ec5fe"),
        Series(_("Awarded"), "#3d8bfd"),
        Series(_("Disbursed"), "#0a4fa8"),
    ]


def projects_series() -> list[Series]:
    return [
        Series(_("On track"), "#198754"),
        Series(_("Late"), "#d63384"),
        Series(_("Completed"), "#0d6efd"),
        Series(_("Terminated"), "#6c757d"),
    ]


# What the units one level down are called, by the scope's level.
CHILD_HEADINGS = {
    "country": _lazy("Oblasts and cities of republican significance"),
    "region": _lazy("Districts and cities"),
    "district": _lazy("Municipalities"),
}


def charts(rows: list[Figures]) -> dict[str, Any]:
    """The dashboard's two charts and their legends (the page and the summary PDF)."""
    funds, states = funds_series(), projects_series()
    return {
        "funds": bars(
            _("Funds, KGS"),
            funds,
            [Row(str(r.unit.name), [r.announced, r.awarded, r.disbursed]) for r in rows],
            money=True,
        ),
        "projects": bars(
            _("Projects"),
            states,
            [Row(str(r.unit.name), [r.on_track, r.late, r.completed, r.terminated]) for r in rows],
            stacked=True,
        ),
        "funds_legend": legend(funds),
        "projects_legend": legend(states),
    }


def attention_tasks(scope: Scope, counts: dict[str, int]) -> list[dict[str, Any]]:
    """The non-zero counts of `dashboards.attention`, each with its label and list."""
    results, appeals = dashboards.RESULTS_OVERDUE_DAYS, dashboards.APPEAL_OVERDUE_DAYS
    labels = {
        "late_projects": lambda n: (
            ngettext(
                "%(n)s project late (a milestone past its end or a report overdue)",
                "%(n)s projects late (a milestone past its end or a report overdue)",
                n,
            )
            % {"n": n}
        ),
        "calls_without_results": lambda n: (
            ngettext(
                "%(n)s call without results %(days)s days after the deadline",
                "%(n)s calls without results %(days)s days after the deadline",
                n,
            )
            % {"n": n, "days": results}
        ),
        "overdue_appeals": lambda n: (
            ngettext(
                "%(n)s appeal undecided for over %(days)s days",
                "%(n)s appeals undecided for over %(days)s days",
                n,
            )
            % {"n": n, "days": appeals}
        ),
    }
    urls = {
        "late_projects": list_url("projects", scope, Filters(), state="late"),
        "calls_without_results": list_url("calls", scope, Filters(), state="without_results"),
        "overdue_appeals": list_url("calls", scope, Filters(), state="open_appeals"),
    }
    return [
        {"key": key, "label": label(counts[key]), "count": counts[key], "url": urls[key]}
        for key, label in labels.items()
        if counts[key]
    ]


def home_scope(user: Any) -> Scope | None:
    """What a ministry member's home summarises: the country, or their (first) oblast."""
    regions = overseen_regions(user)
    if regions is None:
        return Scope()
    if not regions:
        return None
    region = Region.objects.filter(pk__in=regions).order_by("code").first()
    return Scope(region=region) if region else None


def _render_dashboard(request: HttpRequest, scope: Scope) -> HttpResponse:
    form, filters = _filters(request)
    board = dashboards.cached_dashboard(scope, filters)
    rows = board.rows
    for row in rows:
        below = unit_scope(row.unit, scope)
        row.url = dashboard_url(below, filters)  # type: ignore[attr-defined]
        row.links = _links(below, filters)  # type: ignore[attr-defined]
    attention = attention_tasks(scope, board.attention)
    regions = overseen_regions(request.user)
    return render(
        request,
        "opendata/ministry/dashboard.html",
        {
            "scope": scope,
            "board": board,
            "rows": rows,
            "form": form,
            "filters": filters,
            "links": _links(scope, filters),
            "charts": charts(rows),
            "attention": attention,
            "crumbs": _crumbs(scope, filters, whole_country=regions is None),
            "child_heading": CHILD_HEADINGS.get(scope.level),
        },
    )


def _crumbs(scope: Scope, filters: Filters, *, whole_country: bool) -> list[tuple[str, str]]:
    crumbs = [(_("Kyrgyz Republic"), dashboard_url(Scope(), filters))] if whole_country else []
    if scope.region:
        crumbs.append((scope.region.name, dashboard_url(Scope(region=scope.region), filters)))
    if scope.district:
        crumbs.append(
            (
                scope.district.name,
                dashboard_url(Scope(region=scope.region, district=scope.district), filters),
            )
        )
    if scope.municipality:
        crumbs.append((scope.municipality.name, dashboard_url(scope, filters)))
    return crumbs


@login_required
@require_GET
def country(request: HttpRequest) -> HttpResponse:
    regions = _allowed(request)
    if regions is not None:
        region = Region.objects.filter(pk__in=regions).order_by("code").first()
        if region is None:
            raise Http404
        query = request.GET.urlencode()
        target = dashboard_url(Scope(region=region), Filters())
        return redirect(f"{target}?{query}" if query else target)
    return _render_dashboard(request, Scope())


@login_required
@require_GET
def region(request: HttpRequest, code: str) -> HttpResponse:
    return _render_dashboard(request, scope_of(request, "region", code))


@login_required
@require_GET
def district(request: HttpRequest, code: str) -> HttpResponse:
    return _render_dashboard(request, scope_of(request, "district", code))


@login_required
@require_GET
def municipality(request: HttpRequest, code: str) -> HttpResponse:
    return _render_dashboard(request, scope_of(request, "municipality", code))


# --- the lists behind the figures --------------------------------------------------------------


def _list_scope(request: HttpRequest) -> Scope:
    for level in ("municipality", "district", "region"):
        code = request.GET.get(level)
        if code:
            return scope_of(request, level, code)
    return scope_of(request, "country", None)


def _render_list(
    request: HttpRequest,
    kind: str,
    scope: Scope,
    filters: Filters,
    form: DashboardFilterForm,
    qs: QuerySet,
    states: dict[str, str],
    state: str,
) -> HttpResponse:
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        f"opendata/ministry/{kind}.html",
        {
            "scope": scope,
            "page": page,
            "form": form,
            "filters": filters,
            "query": query.urlencode(),
            "states": [
                (key, label, list_url(kind, scope, filters, **({"state": key} if key else {})))
                for key, label in states.items()
            ],
            "state": state,
            "exports": export_links(kind, query.urlencode()),
            # The filter form keeps the scope and the state (in the URL, not the form).
            "keep": [*scope_params(scope).items(), *([("state", state)] if state else [])],
            "now": timezone.now(),
            "dashboard": dashboard_url(scope, filters),
            "crumbs": _crumbs(scope, filters, whole_country=overseen_regions(request.user) is None),
        },
    )


@login_required
@require_GET
def problem_list(request: HttpRequest) -> HttpResponse:
    scope = _list_scope(request)
    form, filters = _filters(request)
    qs = (
        dashboards.problems(scope, filters)
        .select_related("municipality", "sphere")
        .order_by("-published_at", "-id")
    )
    return _render_list(request, "problems", scope, filters, form, qs, {"": _("All")}, "")


@login_required
@require_GET
def call_list(request: HttpRequest) -> HttpResponse:
    scope = _list_scope(request)
    form, filters = _filters(request)
    state = request.GET.get("state", "")
    if state not in ("results", "without_results", "open_appeals"):
        state = ""
    qs = (
        exports.filtered_calls(scope, filters, state)
        .select_related("municipality", "sphere")
        .annotate(bids_received=exports.bids_received(), awarded_total=exports.awarded_total())
        .order_by("-published_at", "-id")
    )
    states = {
        "": _("All"),
        "results": _("Results published"),
        "without_results": _("Without results long after the deadline"),
        "open_appeals": _("Appeals undecided too long"),
    }
    return _render_list(request, "calls", scope, filters, form, qs, states, state)


@login_required
@require_GET
def project_list(request: HttpRequest) -> HttpResponse:
    scope = _list_scope(request)
    form, filters = _filters(request)
    state = request.GET.get("state", "")
    if state not in exports.PROJECT_STATES:
        state = ""
    qs = (
        exports.filtered_projects(scope, filters, state)
        .select_related("municipality", "organization")
        .annotate(
            is_late=Case(
                When(dashboards.late_q(), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .order_by("-signed_on", "-id")
    )
    states = {
        "": _("All"),
        "on_track": _("On track"),
        "late": _("Late"),
        "completed": _("Completed"),
        "terminated": _("Terminated"),
    }
    return _render_list(request, "projects", scope, filters, form, qs, states, state)


# --- downloads --------------------------------------------------------------------------------

EXPORTS = {"calls": ("calls", "bids", "scores"), "projects": ("projects", "payments")}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_links(kind: str, query: str) -> list[dict[str, Any]]:
    """The downloads offered beside a list, filtered as the list is."""
    return [
        {
            "title": exports.DATASETS[key].title,
            "csv": f"{reverse('ministry:export', args=[key, 'csv'])}?{query}",
            "xlsx": f"{reverse('ministry:export', args=[key, 'xlsx'])}?{query}",
        }
        for key in EXPORTS.get(kind, ())
    ]


@login_required
@require_GET
def export(request: HttpRequest, dataset: str, fmt: str) -> HttpResponseBase:
    found = exports.DATASETS.get(dataset)
    if found is None or fmt not in ("csv", "xlsx"):
        raise Http404
    scope = _list_scope(request)
    _form, filters = _filters(request)
    state = request.GET.get("state", "")
    where = scope.unit.code if scope.unit else "KG"
    filename = f"{dataset}-{where}-{timezone.localdate().isoformat()}.{fmt}"
    if fmt == "xlsx":
        return FileResponse(
            exports.xlsx_file(found, scope, filters, state),
            as_attachment=True,
            filename=filename,
            content_type=XLSX,
        )
    chunks = exports.csv_chunks(found, scope, filters, state, language=get_language())
    response = StreamingHttpResponse(chunks, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- the summary PDF ----------------------------------------------------------------------------


@login_required
@require_POST
def summary(request: HttpRequest) -> HttpResponse:
    """The country's or an oblast's summary PDF for the year and sphere asked: its
    parameters kept (`opendata.services.summary_for`), the document queued, and the
    document's page to wait on."""
    code = request.POST.get("region", "")
    scope = scope_of(request, "region", code) if code else scope_of(request, "country", None)
    form = DashboardFilterForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Choose a year and a sphere from the lists."))
    filters = filters_of(form)
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        language = request.LANGUAGE_CODE
    found = services.summary_for(scope.region, filters, by=request)
    doc = request_document("ministry-summary", found, language=language, by=request)
    messages.info(request, _("The document is being prepared. This page refreshes by itself."))
    return redirect("documents:detail", doc_id=doc.pk)
