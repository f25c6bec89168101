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
from django.utils.translation import gettext_lazy

from applications.exceptions import (
    AlreadySubmitted,
    ApplicationsError,
    BidIncomplete,
    EditConflict,
    NotEligible,
    SubmissionClosed,
)
from applications.models import (
    Bid,
    BidDocument,
    BidSubmission,
    BudgetLine,
    Indicator,
    Organization,
    PlanActivity,
    SealBreak,
)
from applications.permissions import is_sealed
from audit.services import record
from competitions.calls import applicants_of
from competitions.models import Competition
from municipal_order.lib.clock import deciding_now
from municipal_order.lib.uploads import check_upload
from notifications.services import notify

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
ACTIVITY_FIELDS = ["activity", "starts_on", "ends_on", "responsible", "result"]
INDICATOR_FIELDS = ["name", "unit", "baseline", "target"]
# The bid's repeating parts: related name → (model, fields).
COLLECTIONS = {
    "budget_lines": (BudgetLine, LINE_FIELDS),
    "activities": (PlanActivity, ACTIVITY_FIELDS),
    "indicators": (Indicator, INDICATOR_FIELDS),
}

DOCUMENT_KINDS = ("pdf", "jpeg", "png", "docx", "xlsx")
DOCUMENT_MAX_MB = 20
DOCUMENTS_PER_BID = 20


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
    if not call.before_deadline():
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


def _lock_draft(bid: Bid) -> Bid:
    """The bid, locked, if it may still change: a draft of a call taking bids."""
    bid = (
        Bid.objects.select_for_update(of=("self",))
        .select_related("competition", "updated_by")
        .get(pk=bid.pk)
    )
    _refuse_if_frozen(bid)
    return bid


def _refuse_if_frozen(bid: Bid) -> None:
    if bid.status == Bid.Status.SUBMITTED:
        raise ApplicationsError(_("The bid is submitted. Withdraw it to change it."))
    if not bid.competition.before_deadline():
        raise SubmissionClosed(_("The deadline has passed: the bid can no longer be changed."))


def collection_rows(bid: Bid, name: str, objects=None) -> list[dict[str, Any]]:
    """A repeating part of the bid (or its already fetched `objects`) as `save_bid` rows."""
    fields = COLLECTIONS[name][1]
    objects = getattr(bid, name).all() if objects is None else objects
    return [{f: getattr(row, f) for f in fields} for row in objects]


def step_version(bid: Bid, step: str | None) -> int:
    """The version a form for `step` (or, without a step, for the whole bid) starts from."""
    if step is None:
        return bid.version
    return int(bid.step_versions.get(step, {}).get("v", 0))


@transaction.atomic
def save_bid(
    bid: Bid,
    *,
    data: dict[str, Any],
    expected_version: int,
    by: Any,
    step: str | None = None,
    **collections: list[dict[str, Any]] | None,
) -> Bid:
    """Save the draft unless someone saved it since `expected_version`: no silent overwrite.

    With `step`, the version is that step's: colleagues filling in different
    steps at the same time do not disturb each other. Without it the version is
    the whole bid's, and the save counts as a change of every step.
    `collections` replace whole repeating parts (budget_lines, activities,
    indicators); a part not passed is left as it is.
    """
    unknown = set(collections) - set(COLLECTIONS)
    if unknown:
        raise TypeError(f"unknown bid parts: {sorted(unknown)}")
    bid = _lock_draft(bid)
    if step_version(bid, step) != expected_version:
        last = bid.step_versions.get(step, {}) if step else {}
        who = last.get("by") or (bid.updated_by.full_name if bid.updated_by else "?")
        at = datetime.datetime.fromisoformat(last["at"]) if last.get("at") else bid.updated_at
        raise EditConflict(
            _("Changed by %(who)s at %(when)s. Reload to see their changes; yours are kept below.")
            % {"who": who, "when": date_format(timezone.localtime(at), "d.m.Y H:i")},
            version=step_version(bid, step),
        )
    for field in BID_FIELDS:
        if field in data:
            setattr(bid, field, data[field])
    user = _user(by)
    now = timezone.now()
    for key in [step] if step else STEP_KEYS:
        bid.step_versions[key] = {
            "v": step_version(bid, key) + 1,
            "by": getattr(user, "full_name", "") or str(user),
            "at": now.isoformat(),
        }
    bid.version += 1
    bid.updated_by = user
    bid.save()
    for related_name, rows in collections.items():
        if rows is None:
            continue
        model, fields = COLLECTIONS[related_name]
        getattr(bid, related_name).all().delete()
        model.objects.bulk_create(
            model(bid=bid, position=position, **{k: row[k] for k in fields})
            for position, row in enumerate(rows)
        )
    record(
        "bid.saved",
        bid,
        by=by,
        after={
            "version": bid.version,
            "step": step or "",
            "parts": sorted(k for k, v in collections.items() if v is not None),
        },
    )
    return bid


def add_document(bid: Bid, *, upload: Any, requirement: str, by: Any) -> BidDocument:
    """Attach a file to a draft: checked by content first, nothing stored if refused."""
    _refuse_if_frozen(bid)  # before reading 20 MB; checked again under the lock below
    checked = check_upload(upload, kinds=DOCUMENT_KINDS, max_mb=DOCUMENT_MAX_MB)
    if requirement and requirement not in bid.competition.required_document_list:
        raise ApplicationsError(_("Choose one of the call's required documents, or “Other”."))
    document = BidDocument(
        bid=bid,
        requirement=requirement,
        name=checked.display_name,
        kind=checked.kind,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=_user(by),
    )
    # The file goes to storage before the row: if the row is refused, the file is removed.
    # Only the extension of this name is used: files are stored as <uuid4>.<ext> (T37).
    document.file.save("upload" + checked.extension, upload, save=False)
    try:
        with transaction.atomic():
            locked = _lock_draft(bid)
            if locked.documents.current().count() >= DOCUMENTS_PER_BID:
                raise ApplicationsError(
                    _("A bid may have at most %(count)s files. Remove one to add another.")
                    % {"count": DOCUMENTS_PER_BID}
                )
            document.save()
            record(
                "bid.document_added",
                locked,
                by=by,
                after={
                    "document": str(document.pk),
                    "requirement": requirement,
                    "name": document.name,
                    "sha256": document.sha256,
                    "size": document.size,
                },
            )
    except BaseException:
        document.file.storage.delete(document.file.name)
        raise
    return document


@transaction.atomic
def remove_document(document: BidDocument, *, by: Any) -> None:
    """Take a file off the draft; the stored file stays for the record of earlier submissions."""
    bid = _lock_draft(document.bid)
    updated = BidDocument.objects.filter(pk=document.pk, removed_at__isnull=True).update(
        removed_at=timezone.now()
    )
    if updated:
        record(
            "bid.document_removed",
            bid,
            by=by,
            before={"document": str(document.pk), "name": document.name},
        )


class Step:
    """A page of the bid form."""

    def __init__(self, key: str, title: Any, fields: tuple[str, ...] = ()) -> None:
        self.key, self.title, self.fields = key, title, fields


STEPS = (
    Step("project", gettext_lazy("The project"), ("problem", "title", "summary")),
    Step(
        "goal",
        gettext_lazy("Goal and target group"),
        ("goal", "tasks", "target_group", "beneficiaries"),
    ),
    Step("plan", gettext_lazy("Calendar plan")),
    Step("results", gettext_lazy("Results and team"), ("team", "partners")),
    Step("budget", gettext_lazy("Budget")),
    Step("documents", gettext_lazy("Documents")),
)
STEP_KEYS = [step.key for step in STEPS]


def missing_by_step(bid: Bid) -> dict[str, list[str]]:
    """What still stops the bid from being submitted, per step, in the applicant's words."""
    call = bid.competition
    found: dict[str, list[str]] = {key: [] for key in STEP_KEYS}
    if not bid.problem_id:
        found["project"].append(_("Choose the problem the project addresses."))
    elif not call.problems.filter(pk=bid.problem_id).exists():
        found["project"].append(_("The chosen problem is not one of this call's problems."))
    for step, field, label in (
        ("project", "title", _("project title")),
        ("project", "summary", _("summary")),
        ("goal", "goal", _("goal")),
        ("goal", "tasks", _("tasks")),
        ("goal", "target_group", _("target group")),
    ):
        if not getattr(bid, field).strip():
            found[step].append(_("Fill in: %(field)s.") % {"field": label})
    if not bid.beneficiaries:
        found["goal"].append(_("Give the number of beneficiaries."))
    activities = list(bid.activities.all())
    if not activities:
        found["plan"].append(_("Add the activities of the calendar plan."))
    elif any(
        a.starts_on < call.implementation_start or a.ends_on > call.implementation_end
        for a in activities
    ):
        found["plan"].append(
            _("Activities must fall within the call's implementation period (%(start)s – %(end)s).")
            % {
                "start": date_format(call.implementation_start, "d.m.Y"),
                "end": date_format(call.implementation_end, "d.m.Y"),
            }
        )
    if not bid.indicators.exists():
        found["results"].append(_("Add at least one indicator with its baseline and target."))
    lines = list(bid.budget_lines.all())
    if not lines:
        found["budget"].append(_("Add the budget lines."))
    else:
        sums = totals(lines)
        if sums["requested"] > call.max_per_bid:
            found["budget"].append(_("The requested amount exceeds the call's maximum per bid."))
        if sums["own_pct"] < call.min_cofinancing_pct:
            found["budget"].append(
                _("Own contribution is %(share)s%%; the call requires at least %(min)s%%.")
                % {"share": sums["own_pct"], "min": call.min_cofinancing_pct}
            )
    attached = set(bid.documents.current().values_list("requirement", flat=True))
    for requirement in call.required_document_list:
        if requirement not in attached:
            found["documents"].append(
                _("Attach the required document: %(name)s.") % {"name": requirement}
            )
    return found


def missing_items(bid: Bid) -> list[str]:
    return [item for items in missing_by_step(bid).values() for item in items]


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


def submit_bid(bid: Bid, *, idempotency_key: str, by: Any) -> BidSubmission:
    """Submit the draft; the same key always returns the same receipt."""
    now = deciding_now()
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


def _after_submit(bid: Bid, submission: BidSubmission, by: Any) -> None:
    """Receipt PDF in the submitter's language and a notice to the organisation's editors.

    Both are queued on commit: a dead broker or mail server never fails the submission.
    """
    from documents.services import request_document

    user = _user(by)
    request_document("bid-receipt", submission, language=user.language, by=by)
    notify(
        _editors(bid),
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
        _editors(bid),
        "bid_withdrawn",
        {"call": bid.competition, "receipt": active.receipt_number, "by": _user(by)},
        url=f"/bids/{bid.pk}/",
    )
    return bid


@transaction.atomic
def discard_draft(bid: Bid, *, by: Any) -> None:
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
    transaction.on_commit(lambda: [storage.delete(name) for name in names])


@transaction.atomic
def reconfirm_bid(bid: Bid, *, by: Any) -> Bid:
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


def _editors(bid: Bid):
    """The people who can still act on a bid: its organisation's admins and editors."""
    from accounts.models import User

    return User.objects.filter(
        organization_roles__organization=bid.organization_id,
        organization_roles__role__in=["admin", "editor"],
    ).distinct()


REMIND_BEFORE = datetime.timedelta(hours=48)


def remind_unsubmitted(*, now: datetime.datetime | None = None) -> int:
    """Tell the editors of drafts whose deadline is less than 48 hours away. Once a bid.

    Safe to run often and from several workers: each bid is claimed by an update.
    """
    now = now or timezone.now()
    due = Bid.objects.filter(
        status=Bid.Status.DRAFT,
        reminded_at__isnull=True,
        competition__status=Competition.Status.PUBLISHED,
        competition__opens_at__lte=now,
        competition__closes_at__gt=now,
        competition__closes_at__lte=now + REMIND_BEFORE,
    ).select_related("competition", "organization")
    sent = 0
    for bid in due:
        with transaction.atomic():
            claimed = Bid.objects.filter(pk=bid.pk, reminded_at__isnull=True).update(
                reminded_at=now
            )
            if not claimed:
                continue
            notify(
                _editors(bid),
                "bid_deadline_reminder",
                {
                    "call": bid.competition,
                    "bid": bid,
                    "missing": len(missing_items(bid)),
                },
                url=f"/bids/{bid.pk}/",
            )
            sent += 1
    return sent


SEAL_REASON_MIN = 30


@transaction.atomic
def break_seal(call: Competition, *, reason: str, by: Any) -> SealBreak:
    """A site administrator opens a call's bids before the deadline.

    Only for a documented need (a court order, a suspected fraud); the reason is
    audited and shown on the public call page, and the applicants are told.
    """
    user = _user(by)
    if not user.is_superuser:
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
        url=f"/calls/{call.pk}/",
    )
