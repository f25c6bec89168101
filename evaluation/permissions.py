"""Who may see and do what in a call's evaluation.

404 for everyone with no part in the call (no existence oracle), 403 for people
with a part whose role is too weak:

- decide admission, ask for clarifications: the call's commission secretary and
  the officers of the call's municipality;
- open scoring: the same, and the commission's chair;
- read the admission list: all of those, ministry staff who oversee the
  municipality and site administrators (who read; the decisions are the
  municipality's and the commission's);
- an ordinary commission member has a part in the call but no say in admission: 403.

The commission's own pages (declarations, reading the admitted bids) are for the
call's seats only: officers, ministry staff and administrators 403, others 404. A
member reads a bid only after signing the confidentiality declaration (T7: the
views redirect to it) and declaring no conflict with it; a declared conflict is 403
on everything of that bid (T6).

Answering a clarification is the applicant's: the bid's own rules (editors and
administrators of the organisation write, `applications.permissions.WRITE_ROLES`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from accounts.permissions import is_site_admin
from applications.models import Bid, BidSubmission
from applications.permissions import get_bid_for_user
from competitions.models import CommissionMember, Competition
from competitions.permissions import ministry_sees, staff_membership
from evaluation.models import (
    Admission,
    Appeal,
    AppealFile,
    ClarificationFile,
    ClarificationRequest,
    ConflictDeclaration,
)

Role = CommissionMember.Role
security_log = logging.getLogger("portal.security")


@dataclass(frozen=True)
class Access:
    """What the reader may do in the call's admission."""

    decide: bool  # admit, not admit, ask for a clarification
    open_scoring: bool
    # Whether the bids' own pages open to them (applications.permissions: the call's
    # officers and site administrators after the deadline).
    read_bids: bool = False


def admission_access(user, call: Competition) -> Access | None:
    """None: no part in the call. Otherwise what the person may do (reading included)."""
    if not user.is_authenticated:
        return None
    seat = CommissionMember.objects.filter(competition=call, user=user).first()
    officer = staff_membership(user, call.municipality) is not None
    secretary = seat is not None and seat.role == Role.SECRETARY
    chair = seat is not None and seat.role == Role.CHAIR
    if officer or secretary:
        return Access(decide=True, open_scoring=True, read_bids=officer)
    if chair:
        return Access(decide=False, open_scoring=True)
    if is_site_admin(user):
        return Access(decide=False, open_scoring=False, read_bids=True)
    if ministry_sees(user, call.municipality):
        return Access(decide=False, open_scoring=False)
    if seat is not None:
        raise PermissionDenied(_("Admission is checked by the secretary and the municipality."))
    return None


def get_call_for_admission(
    request: HttpRequest,
    code: str,
    pk: int,
    *,
    decide: bool = False,
    open_scoring: bool = False,
) -> tuple[Competition, Access]:
    """The announced call through its municipality's address, and the reader's access."""
    call = (
        Competition.objects.public()
        .select_related("municipality")
        .filter(pk=pk, municipality__code=code)
        .first()
    )
    if call is None:
        raise Http404
    access = admission_access(request.user, call)
    if access is None:
        raise Http404
    if decide and not access.decide:
        raise PermissionDenied(
            _("Only the commission's secretary or an officer decides admission.")
        )
    if open_scoring and not access.open_scoring:
        raise PermissionDenied(_("Only the secretary, the chair or an officer opens the scoring."))
    return call, access


def get_clarification_for_answer(request: HttpRequest, pk, request_id: int) -> ClarificationRequest:
    """A clarification request on the bid, for its organisation's editors (403 to viewers)."""
    bid: Bid = get_bid_for_user(request, pk, write=True)
    clarification = (
        ClarificationRequest.objects.select_related("submission__bid__competition")
        .filter(pk=request_id, submission__bid=bid)
        .first()
    )
    if clarification is None:
        raise Http404
    return clarification


def get_clarification_file(request: HttpRequest, pk, file_id) -> ClarificationFile:
    """A file of an answer, for whoever may read the bid."""
    bid = get_bid_for_user(request, pk)
    found = ClarificationFile.objects.filter(pk=file_id, request__submission__bid=bid).first()
    if found is None:
        raise Http404
    return found


# --- the commission member's own pages: declarations and reading the bids ------------


def get_seat_for_user(request: HttpRequest, pk: int) -> CommissionMember:
    """The reader's seat on the announced call's commission, with its confidentiality
    declaration (`seat.signed`: the declaration or None) and the call.

    These pages are the members' own: the call's officers, ministry staff and site
    administrators have a part in the call but no seat (403); anyone else 404.
    """
    user = request.user
    if not user.is_authenticated:
        raise Http404
    call = Competition.objects.public().select_related("municipality").filter(pk=pk).first()
    if call is None:
        raise Http404
    seat = (
        CommissionMember.objects.filter(competition=call, user=user)
        .select_related("confidentiality")
        .first()
    )
    if seat is None:
        if (
            staff_membership(user, call.municipality) is not None
            or is_site_admin(user)
            or ministry_sees(user, call.municipality)
        ):
            raise PermissionDenied(_("These pages are the commission members' own."))
        raise Http404
    seat.competition = call
    seat.signed = getattr(seat, "confidentiality", None)  # type: ignore[attr-defined]
    return seat


def get_submission_for_member(
    seat: CommissionMember, submission_id
) -> tuple[BidSubmission, ConflictDeclaration | None]:
    """An admitted bid of the seat's call once admission is closed, with the member's
    declaration on it; 404 for any other submission. A member who declared a conflict
    is recused (T6): 403 on the bid, its documents and every action on it."""
    call = seat.competition
    phase = call.phase
    if not phase.is_closed or phase.in_admission:
        raise Http404
    submission = (
        BidSubmission.objects.filter(
            pk=submission_id,
            bid__competition=call,
            status=BidSubmission.Status.ACTIVE,
            admission__decision=Admission.Decision.ADMITTED,
        )
        .select_related("bid__organization")
        .first()
    )
    if submission is None:
        raise Http404
    declaration = ConflictDeclaration.objects.filter(seat=seat, submission=submission).first()
    if declaration is not None and declaration.has_conflict:
        security_log.warning(
            "recused_member_denied",
            extra={"user": seat.user_id, "object": f"submission:{submission.pk}"},
        )
        raise PermissionDenied(
            _("You declared a conflict of interest with this bid: you take no part in it.")
        )
    return submission, declaration


# --- appeals --------------------------------------------------------------------------


def get_submission_for_appeal(request: HttpRequest, pk) -> BidSubmission:
    """The bid's active submission, for its organisation's editors (403 to viewers)."""
    bid: Bid = get_bid_for_user(request, pk, write=True)
    submission = BidSubmission.objects.filter(bid=bid, status=BidSubmission.Status.ACTIVE).first()
    if submission is None:
        raise Http404
    return submission


def get_appeal_file(request: HttpRequest, pk, file_id) -> AppealFile:
    """A file of an appeal on the bid, for whoever may read the bid."""
    bid = get_bid_for_user(request, pk)
    found = AppealFile.objects.filter(pk=file_id, appeal__submission__bid=bid).first()
    if found is None:
        raise Http404
    return found


def get_appeal_for_lead(seat: CommissionMember, appeal_id: int) -> Appeal:
    """An appeal on the seat's call, for its chair or secretary (403 to other members)."""
    appeal = (
        Appeal.objects.select_related("submission__bid__organization")
        .filter(pk=appeal_id, submission__bid__competition=seat.competition_id)
        .first()
    )
    if appeal is None:
        raise Http404
    if seat.role not in {Role.CHAIR, Role.SECRETARY}:
        raise PermissionDenied(_("The chair or the secretary decides appeals."))
    return appeal


def get_appeal_file_for_seat(seat: CommissionMember, file_id) -> AppealFile:
    found = AppealFile.objects.filter(
        pk=file_id, appeal__submission__bid__competition=seat.competition_id
    ).first()
    if found is None:
        raise Http404
    return found
