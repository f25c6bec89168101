"""The commission's declarations: confidentiality for the call, then, for each admitted
bid, "no conflict of interest" or "conflict" with a statement (T6, T7).

When: the confidentiality declaration from the deadline on (during admission too: it
concerns the call, not a bid, and lets a member be ready when scoring opens) until
scoring ends; conflict declarations only while the call is in scoring, because the
list of admitted bids is final only once admission is closed (a bid that is not
admitted must never open to the commission). Anything else is `OutOfOrder` (409).

Like every evaluation service these lock the call row first, the serialisation point
of evaluation: a declaration never crosses a change of stage.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from applications.models import BidSubmission
from audit.services import record
from competitions.models import CommissionMember, Competition
from evaluation import confidentiality
from evaluation.exceptions import EvaluationError, OutOfOrder
from evaluation.models import Admission, ConfidentialityDeclaration, ConflictDeclaration
from municipal_order.lib.actors import By, acting_user
from municipal_order.lib.clock import deciding_now


class DeclarationFinal(EvaluationError):
    """A declaration is made once; only "no conflict" → "conflict" may follow."""


def lock_call(call_id: int) -> tuple[Competition, datetime.datetime]:
    """Lock the call (the evaluation serialisation point) and read the deciding clock."""
    call = Competition.objects.select_for_update().select_related("municipality").get(pk=call_id)
    return call, deciding_now()


def _check_own_seat(seat: CommissionMember, by: By) -> None:
    user = acting_user(by)
    if user is None or user.pk != seat.user_id:
        raise EvaluationError(_("Only the commission member themselves makes this declaration."))


def sign_confidentiality(
    seat: CommissionMember, *, by: By, text_sha256: str | None = None
) -> ConfidentialityDeclaration:
    """Sign the confidentiality declaration for the seat's call, in the active language.

    `text_sha256` is the fingerprint of the text the page showed: if the wording
    changed meanwhile, nothing is signed (the member reads the new text). Signing
    again returns the signature already made and records nothing.
    """
    _check_own_seat(seat, by)
    texts = confidentiality.paragraphs()
    fingerprint = confidentiality.text_sha256(texts)
    if text_sha256 is not None and text_sha256 != fingerprint:
        raise OutOfOrder(_("The declaration's text has changed: read it again and sign."))
    with transaction.atomic():
        call, now = lock_call(seat.competition_id)
        phase = call.phase_at(now)
        if not (phase.in_admission or phase.scoring):
            raise OutOfOrder(
                _(
                    "The confidentiality declaration is signed after the deadline, "
                    "until scoring ends (now: %(p)s)."
                )
                % {"p": phase.label}
            )
        existing = ConfidentialityDeclaration.objects.filter(seat=seat).first()
        if existing is not None:
            return existing
        declaration = ConfidentialityDeclaration.objects.create(
            seat=seat,
            signed_at=now,
            text_version=confidentiality.VERSION,
            language=confidentiality.language(),
            text_sha256=fingerprint,
        )
        record(
            "call.confidentiality_signed",
            call,
            by=by,
            after={
                "seat": seat.pk,
                "role": seat.role,
                "text_version": declaration.text_version,
                "language": declaration.language,
                "text_sha256": fingerprint,
            },
        )
    return declaration


def declare_conflict(
    seat: CommissionMember,
    submission: BidSubmission,
    *,
    has_conflict: bool,
    statement: str = "",
    by: By,
) -> ConflictDeclaration:
    """Declare on one admitted bid: no conflict of interest, or a conflict with a statement.

    A declaration is final. The one change allowed is "no conflict" → "conflict" (the
    member found a reason later): it recuses the member and is audited with the
    declaration it replaces. "Conflict" → "no conflict" is refused (`DeclarationFinal`),
    and so is any other change; declaring the same again changes nothing.
    """
    statement = statement.strip()
    if has_conflict and not statement:
        raise EvaluationError(_("Describe the conflict of interest."))
    if not has_conflict:
        statement = ""
    _check_own_seat(seat, by)
    with transaction.atomic():
        call, now = lock_call(seat.competition_id)
        phase = call.phase_at(now)
        if not phase.scoring:
            raise OutOfOrder(
                _("Conflicts of interest are declared while the commission scores (now: %(p)s).")
                % {"p": phase.label}
            )
        if not ConfidentialityDeclaration.objects.filter(seat=seat).exists():
            raise OutOfOrder(_("Sign the confidentiality declaration first."))
        fresh = (
            BidSubmission.objects.filter(
                pk=submission.pk,
                bid__competition=call,
                status=BidSubmission.Status.ACTIVE,
                admission__decision=Admission.Decision.ADMITTED,
            )
            .select_related("bid")
            .first()
        )
        if fresh is None:
            raise OutOfOrder(_("This bid is not admitted to the call's scoring."))
        existing = (
            ConflictDeclaration.objects.select_for_update()
            .filter(seat=seat, submission=fresh)
            .first()
        )
        facts = {"seat": seat.pk, "receipt": fresh.receipt_number}
        if existing is None:
            declaration = ConflictDeclaration.objects.create(
                seat=seat,
                submission=fresh,
                has_conflict=has_conflict,
                statement=statement,
                declared_at=now,
            )
            record(
                "call.conflict_declared",
                call,
                by=by,
                after={**facts, "has_conflict": has_conflict, "statement": statement},
            )
            return declaration
        if existing.has_conflict == has_conflict and (
            not has_conflict or existing.statement == statement
        ):
            return existing
        if existing.has_conflict:
            raise DeclarationFinal(
                _("A declared conflict of interest cannot be withdrawn: you stay recused.")
            )
        # "No conflict" → "conflict": found later, recuses the member from here on.
        existing.has_conflict = True
        existing.statement = statement
        existing.revised_at = now
        existing.save(update_fields=["has_conflict", "statement", "revised_at"])
        record(
            "call.conflict_revised",
            call,
            by=by,
            before={"has_conflict": False, "declared_at": existing.declared_at},
            after={**facts, "has_conflict": True, "statement": statement},
        )
        return existing
