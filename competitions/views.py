from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from competitions.models import Municipality


@require_GET
def municipality_list(request: HttpRequest) -> HttpResponse:
    municipalities = Municipality.objects.valid_on().select_related("region", "district")
    return render(
        request, "competitions/municipality_list.html", {"municipalities": municipalities}
    )


@require_GET
def municipality_detail(request: HttpRequest, code: str) -> HttpResponse:
    municipality = get_object_or_404(
        Municipality.objects.select_related("region", "district"), code=code
    )
    return render(request, "competitions/municipality_detail.html", {"municipality": municipality})
