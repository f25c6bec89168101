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
from opendata.charts import Row, bars, legend
from opendata.dashboards import Filters, Scope
from opendata.models import Summary


def scope_of(summary: Summary) -> Scope:
    return Scope(region=summary.region)


def filters_of(summary: Summary) -> Filters:
    return Filters(year=summary.year, sphere_id=summary.sphere_id)


def _context(summary: Summary) -> dict[str, Any]:
    board = dashboards.dashboard(scope_of(summary), filters_of(summary))
    funds, states = ministry.funds_series(), ministry.projects_series()
    rows = board.rows
    return {
        "summary": summary,
        "board": board,
        "rows": rows,
        "funds_chart": bars(
            _("Funds, KGS"),
            funds,
            [Row(str(r.unit.name), [r.announced, r.awarded, r.disbursed]) for r in rows],
            money=True,
        ),
        "projects_chart": bars(
            _("Projects"),
            states,
            [Row(str(r.unit.name), [r.on_track, r.late, r.completed, r.terminated]) for r in rows],
            stacked=True,
        ),
        "funds_legend": legend(funds),
        "projects_legend": legend(states),
        "child_heading": (
            _("Districts and cities")
            if summary.region
            else _("Oblasts and cities of republican significance")
        ),
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
