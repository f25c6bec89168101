"""Submitting a bid: sealed, with a receipt; withdrawing, re-confirming, discarding a draft.

The clock decides: a bid is accepted only while `opens_at <= now < closes_at` on the
server's clock; nothing the client sends (times, headers) is read. Every
submission freezes its content and SHA-256 in a `BidSubmission` row, and an
idempotency key makes a double click or a retry return the same receipt.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from decimal import Decimal
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _

from applications.budget import totals
from applications.exceptions import (
    AlreadySubmitted,
    ApplicationsError,
    BidIncomplete,
    SubmissionClosed,
)
from applications.models import (
    Bid,
    BidDocument,
    BidSubmission,
)
from applications.selectors import editors_of
from applications.services.drafting import BID_FIELDS, COLLECTIONS, collection_rows
from applications.steps import missing_items
from audit.services import record
from competitions.models import Competition
from municipal_order.lib.actors import By, acting_user
from municipal_order.lib.clock import deciding_now
from notifications.services import notify


def canonical_content(bid: Bid) -> dict[str, Any]:
    """Everything the bid says, as plain JSON: frozen on submission and hashed."""
    lines = list(bid.budget_lines.all())
    parts = {name: collection_rows(bid, name) for name in COLLECTIONS if name != "budget_lines"}
    parts["budget_lines"] = collection_rows(bid, "budget_lines", lines)  # fetched once
    documents = [
        {
            "id": str(d.pk),
            "requirement": d.requirement,
            "name": d.name,
            "kind": d.kind,
            "size": d.size,
            "sha256": d.sha256,
        }
        for d in bid.documents.current()
    ]
    return json.loads(
        json.dumps(
            {
                "bid": str(bid.pk),
                "call": bid.competition_id,
                "organization": {"id": bid.organization_id, "inn": bid.organization.inn},
                **{f: getattr(bid, f if f != "problem" else "problem_id") for f in BID_FIELDS},
                **parts,
                "documents": documents,
                "totals": totals(lines),
            },
            cls=DjangoJSONEncoder,
            sort_keys=True,
            ensure_ascii=False,
        )
    )


def content_hash(content: dict[str, Any]) -> str:
    payload = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()


def _closed_message(call: Competition, now: datetime.datetime) -> str:
    return _(
        "Bids are not accepted: the deadline was %(deadline)s (Bishkek, UTC+6). "
        "Server time: %(now)s."
    ) % {
        "deadline": date_format(timezone.localtime(call.closes_at), "d.m.Y H:i"),
        "now": date_format(timezone.localtime(now), "d.m.Y H:i:s"),
    }


def submit_bid(
    bid: Bid,
    *,
    idempotency_key: str,
    by: By,
    received_at: datetime.datetime | None = None,
) -> BidSubmission:
    """Submit the draft; the same key always returns the same receipt.

    `received_at` is when the request reached the portal on the deciding clock
    (`municipal_order.lib.clock.arrival_time`): a bid that arrived before the deadline
    is on time even if a busy server gets to it a moment later.
    """
    now = received_at or deciding_now()
    with transaction.atomic():
        # Only the bid's row: a plain FOR UPDATE over the join would also lock the call
        # and the organisation, and every submit to the call would wait for this one.
        bid = (
            Bid.objects.select_for_update(of=("self",))
            .select_related("competition", "organization")
            .get(pk=bid.pk)
        )
        repeat = bid.submissions.filter(idempotency_key=idempotency_key).first()
        if repeat is not None:
            return repeat
        call = bid.competition
        late = not call.accepts_bids(now)
        if not late:
            if bid.status == Bid.Status.SUBMITTED:
                raise AlreadySubmitted(_("The bid is already submitted."))
            missing = missing_items(bid)
            if missing:
                raise BidIncomplete(missing)
            content = canonical_content(bid)
            # Receipt numbers run per call; the call row serialises them, so it is locked
            # as late as possible: after the bid's checks and its frozen content.
            Competition.objects.select_for_update().filter(pk=call.pk).first()
            sequence = BidSubmission.objects.filter(bid__competition=call).count() + 1
            submission = BidSubmission.objects.create(
                bid=bid,
                receipt_number=f"{call.pk}-{sequence:04d}",
                idempotency_key=idempotency_key,
                submitted_at=now,
                submitted_by=acting_user(by),
                content=content,
                content_sha256=content_hash(content),
                requested_total=Decimal(content["totals"]["requested"]),
            )
            bid.status = Bid.Status.SUBMITTED
            # Submitted under the current conditions: nothing to re-confirm.
            bid.reconfirm_requested_at = bid.reconfirmed_at = None
            bid.save(
                update_fields=["status", "reconfirm_requested_at", "reconfirmed_at", "updated_at"]
            )
            _after_submit(bid, submission, by)
            record(
                "bid.submitted",
                bid,
                by=by,
                after={
                    "receipt": submission.receipt_number,
                    "sha256": submission.content_sha256,
                },
            )
            return submission
    # Too late: the refusal is recorded (in its own transaction), the draft is kept.
    with transaction.atomic():
        record("bid.late_submit_rejected", bid, by=by, after={"server_time": now})
    raise SubmissionClosed(_closed_message(bid.competition, now))


def _after_submit(bid: Bid, submission: BidSubmission, by: By) -> None:
    """Receipt PDF in the submitter's language and a notice to the organisation's editors.

    Both are queued on commit: a dead broker or mail server never fails the submission.
    """
    from documents.services import request_document

    user = acting_user(by)
    request_document("bid-receipt", submission, language=user.language, by=by)
    notify(
        editors_of(bid),
        "bid_submitted",
        {
            "receipt": submission.receipt_number,
            "call": bid.competition,
            "sha256": submission.content_sha256,
            "submitted_at": submission.submitted_at,
        },
        url=reverse("applications:receipt", args=[bid.pk, submission.pk]),
    )


@transaction.atomic
def withdraw_bid(bid: Bid, *, by: By) -> Bid:
    """Before the deadline: back to draft; the withdrawn submission stays on record."""
    bid = Bid.objects.select_for_update(of=("self",)).select_related("competition").get(pk=bid.pk)
    now = deciding_now()
    if not bid.competition.accepts_bids(now):
        raise SubmissionClosed(_closed_message(bid.competition, now))
    active = bid.submissions.filter(status=BidSubmission.Status.ACTIVE).first()
    if bid.status != Bid.Status.SUBMITTED or active is None:
        raise ApplicationsError(_("Only a submitted bid can be withdrawn."))
    active.status = BidSubmission.Status.WITHDRAWN
    active.withdrawn_at = now
    active.save(update_fields=["status", "withdrawn_at"])
    bid.status = Bid.Status.DRAFT
    bid.version += 1
    bid.save(update_fields=["status", "version", "updated_at"])
    record("bid.withdrawn", bid, by=by, after={"receipt": active.receipt_number})
    notify(
        editors_of(bid),
        "bid_withdrawn",
        {"call": bid.competition, "receipt": active.receipt_number, "by": acting_user(by)},
        url=reverse("applications:bid_detail", args=[bid.pk]),
    )
    return bid


@transaction.atomic
def discard_draft(bid: Bid, *, by: By) -> None:
    """Delete a draft that was never submitted, with its files (started by mistake)."""
    bid = Bid.objects.select_for_update(of=("self",)).get(pk=bid.pk)
    if bid.status != Bid.Status.DRAFT or bid.submissions.exists():
        raise ApplicationsError(
            _("A bid that was submitted stays on record; it cannot be deleted.")
        )
    names = [d.file.name for d in bid.documents.all()]
    storage = BidDocument._meta.get_field("file").storage
    record(
        "bid.discarded",
        bid,
        by=by,
        before={"title": bid.title, "call": bid.competition_id, "files": len(names)},
    )
    bid.delete()

    def delete_files() -> None:
        for name in names:
            storage.delete(name)

    transaction.on_commit(delete_files)


@transaction.atomic
def reconfirm_bid(bid: Bid, *, by: By) -> Bid:
    """After an amendment: the applicant confirms the submitted bid stands as it is."""
    bid = Bid.objects.select_for_update(of=("self",)).select_related("competition").get(pk=bid.pk)
    now = deciding_now()
    if not bid.competition.accepts_bids(now):
        raise SubmissionClosed(_closed_message(bid.competition, now))
    if not bid.needs_reconfirmation:
        raise ApplicationsError(_("There is nothing to confirm for this bid."))
    missing = missing_items(bid)
    if missing:
        raise BidIncomplete(
            [_("Under the amended conditions the bid cannot stand as it is:"), *missing]
        )
    bid.reconfirmed_at = now
    bid.save(update_fields=["reconfirmed_at", "updated_at"])
    record("bid.reconfirmed", bid, by=by, after={"requested_at": bid.reconfirm_requested_at})
    return bid
