"""The commission of a draft call: members with accounts take their seats at once,
an e-mail with no account gets an invitation (a single-use link that expires) and
the person takes the seat by accepting it, after signing up if need be.

Decisions (docs/architecture.md, "Commission invitations"):
- a waiting invitation is a planned seat: it counts in the form's checks (one
  chair, one secretary, one seat per address) and in the civil-society share the
  officer sees while drafting;
- a call is announced only when every seat is taken (`publication_problems`
  names the waiting invitations), so the announced commission, its chair,
  secretary and civil-society share are those of real members;
- accepting locks the call, as saving the draft does, so the two never cross.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.invitations import expiry, new_token
from accounts.models import normalize_email
from audit.services import record
from competitions.exceptions import CompetitionsError
from competitions.models import CommissionInvitation, CommissionMember, Competition
from municipal_order.lib.actors import By, acting_user
from municipal_order.lib.emails import absolute_url
from notifications.services import queue_email


def pending_invitations(call: Competition):
    """Invitations neither accepted nor withdrawn (expired ones included: resendable)."""
    return call.commission_invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True)


def _send(invitation: CommissionInvitation) -> None:
    """The link, through the outbox after commit, in the inviter's language (the
    invitee may have no account, hence no language of their own yet)."""
    inviter = invitation.invited_by
    queue_email(
        "commission_invitation",
        invitation.email,
        {
            "invitation": invitation,
            "call": invitation.competition,
            "link": absolute_url(
                reverse("competitions:commission_invitation", kwargs={"token": invitation.token})
            ),
        },
        language=inviter.language if inviter else settings.LANGUAGE_CODE,
    )


def _facts(invitation: CommissionInvitation) -> dict[str, Any]:
    return {
        "email": invitation.email,
        "role": invitation.role,
        "affiliation": invitation.affiliation,
    }


def sync_invitations(call: Competition, rows: list[dict], *, by: By) -> None:
    """Inside `save_draft`'s transaction (the call is locked): the waiting invitations
    become exactly `rows` (e-mail, role, affiliation). New addresses are invited,
    changed seats updated, addresses no longer listed (or now seated as members)
    withdrawn."""
    now = timezone.now()
    waiting = {i.email: i for i in pending_invitations(call).select_for_update()}
    for row in rows:
        email = normalize_email(row["email"])
        invitation = waiting.pop(email, None)
        if invitation is None:
            invitation = CommissionInvitation.objects.create(
                competition=call,
                email=email,
                role=row["role"],
                affiliation=row["affiliation"],
                token=new_token(),
                invited_by=acting_user(by),
                expires_at=expiry(now),
            )
            record("call.commission_invited", call, by=by, after=_facts(invitation))
            _send(invitation)
        elif (invitation.role, invitation.affiliation) != (row["role"], row["affiliation"]):
            before = _facts(invitation)
            invitation.role, invitation.affiliation = row["role"], row["affiliation"]
            invitation.save(update_fields=["role", "affiliation"])
            record(
                "call.commission_invitation_changed",
                call,
                by=by,
                before=before,
                after=_facts(invitation),
            )
    for invitation in waiting.values():
        invitation.revoked_at = now
        invitation.save(update_fields=["revoked_at"])
        record("call.commission_invitation_cancelled", call, by=by, before=_facts(invitation))


def _locked(invitation: CommissionInvitation) -> tuple[Competition, CommissionInvitation]:
    call = Competition.objects.select_for_update().get(pk=invitation.competition_id)
    invitation = CommissionInvitation.objects.select_for_update().get(pk=invitation.pk)
    invitation.competition = call
    return call, invitation


def _editable(call: Competition, invitation: CommissionInvitation) -> None:
    if call.status != Competition.Status.DRAFT:
        raise CompetitionsError(_("The commission of an announced call no longer changes."))
    if not invitation.is_pending():
        raise CompetitionsError(_("This invitation was already accepted or withdrawn."))


@transaction.atomic
def resend_commission_invitation(
    invitation: CommissionInvitation, *, by: By
) -> CommissionInvitation:
    """A fresh link and expiry (the old link stops working), e-mailed after commit."""
    call, invitation = _locked(invitation)
    _editable(call, invitation)
    invitation.token = new_token()
    invitation.expires_at = expiry()
    invitation.invited_by = acting_user(by) or invitation.invited_by
    invitation.save(update_fields=["token", "expires_at", "invited_by"])
    record("call.commission_invitation_resent", call, by=by, after=_facts(invitation))
    _send(invitation)
    return invitation


@transaction.atomic
def cancel_commission_invitation(
    invitation: CommissionInvitation, *, by: By
) -> CommissionInvitation:
    call, invitation = _locked(invitation)
    _editable(call, invitation)
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    record("call.commission_invitation_cancelled", call, by=by, before=_facts(invitation))
    return invitation


@transaction.atomic
def accept_commission_invitation(
    invitation: CommissionInvitation, *, user: Any
) -> CommissionMember:
    """The invitee takes the seat: once, with the invited address, on a draft call."""
    call, invitation = _locked(invitation)
    if not invitation.is_open():
        raise CompetitionsError(
            _("This invitation has expired or was withdrawn. Ask the municipality for a new one.")
        )
    if call.status != Competition.Status.DRAFT:
        raise CompetitionsError(_("The commission of an announced call no longer changes."))
    if normalize_email(user.email) != invitation.email:
        raise CompetitionsError(
            _("This invitation was sent to another e-mail address. Log in with that address.")
        )
    if call.commission.filter(user=user).exists():
        raise CompetitionsError(_("You already hold a seat on this commission."))
    try:
        with transaction.atomic():
            member = CommissionMember.objects.create(
                competition=call,
                user=user,
                role=invitation.role,
                affiliation=invitation.affiliation,
            )
    except IntegrityError:
        # The chair's or the secretary's seat was given to someone else meanwhile.
        raise CompetitionsError(
            _("This seat is already taken. Ask the municipality for a new invitation.")
        ) from None
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    record("call.commission_joined", call, by=user, after=_facts(invitation))
    return member


def revoke_all(call: Competition, *, by: By) -> int:
    """Inside a transaction that holds the call: withdraw every waiting invitation."""
    now = timezone.now()
    revoked = 0
    for invitation in pending_invitations(call).select_for_update():
        invitation.revoked_at = now
        invitation.save(update_fields=["revoked_at"])
        revoked += 1
    return revoked
