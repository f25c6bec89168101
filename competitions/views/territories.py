from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from itertools import takewhile

from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, IntegerField, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from competitions.forms import MunicipalityFilterForm
from competitions.models import Municipality, PriorityProblem, Region
from municipal_order.lib.i18n import kyrgyz_sort_key

# Municipalities a list page shows at once: about 30 KB of cards, fine on a phone.
MUNICIPALITIES_PER_PAGE = 50


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

    Neither the case-insensitive search (Ң Ө Ү) nor the Kyrgyz order is SQL's own, so
    both read columns the model derives from the names (`Municipality.refresh_listing`):
    the search a case-folded text, the order a collation key per language. The few
    regions are ranked here. Three queries whatever the data: the counts per region,
    the page's count and the page itself.
    """
    ranked = sorted(regions, key=_region_key)
    region_rank = Case(
        *[When(region_id=region.pk, then=Value(rank)) for rank, region in enumerate(ranked)],
        default=Value(len(ranked)),
        output_field=IntegerField(),
    )
    municipalities = municipalities.matching(q)
    counts = dict(municipalities.order_by().values_list("region_id").annotate(Count("pk")))
    # In the page order, which tells where a region begins without reading its rows.
    per_region = Counter({r.pk: counts[r.pk] for r in ranked if r.pk in counts})
    lang = (get_language() or "ru").split("-")[0]
    sort_key = f"sort_key_{lang}" if lang in ("ru", "ky", "en") else "sort_key_ru"
    ordered = municipalities.select_related("region", "district").order_by(
        region_rank, sort_key, "pk"
    )
    return Paginator(ordered, MUNICIPALITIES_PER_PAGE).get_page(page_number), per_region


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
    if page.object_list and page.has_previous():
        # The page's first region may have begun on the page before: it has if fewer
        # rows than come before the page belong to the regions ranked before it.
        first = page.object_list[0].region_id
        ahead = takewhile(lambda region_count: region_count[0] != first, per_region.items())
        if sum(count for _pk, count in ahead) < page.start_index() - 1:
            regions[first].continued = True
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
