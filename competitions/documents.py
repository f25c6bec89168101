"""PDF documents about municipalities and their calls."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from competitions.models import Municipality, MunicipalStaff
from competitions.permissions import check_municipality_access
from documents.registry import DocumentKind, register


def _profile_context(municipality: Municipality) -> dict[str, Any]:
    return {
        "municipality": municipality,
        "staff": MunicipalStaff.objects.filter(municipality=municipality)
        .select_related("user")
        .order_by("role", "user__full_name"),
        "predecessors": municipality.predecessors.order_by("name_ru"),
    }


MUNICIPALITY_PROFILE = register(
    DocumentKind(
        key="municipality-profile",
        model=Municipality,
        template="pdf/municipality_profile.html",
        context=_profile_context,
        title=lambda m: _("Municipality profile: %(name)s") % {"name": m.name},
        issuer=lambda m: m.name,
        check_access=lambda request, m: check_municipality_access(request, m),
    )
)
