"""How open data shows itself on the earlier apps' pages (registered in `ready()`):
the links to the call's OCDS release package and record on its public page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from competitions import extensions
from competitions.models import Competition
from municipal_order.lib.panels import Panel
from opendata.selectors import ocid_for


def call_page_panel(request: HttpRequest, call: Competition) -> dict[str, Any] | None:
    if not call.is_public:
        return None
    ocid = ocid_for(call)
    return {
        "ocid": ocid,
        "release_url": reverse("opendata:release_package", args=[ocid]),
        "record_url": reverse("opendata:record_package", args=[ocid]),
    }


def register() -> None:
    # Last on the page: a footnote for those who reuse the data.
    extensions.CALL_PAGE.register(
        Panel("opendata", "opendata/panels/_call_page.html", call_page_panel, order=90)
    )
