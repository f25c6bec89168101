"""Who may see and change an organisation (and, later, its bids).

404 for people outside the organisation, 403 for members whose role is too weak.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _

from accounts.permissions import is_site_admin
from applications.models import Bid, BidDocument, BidSubmission, Organization, OrganizationMember
from competitions.models import Competition
from municipal_order.lib.clock import deciding_now

security_log = logging.getLogger("portal.security")

Role = OrganizationMember.Role
# What each role may do: read ⊂ write (edit drafts, submit) ⊂ manage (members, profile).
WRITE_ROLES = {Role.ADMIN, Role.EDITOR}
_MANAGE = {Role.ADMIN}


def organizations_for(user) -> QuerySet[Organization]:
    if not user.is_authenticated:
        return Organization.objects.none()
    if is_site_admin(user):
        return Organization.objects.all()
    return Organization.objects.filter(members__user=user)


def get_organization_for_user(
    request: HttpRequest, pk: int, *, write: bool = False, manage: bool = False
) -> Organization:
    user = request.user
    if not user.is_authenticated:
        raise Http404
    organization = Organization.objects.filter(pk=pk).first()
    if organization is None:
        raise Http404
    if is_site_admin(user):
        return organization
    membership = OrganizationMember.objects.filter(user=user, organization=organization).first()
    if membership is None:
        raise Http404
    if manage and membership.role not in _MANAGE:
        raise PermissionDenied(_("Only an administrator of the organisation may do this."))
    if write and membership.role not in WRITE_ROLES:
        raise PermissionDenied(_("Your role in the organisation only allows reading."))
    return organization


def can_verify(user, organization: Organization) -> bool:
    """Officers of the organisation's municipality and site administrators verify it."""
    if not user.is_authenticated:
        return False
    if is_site_admin(user):
        return True
    from competitions.models import MunicipalStaff

    return (
        organization.municipality_id is not None
        and MunicipalStaff.objects.filter(
            user=user, municipality_id=organization.municipality_id
        ).exists()
    )


def get_organization_for_viewer(request: HttpRequest, pk: int) -> Organization:
    """Members read the organisation; so do the officers who verify it. Others: 404."""
    organization = Organization.objects.filter(pk=pk).first()
    if organization is None:
        raise Http404
    if can_verify(request.user, organization):
        return organization
    return get_organization_for_user(request, pk)


def is_sealed(call: Competition) -> bool:
    """Bids are sealed until the deadline, on the clock that decides deadlines."""
    return call.before_deadline(deciding_now())


def sealed_message(call) -> str:
    return _("Bids are sealed until %(deadline)s (Bishkek, UTC+6).") % {
        "deadline": date_format(timezone.localtime(call.closes_at), "d.m.Y H:i")
    }


def get_bid_for_user(request: HttpRequest, pk, *, write: bool = False):
    """A bid is its organisation's: members read it, editors and admins change it.

    Everyone else, officers of the call included, gets 404 while bids are sealed.
    The returned bid carries `member_role`: the reader's role in its organisation,
    or None for an officer or administrator reading it from outside.
    """
    user = request.user
    if not user.is_authenticated:
        raise Http404
    bid = (
        Bid.objects.select_related("competition__municipality", "organization")
        .filter(pk=pk)
        .first()
    )
    if bid is None:
        raise Http404
    membership = OrganizationMember.objects.filter(user=user, organization=bid.organization).first()
    bid.member_role = membership.role if membership else None
    if membership is None:
        from competitions.permissions import staff_membership

        call = bid.competition
        submitted = bid.status == bid.Status.SUBMITTED  # a draft is nobody else's business
        if (
            not write
            and submitted
            and (staff_membership(user, call.municipality) or is_site_admin(user))
        ):
            # The call's own officers learn the bid exists (they see the count) but
            # not its content before the deadline; afterwards they may read it. A
            # site administrator reads earlier only after a public, audited seal break.
            if is_sealed(call) and not (is_site_admin(user) and call.seal_breaks.exists()):
                raise PermissionDenied(sealed_message(call))
            return bid
        security_log.warning(
            "authz_denied", extra={"user": user.pk, "object": f"bid:{bid.pk}", "write": write}
        )
        raise Http404
    if _sealed_to_late_member(bid, membership):
        security_log.warning(
            "sealed_to_late_member", extra={"user": user.pk, "object": f"bid:{bid.pk}"}
        )
        raise PermissionDenied(
            _(
                "This bid was submitted sealed before you joined the organisation: it "
                "opens to you at the deadline."
            )
            + " "
            + sealed_message(bid.competition)
        )
    if write and membership.role not in WRITE_ROLES:
        raise PermissionDenied(_("Your role in the organisation only allows reading."))
    return bid


def _sealed_to_late_member(bid: Bid, membership: OrganizationMember) -> bool:
    """Sealed content stays closed to whoever became a member after it was sealed:
    joining the organisation is no way around the seal (only a public seal break is).

    The moment that counts is the submission, not the call's opening: a member who
    joined while the bid was still a draft could read the draft anyway.
    """
    call = bid.competition
    if bid.status != bid.Status.SUBMITTED or not is_sealed(call):
        return False
    sealed_at = (
        bid.submissions.filter(status=BidSubmission.Status.ACTIVE)
        .values_list("submitted_at", flat=True)
        .first()
    )
    return (
        sealed_at is not None
        and membership.created_at > sealed_at
        and not call.seal_breaks.exists()
    )


def get_bid_document_for_user(request: HttpRequest, pk, document_id, *, write: bool = False):
    """A file of a bid, with the bid's own rules; removed files only for reading."""
    bid = get_bid_for_user(request, pk, write=write)
    documents = bid.documents.current() if write else bid.documents.all()
    try:
        return documents.get(pk=document_id)
    except BidDocument.DoesNotExist:
        raise Http404 from None
