"""Organisations: registration, profile, members and invitations, verification."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import is_site_admin
from applications.exceptions import ApplicationsError
from applications.forms import InviteForm, OrganizationForm, RoleForm, VerificationForm
from applications.models import Bid, Invitation, Organization, OrganizationMember
from applications.permissions import (
    can_verify,
    get_organization_for_user,
    get_organization_for_viewer,
)
from applications.services.organizations import (
    accept_invitation,
    change_role,
    invite_member,
    register_organization,
    remove_member,
    set_verification,
    update_organization,
)
from applications.steps import STEPS, for_missing_by_step, missing_by_step
from audit.models import AuditEvent
from competitions.permissions import get_municipality_for_user
from municipal_order.lib.downloads import private_file_response


@login_required
@require_GET
def my_organizations(request: HttpRequest) -> HttpResponse:
    memberships = OrganizationMember.objects.filter(user=request.user).select_related(
        "organization__region"
    )
    bids = for_missing_by_step(
        Bid.objects.filter(organization__members__user=request.user)
        .select_related("competition__municipality", "organization")
        .order_by("competition__closes_at")
    )
    rows = []
    for bid in bids:
        missing = missing_by_step(bid) if bid.status == Bid.Status.DRAFT else {}
        done = sum(1 for items in missing.values() if not items)
        rows.append((bid, bid.competition.phase, done if missing else None))
    return render(
        request,
        "applications/my_organizations.html",
        {"memberships": memberships, "bids": rows, "step_count": len(STEPS)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def organization_new(request: HttpRequest) -> HttpResponse:
    form = OrganizationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            organization = register_organization(
                admin=request.user,
                by=request,
                charter=request.FILES.get("charter"),
                **{k: v for k, v in form.cleaned_data.items() if k != "charter"},
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("The organisation is registered. An officer of its municipality will verify it."),
            )
            return redirect("applications:organization_detail", pk=organization.pk)
    return render(
        request,
        "applications/organization_form.html",
        {"form": form, "organization": None},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def organization_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organization = get_organization_for_viewer(request, pk)
    membership = OrganizationMember.objects.filter(
        user=request.user, organization=organization
    ).first()
    is_admin = is_site_admin(request.user) or (
        membership is not None and membership.role == OrganizationMember.Role.ADMIN
    )
    return render(
        request,
        "applications/organization_detail.html",
        {
            "organization": organization,
            "membership": membership,
            "is_admin": is_admin,
            "can_verify": can_verify(request.user, organization),
            "members": organization.members.select_related("user").order_by(
                "role", "user__full_name"
            ),
            "invitations": [i for i in organization.invitations.all() if i.is_open()],
            "invite_form": InviteForm(),
            "history": AuditEvent.objects.for_object(organization).select_related("actor")[:40],
            # Only the members: the officers who verify it must not learn of sealed bids.
            "bids": organization.bids.select_related("competition__municipality").order_by(
                "-competition__closes_at"
            )
            if membership
            else [],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def organization_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organization = get_organization_for_user(request, pk, manage=True)
    form = OrganizationForm(request.POST or None, request.FILES or None, instance=organization)
    if request.method == "POST" and form.is_valid():
        try:
            update_organization(
                organization,
                data={k: v for k, v in form.cleaned_data.items() if k != "charter"},
                charter=request.FILES.get("charter"),
                by=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The organisation's profile is saved."))
            return redirect("applications:organization_detail", pk=organization.pk)
    organization.refresh_from_db()
    return render(
        request,
        "applications/organization_form.html",
        {"form": form, "organization": organization},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def charter_download(request: HttpRequest, pk: int) -> HttpResponse:
    organization = get_organization_for_viewer(request, pk)
    if not organization.charter:
        raise Http404
    return private_file_response(organization.charter, filename=f"charter-{organization.inn}.pdf")


@login_required
@require_POST
def member_invite(request: HttpRequest, pk: int) -> HttpResponse:
    organization = get_organization_for_user(request, pk, manage=True)
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            invite_member(
                organization,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                by=request,
            )
        except ApplicationsError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The invitation is sent."))
    else:
        messages.error(request, _("Enter a valid e-mail address."))
    return redirect("applications:organization_detail", pk=organization.pk)


def _member(request: HttpRequest, pk: int, member_id: int) -> OrganizationMember:
    organization = get_organization_for_user(request, pk, manage=True)
    return get_object_or_404(OrganizationMember, pk=member_id, organization=organization)


@login_required
@require_POST
def member_role(request: HttpRequest, pk: int, member_id: int) -> HttpResponse:
    member = _member(request, pk, member_id)
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            change_role(member, role=form.cleaned_data["role"], by=request)
        except ApplicationsError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The role is changed."))
    return redirect("applications:organization_detail", pk=pk)


@login_required
@require_POST
def member_remove(request: HttpRequest, pk: int, member_id: int) -> HttpResponse:
    member = _member(request, pk, member_id)
    try:
        remove_member(member, by=request)
    except ApplicationsError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The member is removed."))
    return redirect("applications:organization_detail", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    invite = Invitation.objects.select_related("organization").filter(token=token).first()
    if invite is None:
        raise Http404
    if request.method == "POST":
        try:
            accept_invitation(invite, user=request.user)
        except ApplicationsError as exc:
            messages.error(request, str(exc))
            return redirect("applications:my_organizations")
        messages.success(request, _("Welcome to the organisation."))
        return redirect("applications:organization_detail", pk=invite.organization_id)
    return render(request, "applications/invitation.html", {"invitation": invite})


# --- verification by the municipality ------------------------------------------------


@login_required
@require_GET
def verification_list(request: HttpRequest, code: str) -> HttpResponse:
    municipality = get_municipality_for_user(request, code)
    organizations = Organization.objects.filter(municipality=municipality).order_by(
        "verified_at", "name_ru"
    )
    return render(
        request,
        "applications/verification_list.html",
        {"municipality": municipality, "organizations": organizations},
    )


@login_required
@require_POST
def verify(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    municipality = get_municipality_for_user(request, code, write=True)
    organization = get_object_or_404(Organization, pk=pk, municipality=municipality)
    form = VerificationForm(request.POST)
    if form.is_valid():
        set_verification(
            organization,
            verified=form.cleaned_data["verified"],
            note=form.cleaned_data["note"],
            by=request,
        )
        messages.success(request, _("The verification is recorded."))
    return redirect("applications:verification_list", code=code)
