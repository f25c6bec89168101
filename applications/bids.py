"""Bids: drafting with optimistic locking, sealed submission with receipts, withdrawal.

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
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _

from applications.exceptions import (
    AlreadySubmitted,
    ApplicationsError,
    BidIncomplete,
    EditConflict,
    NotEligible,
    SubmissionClosed,
)
from applications.models import Bid, BidSubmission, BudgetLine, Organization
from audit.services import record
from competitions.models import Competition

BID_FIELDS = [
    "problem",
    "title",
    "summary",
    "goal",
    "tasks",
    "target_group",
    "beneficiaries",
    "team",
    "partners",
]
LINE_FIELDS = [
    "category",
    "item",
    "unit",
    "quantity",
    "unit_cost",
    "own_contribution",
    "other_sources",
]


def eligibility_problems(call: Competition, organization: Organization) -> list[str]:
    found = []
    if organization.legal_form not in call.eligible_forms:
        found.append(_("This call does not admit applicants of this legal form."))
    if call.verified_only and not organization.is_verified:
        found.append(_("This call admits only organisations verified by a municipality."))
    if call.region_only and organization.region_id != call.municipality.region_id:
        found.append(_("This call admits only applicants registered in its region."))
    return found


def start_bid(call: Competition, organization: Organization, *, by: Any) -> Bid:
    """The organisation's bid to the call: created as a draft on first use."""
    if call.phase() not in {"upcoming", "accepting"}:
        raise SubmissionClosed(_("This call does not take bids now."))
    problems = eligibility_problems(call, organization)
    if problems:
        raise NotEligible(" ".join(problems))
    with transaction.atomic():
        existing = Bid.objects.filter(competition=call, organization=organization).first()
        if existing:
            return existing
        try:
            with transaction.atomic():
                bid = Bid.objects.create(
                    competition=call, organization=organization, updated_by=_user(by)
                )
        except IntegrityError:  # a colleague started it in the same instant
            return Bid.objects.get(competition=call, organization=organization)
        record("bid.started", bid, by=by, after={"call": call.pk, "organization": organization.pk})
    return bid


def _user(by: Any) -> Any:
    return getattr(by, "user", by)


def totals(lines: list[BudgetLine] | Any) -> dict[str, Decimal]:
    lines = list(lines)
    total = sum((line.total for line in lines), Decimal("0"))
    own = sum((line.own_contribution for line in lines), Decimal("0"))
    other = sum((line.other_sources for line in lines), Decimal("0"))
    requested = sum((line.requested for line in lines), Decimal("0"))
    share = (own * 100 / total).quantize(Decimal("0.1")) if total else Decimal("0")
    return {"total": total, "own": own, "other": other, "requested": requested, "own_pct": share}


@transaction.atomic
def save_bid(
    bid: Bid,
    *,
    data: dict[str, Any],
    budget_lines: list[dict[str, Any]],
    expected_version: int,
    by: Any,
) -> Bid:
    """Save the draft unless someone saved it since `expected_version`: no silent overwrite."""
    bid = (
        Bid.objects.select_for_update(of=("self",))
        .select_related("competition", "updated_by")
        .get(pk=bid.pk)
    )
    if bid.version != expected_version:
        who = bid.updated_by.full_name if bid.updated_by else "?"
        when = date_format(timezone.localtime(bid.updated_at), "d.m.Y H:i")
        raise EditConflict(
            _("Changed by %(who)s at %(when)s. Reload to see their changes; yours are kept below.")
            % {"who": who, "when": when},
            version=bid.version,
        )
    if bid.status == Bid.Status.SUBMITTED:
        raise ApplicationsError(_("The bid is submitted. Withdraw it to change it."))
    if bid.competition.phase() not in {"upcoming", "accepting"}:
        raise SubmissionClosed(_("The deadline has passed: the bid can no longer be changed."))
    for field in BID_FIELDS:
        if field in data:
            setattr(bid, field, data[field])
    bid.version += 1
    bid.updated_by = _user(by)
    bid.save()
    bid.budget_lines.all().delete()
    for position, line in enumerate(budget_lines):
        BudgetLine.objects.create(bid=bid, position=position, **{k: line[k] for k in LINE_FIELDS})
    record("bid.saved", bid, by=by, after={"version": bid.version})
    return bid


def missing_items(bid: Bid) -> list[str]:
    """What still stops the bid from being submitted, in the applicant's words."""
    call = bid.competition
    found = []
    if not bid.problem_id:
        found.append(_("Choose the problem the project addresses."))
    elif not call.problems.filter(pk=bid.problem_id).exists():
        found.append(_("The chosen problem is not one of this call's problems."))
    for field, label in (
        ("title", _("project title")),
        ("summary", _("summary")),
        ("goal", _("goal")),
        ("tasks", _("tasks")),
        ("target_group", _("target group")),
    ):
        if not getattr(bid, field).strip():
            found.append(_("Fill in: %(field)s.") % {"field": label})
    lines = list(bid.budget_lines.all())
    if not lines:
        found.append(_("Add the budget lines."))
    else:
        sums = totals(lines)
        if sums["requested"] > call.max_per_bid:
            found.append(_("The requested amount exceeds the call's maximum per bid."))
        if sums["own_pct"] < call.min_cofinancing_pct:
            found.append(
                _("Own contribution is %(share)s%%; the call requires at least %(min)s%%.")
                % {"share": sums["own_pct"], "min": call.min_cofinancing_pct}
            )
    return found


def canonical_content(bid: Bid) -> dict[str, Any]:
    lines = list(bid.budget_lines.all())
    return json.loads(
        json.dumps(
            {
                "bid": str(bid.pk),
                "call": bid.competition_id,
                "organization": {"id": bid.organization_id, "inn": bid.organization.inn},
                **{f: getattr(bid, f if f != "problem" else "problem_id") for f in BID_FIELDS},
                "budget_lines": [{f: getattr(line, f) for f in LINE_FIELDS} for line in lines],
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


def submit_bid(bid: Bid, *, idempotency_key: str, by: Any) -> BidSubmission:
    """Submit the draft; the same key always returns the same receipt."""
    now = timezone.now()
    with transaction.atomic():
        bid = (
            Bid.objects.select_for_update()
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
            # Receipt numbers run per call; the call row serialises them.
            Competition.objects.select_for_update().filter(pk=call.pk).first()
            sequence = BidSubmission.objects.filter(bid__competition=call).count() + 1
            content = canonical_content(bid)
            submission = BidSubmission.objects.create(
                bid=bid,
                receipt_number=f"{call.pk}-{sequence:04d}",
                idempotency_key=idempotency_key,
                submitted_at=now,
                submitted_by=_user(by),
                content=content,
                content_sha256=content_hash(content),
                requested_total=Decimal(content["totals"]["requested"]),
            )
            bid.status = Bid.Status.SUBMITTED
            bid.save(update_fields=["status", "updated_at"])
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


def _after_submit(bid: Bid, submission: BidSubmission, by: Any) -> None:
    """Receipt PDF in the submitter's language and a notice to the organisation's editors.

    Both are queued on commit: a dead broker or mail server never fails the submission.
    """
    from accounts.models import User
    from documents.services import request_document
    from notifications.services import notify

    user = _user(by)
    request_document("bid-receipt", submission, language=user.language, by=by)
    editors = User.objects.filter(
        organization_roles__organization=bid.organization,
        organization_roles__role__in=["admin", "editor"],
    ).distinct()
    notify(
        editors,
        "bid_submitted",
        {
            "receipt": submission.receipt_number,
            "call": bid.competition,
            "sha256": submission.content_sha256,
            "submitted_at": submission.submitted_at,
        },
        url=f"/bids/{bid.pk}/receipts/{submission.pk}/",
    )


@transaction.atomic
def withdraw_bid(bid: Bid, *, by: Any) -> Bid:
    """Before the deadline: back to draft; the withdrawn submission stays on record."""
    bid = Bid.objects.select_for_update(of=("self",)).select_related("competition").get(pk=bid.pk)
    now = timezone.now()
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
    return bid
