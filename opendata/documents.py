"""The ministry summary PDF (`ministry-summary`): the country or an oblast for a year
and sphere — the dashboard's totals, its two charts and its tables — for ministry
staff who oversee it (an oblast's staff: that oblast only) and site administrators."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _

from documents.registry import DocumentKind, register
from notifications.services import tell_requester
from opendata import dashboards, ministry
from opendata.dashboards import Filters, Scope
from opendata.models import Summary


def scope_of(summary: Summary) -> Scope:
    return Scope(region=summary.region)


def filters_of(summary: Summary) -> Filters:
    return Filters(year=summary.year, sphere_id=summary.sphere_id)


def _context(summary: Summary) -> dict[str, Any]:
    scope = scope_of(summary)
    board = dashboards.dashboard(scope, filters_of(summary))
    return {
        "summary": summary,
        "board": board,
        "rows": board.rows,
        "charts": ministry.charts(board.rows),
        "child_heading": ministry.CHILD_HEADINGS[scope.level],
    }


def title(summary: Summary) -> str:
    where = summary.region.name if summary.region else _("Kyrgyz Republic")
    period = str(summary.year) if summary.year else _("all years")
    text = _("Social order in figures: %(where)s, %(period)s") % {
        "where": where,
        "period": period,
    }
    if summary.sphere:
        text += f" · {summary.sphere.name}"
    return text


def _access(request: Any, summary: Summary) -> None:
    regions = ministry.overseen_regions(request.user)
    if regions is None:
        return
    if not regions or summary.region_id not in regions:
        raise Http404


MINISTRY_SUMMARY = register(
    DocumentKind(
        key="ministry-summary",
        model=Summary,
        template="opendata/pdf/ministry_summary.html",
        context=_context,
        title=title,
        issuer=lambda s: _("Ministry of Labour, Social Security and Migration"),
        check_access=_access,
        on_ready=tell_requester,
    )
)
