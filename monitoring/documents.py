"""The agreement as PDF (Russian or Kyrgyz): the parties, the amount and co-financing,
the period, the tranche schedule, and the calendar plan and budget of the frozen bid.
For the organisation's members, the municipality's officers, ministry staff who oversee
it and site administrators (`monitoring.permissions.sees_details`); 404 for others."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import Http404
from django.utils.translation import gettext_lazy as _

from documents.registry import DocumentKind, register
from monitoring.models import Project
from monitoring.permissions import sees_details
from notifications.services import tell_requester


def _context(project: Project) -> dict[str, Any]:
    content = project.submission.content
    lines = [
        {
            **row,
            **{
                k: Decimal(str(row.get(k) or 0))
                for k in ("quantity", "unit_cost", "own_contribution", "other_sources")
            },
        }
        for row in content.get("budget_lines", [])
    ]
    for line in lines:
        line["total"] = line["quantity"] * line["unit_cost"]
        line["requested"] = line["total"] - line["own_contribution"] - line["other_sources"]
    return {
        "project": project,
        "call": project.competition,
        "organization": project.organization,
        "municipality": project.municipality,
        "tranches": list(project.tranches.all()),
        "milestones": list(project.milestones.all()),
        "lines": lines,
        "totals": {k: Decimal(str(v)) for k, v in content.get("totals", {}).items()},
        "amendments": list(project.amendments.all()),
    }


def _access(request, project: Project) -> None:
    if not sees_details(request.user, project):
        raise Http404


PROJECT_AGREEMENT = register(
    DocumentKind(
        key="project-agreement",
        model=Project,
        template="pdf/project_agreement.html",
        context=_context,
        title=lambda p: _("Agreement No. %(number)s") % {"number": p.number},
        issuer=lambda p: p.municipality.name,
        check_access=_access,
        on_ready=tell_requester,
    )
)
