from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from audit.services import latest_anchors

ANCHORS_SHOWN = 24  # a day of hourly anchors


@require_GET
def anchor(request: HttpRequest) -> HttpResponse:
    """Public: the newest chain heads, for outsiders to copy (docs/operations.md)."""
    return render(request, "audit/anchor.html", {"anchors": latest_anchors(limit=ANCHORS_SHOWN)})
