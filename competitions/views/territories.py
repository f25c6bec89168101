from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import NamedTuple

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from competitions.forms import MunicipalityFilterForm
from competitions.models import Municipality, PriorityProblem, Region
from municipal_order.lib.i18n import kyrgyz_sort_key, localized

# Municipalities a list page shows at once: about 30 KB of cards, fine on a phone.
MUNICIPALITIES_PER_PAGE = 50


class _Listed(NamedTuple):
    """What searching and ordering a municipality need: a light row, not a model."""

    pk: int
    code: str
    name_ru: str
    name_ky: str
    name_en: str
    region_id: int


def municipality_matches(municipality: _Listed | Municipality, needle: str) -> bool:
    # SQLite's LIKE folds only ASCII case; casefold() handles Cyrillic and Ң Ө Ү.
    names = (municipality.name_ru, municipality.name_ky, municipality.name_en, municipality.code)
    return any(needle in name.casefold() for name in names if name)


def _region_key(region: Region) -> tuple:
    # Oblasts first, then the cities of republican significance, each in alphabet order.
    return (region.kind != Region.Kind.OBLAST, kyrgyz_sort_key(region.name))


def municipality_page(
    municipalities: QuerySet[Municipality],
    q: str | None,
    page_number: str | None,
    regions: Iterable[Region],
) -> tuple[Page, Counter]:
    """One page of `municipalities` whose name (any language) or code contains `q`.

    Ordered by region (`_region_key`), then by name in the Kyrgyz alphabet; each item
    is a full Municipality with its region and district. Also returns how many matches
    each region id has on all pages.

    Neither the case-insensitive search (Ң Ө Ү) nor the Kyrgyz order is SQL's, so every
    candidate is read as a light row (one query) and searched and sorted here; only the
    page's rows are then read in full (one query): the count of queries does not grow
    with the data, and neither does the page.
    """
    region_keys = {region.pk: _region_key(region) for region in regions}
    rows = [
        _Listed(*row) for row in municipalities.order_by().values_list(*_Listed._fields).iterator()
    ]
    needle = (q or "").strip().casefold()
    if needle:
        rows = [row for row in rows if municipality_matches(row, needle)]
    rows.sort(key=lambda row: (region_keys[row.region_id], kyrgyz_sort_key(localized(row))))
    page = Paginator(rows, MUNICIPALITIES_PER_PAGE).get_page(page_number)
    if page.object_list:
        full = Municipality.objects.select_related("region", "district").in_bulk(
            [row.pk for row in page.object_list]
        )
        page.object_list = [full[row.pk] for row in page.object_list]
    return page, Counter(row.region_id for row in rows)


def query_without_page(request: HttpRequest) -> str:
    """The request's filters for the pagination links (includes/_pagination.html)."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@require_GET
def municipality_list(request: HttpRequest) -> HttpResponse:
    form = MunicipalityFilterForm(request.GET or None)
    municipalities = Municipality.objects.all()
    data = form.cleaned_data if form.is_valid() else {}
    if not data.get("abolished"):
        municipalities = municipalities.valid_on()
    if data.get("region"):
        municipalities = municipalities.filter(region=data["region"])
    if data.get("kind"):
        municipalities = municipalities.filter(kind=data["kind"])
    # The form's own queryset: the select and the headings share one query.
    regions = {region.pk: region for region in form.fields["region"].queryset}
    page, per_region = municipality_page(
        municipalities, data.get("q"), request.GET.get("page"), regions.values()
    )

    # Headings repeat on each page; the badge counts the region's matches on all pages.
    groups: dict[Region, list[Municipality]] = {}
    for m in page.object_list:
        groups.setdefault(regions[m.region_id], []).append(m)
    for region in groups:
        region.matching = per_region[region.pk]
    if page.has_previous():
        # The page's first region may have begun on the page before.
        before = page.paginator.object_list[page.start_index() - 2]
        if before.region_id == page.object_list[0].region_id:
            regions[before.region_id].continued = True
    return render(
        request,
        "competitions/municipality_list.html",
        {
            "form": form,
            "groups": list(groups.items()),
            "page": page,
            "query": query_without_page(request),
            "total": page.paginator.count,
        },
    )


@require_GET
def municipality_detail(request: HttpRequest, code: str) -> HttpResponse:
    municipality = get_object_or_404(
        Municipality.objects.select_related("region", "district", "successor"), code=code
    )
    predecessors = sorted(municipality.predecessors.all(), key=lambda m: kyrgyz_sort_key(m.name))
    return render(
        request,
        "competitions/municipality_detail.html",
        {
            "municipality": municipality,
            "predecessors": predecessors,
            "problems": municipality.problems.public()
            .exclude(status=PriorityProblem.Status.ARCHIVED)
            .order_by("-support_count")[:10],
            "programmes": municipality.programmes.prefetch_related("years"),
        },
    )
