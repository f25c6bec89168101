"""Monitoring's PDFs (Russian or Kyrgyz), for the organisation's members, the
municipality's officers, ministry staff who oversee it and site administrators
(`monitoring.permissions.sees_details`); 404 for others:

- `project-agreement`: the parties, the amount and co-financing, the period, the
  tranche schedule, and the calendar plan and budget of the frozen bid;
- `visit-act`: a site visit's act with its findings, rating and photos."""

from __future__ import annotations

import base64
from decimal import Decimal
from typing import Any

from django.http import Http404
from django.utils.translation import gettext_lazy as _

from documents.registry import DocumentKind, register
from monitoring.models import Project, SiteVisit
from monitoring.permissions import sees_details
from monitoring.selectors import budget_plan
from notifications.services import tell_requester


def _context(project: Project) -> dict[str, Any]:
    content = project.submission.content
    return {
        "project": project,
        "call": project.competition,
        "organization": project.organization,
        "municipality": project.municipality,
        "tranches": list(project.tranches.all()),
        "milestones": list(project.milestones.all()),
        "lines": budget_plan(project),
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


def _photo_uri(photo) -> str:
    """A photo as a data URI: the PDF carries it, nothing is fetched from storage URLs."""
    mime = "image/png" if photo.kind == "png" else "image/jpeg"
    with photo.file.open("rb") as handle:
        return f"data:{mime};base64,{base64.b64encode(handle.read()).decode()}"


def _visit_context(visit: SiteVisit) -> dict[str, Any]:
    return {
        "visit": visit,
        "project": visit.project,
        "municipality": visit.project.municipality,
        "organization": visit.project.organization,
        "photos": [{"name": p.name, "uri": _photo_uri(p)} for p in visit.photos.all()],
    }


def _visit_access(request, visit: SiteVisit) -> None:
    _access(request, visit.project)


VISIT_ACT = register(
    DocumentKind(
        key="visit-act",
        model=SiteVisit,
        template="pdf/visit_act.html",
        context=_visit_context,
        title=lambda v: (
            _("Act of the site visit of %(date)s") % {"date": v.visited_on.strftime("%d.%m.%Y")}
        ),
        issuer=lambda v: v.project.municipality.name,
        check_access=_visit_access,
        on_ready=tell_requester,
    )
)
