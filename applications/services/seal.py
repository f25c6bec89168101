"""Breaking the seal of a call's bids before the deadline: rare, public and audited."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.permissions import is_site_admin
from applications.exceptions import (
    ApplicationsError,
)
from applications.models import (
    SealBreak,
)
from applications.permissions import is_sealed
from applications.selectors import applicants_of
from audit.services import record
from competitions.models import Competition
from municipal_order.lib.actors import By, acting_user
from notifications.services import notify

SEAL_REASON_MIN = 30


@transaction.atomic
def break_seal(call: Competition, *, reason: str, by: By) -> SealBreak:
    """A site administrator opens a call's bids before the deadline.

    Only for a documented need (a court order, a suspected fraud); the reason is
    audited and shown on the public call page, and the applicants are told.
    """
    user = acting_user(by)
    if not is_site_admin(user):
        raise ApplicationsError(_("Only a site administrator may open sealed bids."))
    call = Competition.objects.select_for_update().get(pk=call.pk)
    if not is_sealed(call):
        raise ApplicationsError(_("The deadline has passed: the bids are no longer sealed."))
    reason = reason.strip()
    if len(reason) < SEAL_REASON_MIN:
        raise ApplicationsError(
            _("Explain the reason in at least %(count)s characters.") % {"count": SEAL_REASON_MIN}
        )
    seal_break = SealBreak.objects.create(competition=call, broken_by=user, reason=reason)
    record("call.seal_broken", call, by=by, after={"reason": reason})
    _notify_seal_broken(call, seal_break)
    return seal_break


def _notify_seal_broken(call: Competition, seal_break: SealBreak) -> None:
    notify(
        applicants_of(call),
        "seal_broken",
        {"call": call, "reason": seal_break.reason, "broken_at": seal_break.broken_at},
        url=reverse("competitions:call_detail", args=[call.pk]),
    )
