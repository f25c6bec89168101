from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from competitions.forms import MunicipalityFilterForm
from competitions.models import Municipality, PriorityProblem, Region
from municipal_order.lib.i18n import kyrgyz_sort_key


def _matches(municipality: Municipality, needle: str) -> bool:
    # SQLite's LIKE folds only ASCII case; casefold() handles Cyrillic and Ң Ө Ү.
    names = (municipality.name_ru, municipality.name_ky, municipality.name_en, municipality.code)
    return any(needle in name.casefold() for name in names if name)


@require_GET
def municipality_list(request: HttpRequest) -> HttpResponse:
    form = MunicipalityFilterForm(request.GET or None)
    municipalities = Municipality.objects.select_related("region", "district")
    data = form.cleaned_data if form.is_valid() else {}
    if not data.get("abolished"):
        municipalities = municipalities.valid_on()
    if data.get("region"):
        municipalities = municipalities.filter(region=data["region"])
    if data.get("kind"):
        municipalities = municipalities.filter(kind=data["kind"])
    items = list(municipalities)
    needle = (data.get("q") or "").strip().casefold()
    if needle:
        items = [m for m in items if _matches(m, needle)]
    items.sort(key=lambda m: kyrgyz_sort_key(m.name))

    groups: dict[Region, list[Municipality]] = {}
    for m in items:
        groups.setdefault(m.region, []).append(m)
    # Oblasts first, then the cities of republican significance, each in alphabet order.
    grouped = sorted(
        groups.items(),
        key=lambda pair: (pair[0].kind != Region.Kind.OBLAST, kyrgyz_sort_key(pair[0].name)),
    )
    return render(
        request,
        "competitions/municipality_list.html",
        {"form": form, "groups": grouped, "total": len(items)},
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
