"""PDF documents about municipalities and their calls."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from competitions.models import Competition, Municipality, MunicipalStaff
from competitions.permissions import check_municipality_access
from documents.registry import DocumentKind, register
from municipal_order.lib.emails import absolute_url
from notifications.services import tell_requester


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
        on_ready=tell_requester,
    )
)


def _announcement_context(call: Competition) -> dict[str, Any]:
    return {
        "call": call,
        "criteria": call.criteria.all(),
        "commission": call.commission.select_related("user"),
        "problems": call.problems.all(),
        "amendments": call.amendments.all(),
        "call_url": absolute_url(reverse("competitions:call_detail", args=[call.pk])),
    }


def _announcement_access(request, call: Competition) -> None:
    # Public once announced; a draft only for those who may see the municipality's workspace.
    if call.is_public:
        return
    if not request.user.is_authenticated:
        raise Http404
    check_municipality_access(request, call.municipality)


CALL_ANNOUNCEMENT = register(
    DocumentKind(
        key="call-announcement",
        model=Competition,
        template="pdf/call_announcement.html",
        context=_announcement_context,
        title=lambda c: _("Announcement: %(title)s") % {"title": c.title},
        issuer=lambda c: c.municipality.name,
        check_access=_announcement_access,
        on_ready=tell_requester,
    )
)
