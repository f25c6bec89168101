"""Commission invitations: the officer resends or withdraws them from the call form;
the invitee accepts one (after signing up, `next` brings them back here)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from competitions.exceptions import CompetitionsError
from competitions.models import CommissionInvitation
from competitions.permissions import get_call_for_user
from competitions.services.commission import (
    accept_commission_invitation,
    cancel_commission_invitation,
    resend_commission_invitation,
)


def _invitation(request: HttpRequest, code: str, pk: int, invitation_id: int):
    call = get_call_for_user(request, code, pk, write=True)
    invitation = call.commission_invitations.filter(pk=invitation_id).first()
    if invitation is None:
        raise Http404
    return call, invitation


def _back(call) -> HttpResponse:
    response = redirect("competitions:call_edit", code=call.municipality.code, pk=call.pk)
    response["Location"] += "#commission-invitations"
    return response


def _act_on_invitation(request, code, pk, invitation_id, service, done: str) -> HttpResponse:
    """Resend or withdraw a waiting invitation (`done` names the outcome with the address)."""
    call, invitation = _invitation(request, code, pk, invitation_id)
    try:
        service(invitation, by=request)
    except CompetitionsError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done % {"email": invitation.email})
    return _back(call)


@login_required
@require_POST
def invitation_resend(request: HttpRequest, code: str, pk: int, invitation_id: int) -> HttpResponse:
    return _act_on_invitation(
        request,
        code,
        pk,
        invitation_id,
        resend_commission_invitation,
        _("The invitation is sent again to %(email)s."),
    )


@login_required
@require_POST
def invitation_cancel(request: HttpRequest, code: str, pk: int, invitation_id: int) -> HttpResponse:
    return _act_on_invitation(
        request,
        code,
        pk,
        invitation_id,
        cancel_commission_invitation,
        _("The invitation to %(email)s is withdrawn."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The invitee's page: whoever holds the link sees the seat; only the invited
    address, signed in, takes it."""
    invite = (
        CommissionInvitation.objects.select_related("competition__municipality", "invited_by")
        .filter(token=token)
        .first()
    )
    if invite is None:
        raise Http404
    if request.method == "POST":
        try:
            accept_commission_invitation(invite, user=request.user)
        except CompetitionsError as exc:
            messages.error(request, str(exc))
            return redirect("competitions:commission_invitation", token=token)
        messages.success(request, _("You have taken your seat on the commission."))
        return redirect("accounts:dashboard")
    seated = invite.competition.commission.filter(user=request.user).exists()
    return render(
        request,
        "competitions/commission_invitation.html",
        {"invitation": invite, "call": invite.competition, "seated": seated},
    )
