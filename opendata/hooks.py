"""How open data shows itself on the earlier apps' pages (registered in `ready()`):
the links to the call's OCDS release package and record on its public page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from accounts.extensions import DASHBOARD
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


def ministry_panel(request: HttpRequest, user: Any) -> dict[str, Any] | None:
    """On a ministry member's home: what needs attention in what they oversee, and the
    way to the figures."""
    from opendata import dashboards, ministry

    scope = ministry.home_scope(user)  # None unless ministry staff or a site admin
    if scope is None:
        return None
    return {
        "scope": scope,
        "tasks": ministry.attention_tasks(scope, dashboards.attention(scope)),
        "url": ministry.dashboard_url(scope, dashboards.Filters()),
    }


def register() -> None:
    # Last on the page: a footnote for those who reuse the data.
    extensions.CALL_PAGE.register(
        Panel("opendata", "opendata/panels/_call_page.html", call_page_panel, order=90)
    )
    # Ministry staff's home: first, as their tasks are an officer's "needs attention".
    DASHBOARD.register(
        Panel("ministry_figures", "opendata/panels/_dashboard_ministry.html", ministry_panel, 8)
    )
