"""How bids show themselves on the pages of competitions (registered in `ready()`).

competitions comes earlier in the chain and never imports this app: the call
page, the officer's call page and the workspace collect the panels registered
here, lists of calls count bids through a registered subquery, and an amended
call tells the applicants through a registered handler.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from accounts.extensions import DASHBOARD
from accounts.models import normalize_email
from accounts.permissions import is_site_admin
from applications.forms import ApplyForm
from applications.models import Bid, Invitation, Organization, OrganizationMember
from applications.permissions import is_sealed
from applications.selectors import applicants_of
from competitions import extensions
from competitions.models import (
    Amendment,
    CommissionMember,
    Competition,
    MinistryStaff,
    Municipality,
    MunicipalStaff,
)
from municipal_order.lib.actors import By
from municipal_order.lib.attention import Task, TaskProvider
from municipal_order.lib.panels import Panel
from notifications import events
from notifications.models import Category
from notifications.services import notify


def bids_received() -> Subquery:
    """Submitted bids per call, as a subquery for `with_counts()` (no join fan-out)."""
    submitted = (
        Bid.objects.submitted()
        .filter(competition=OuterRef("pk"))
        .values("competition")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(submitted, output_field=IntegerField()), Value(0))


def call_page_panel(request: HttpRequest, call: Competition) -> dict[str, Any] | None:
    """Bids on the public call page: how many (sealed: never what), seal breaks, and
    the visitor's own bids or the organisations they may apply for."""
    if not call.is_public:
        return None
    user = request.user
    my_bids: list[Bid] = []
    apply_form = None
    if user.is_authenticated:
        my_bids = list(
            Bid.objects.filter(competition=call, organization__members__user=user)
            .select_related("organization")
            .distinct()
        )
        form = ApplyForm(user=user)
        organizations = form.fields["organization"]
        organizations.queryset = organizations.queryset.exclude(
            pk__in={b.organization_id for b in my_bids}
        )
        apply_form = form if organizations.queryset else None
    return {
        "bids_received": call.bids.submitted().count(),
        "seal_breaks": call.seal_breaks.all(),
        "my_bids": my_bids,
        "apply_form": apply_form,
    }


def call_manage_panel(request: HttpRequest, call: Competition) -> dict[str, Any] | None:
    """Bids on the officer's call page: the count, sealed until the deadline."""
    if not call.is_public:
        return None
    return {
        "bids_received": call.bids.submitted().count(),
        "sealed": is_sealed(call),
        "url": reverse("applications:call_bids", args=[call.municipality.code, call.pk]),
    }


def _organizations_url(municipality: Municipality) -> str:
    return reverse("applications:verification_list", args=[municipality.code])


def workspace_panel(request: HttpRequest, municipality: Municipality) -> dict[str, Any] | None:
    """Organisations of the municipality still waiting for verification, if any."""
    waiting = Organization.objects.filter(
        municipality=municipality, verified_at__isnull=True
    ).count()
    if not waiting:
        return None
    return {"unverified": waiting, "url": _organizations_url(municipality)}


def organizations_to_verify(request: HttpRequest, municipality: Municipality) -> Task | None:
    """The officer's task on the signed-in home: organisations waiting for verification."""
    n = Organization.objects.filter(municipality=municipality, verified_at__isnull=True).count()
    label = ngettext(
        "%(n)d organisation awaits verification",
        "%(n)d organisations await verification",
        n,
    ) % {"n": n}
    return Task("organizations_to_verify", label, n, _organizations_url(municipality))


def register_organization_panel(request: HttpRequest, user: Any) -> dict[str, Any] | None:
    """The next step for someone signed in who acts for no organisation, municipality,
    ministry or commission: register one, wait for verification, apply to an open call.
    (A commission member is not urged to apply: their home lists their commission work.)"""
    if is_site_admin(user) or OrganizationMember.objects.filter(user=user).exists():
        return None
    if (
        MunicipalStaff.objects.filter(user=user).exists()
        or MinistryStaff.objects.filter(user=user).exists()
        or CommissionMember.objects.filter(user=user).exists()
    ):
        return None
    return {
        "register_url": reverse("applications:organization_new"),
        "calls_url": reverse("competitions:call_list"),
    }


def invitations_panel(request: HttpRequest, user: Any) -> dict[str, Any] | None:
    """Organisations waiting for this address: found by e-mail, so an invitee who
    signed up without following the link still finds the invitation."""
    invitations = list(
        Invitation.objects.filter(
            email=normalize_email(user.email),
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        ).select_related("organization")
    )
    return {"invitations": invitations} if invitations else None


def workspace_link(request: HttpRequest, municipality: Municipality) -> dict[str, Any]:
    return {"url": _organizations_url(municipality)}


def _call_amended(call: Competition, amendment: Amendment, by: By) -> dict[str, Any]:
    """Submitted bids are asked to re-confirm (T18); applicants are told after commit."""
    flagged = call.bids.submitted().update(
        reconfirm_requested_at=timezone.now(), reconfirmed_at=None
    )
    applicants = applicants_of(call)
    if applicants:
        notify(
            applicants,
            "call_amended",
            {"call": call, "reason": amendment.reason},
            url=reverse("competitions:call_detail", args=[call.pk]),
        )
    return {"bids_to_reconfirm": flagged}


def register() -> None:
    events.register(
        events.Event("call_amended", Category.COMPETITIONS),
        events.Event("bid_submitted", Category.BIDS),
        events.Event("bid_withdrawn", Category.BIDS),
        events.Event("bid_deadline_reminder", Category.BIDS),
        events.Event("seal_broken", Category.BIDS),
    )
    extensions.register_call_count("bids_received", bids_received)
    extensions.CALL_PAGE.register(
        Panel("bids", "applications/panels/_call_page.html", call_page_panel, order=10)
    )
    extensions.CALL_MANAGE.register(
        Panel("bids", "applications/panels/_call_manage.html", call_manage_panel, order=10)
    )
    extensions.WORKSPACE.register(
        Panel("organizations", "applications/panels/_workspace.html", workspace_panel, order=10)
    )
    extensions.NEEDS_ATTENTION.register(
        TaskProvider("organizations_to_verify", organizations_to_verify, order=10)
    )
    DASHBOARD.register(
        Panel(
            "organization_invitations",
            "applications/panels/_dashboard_invitations.html",
            invitations_panel,
            order=6,
        )
    )
    DASHBOARD.register(
        Panel(
            "register_organization",
            "applications/panels/_dashboard_register.html",
            register_organization_panel,
            order=20,
        )
    )
    extensions.WORKSPACE_LINKS.register(
        Panel("organizations", "applications/panels/_workspace_link.html", workspace_link, order=10)
    )
    extensions.register_amendment_handler(
        extensions.AmendmentHandler("bids", amended=_call_amended)
    )
