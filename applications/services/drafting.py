"""Drafting a bid: starting it, saving steps with optimistic locking per step, totals."""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _

from applications.exceptions import (
    ApplicationsError,
    EditConflict,
    NotEligible,
    SubmissionClosed,
)
from applications.models import (
    Bid,
    BudgetLine,
    Indicator,
    Organization,
    PlanActivity,
)
from applications.steps import STEP_KEYS
from audit.services import record
from competitions.models import Competition
from municipal_order.lib.actors import By, acting_user
from municipal_order.lib.clock import deciding_now

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


# The bid's repeating parts: related name → (model, fields). The models share no base
# that declares `objects`, hence type[Any].
COLLECTIONS: dict[str, tuple[type[Any], list[str]]] = {
    "budget_lines": (BudgetLine, LINE_FIELDS),
    "activities": (PlanActivity, ACTIVITY_FIELDS),
    "indicators": (Indicator, INDICATOR_FIELDS),
}


def eligibility_problems(call: Competition, organization: Organization) -> list[str]:
    found = []
    if organization.legal_form not in call.eligible_forms:
        found.append(_("This call does not admit applicants of this legal form."))
    if call.verified_only and not organization.is_verified:
        found.append(_("This call admits only organisations verified by a municipality."))
    if call.region_only and organization.region_id != call.municipality.region_id:
        found.append(_("This call admits only applicants registered in its region."))
    return found


def start_bid(call: Competition, organization: Organization, *, by: By) -> Bid:
    """The organisation's bid to the call: created as a draft on first use."""
    if not call.before_deadline(deciding_now()):
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
                    competition=call, organization=organization, updated_by=acting_user(by)
                )
        except IntegrityError:  # a colleague started it in the same instant
            return Bid.objects.get(competition=call, organization=organization)
        record("bid.started", bid, by=by, after={"call": call.pk, "organization": organization.pk})
    return bid


def lock_draft(bid: Bid) -> Bid:
    """The bid, locked, if it may still change: a draft of a call taking bids."""
    bid = (
        Bid.objects.select_for_update(of=("self",))
        .select_related("competition", "updated_by")
        .get(pk=bid.pk)
    )
    refuse_if_frozen(bid)
    return bid


def refuse_if_frozen(bid: Bid) -> None:
    if bid.status == Bid.Status.SUBMITTED:
        raise ApplicationsError(_("The bid is submitted. Withdraw it to change it."))
    if not bid.competition.before_deadline(deciding_now()):
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
    by: By,
    step: str | None = None,
    resolve: str = "",
    **collections: list[dict[str, Any]] | None,
) -> Bid:
    """Save the draft unless someone saved it since `expected_version`: no silent overwrite.

    With `step`, the version is that step's: colleagues filling in different
    steps at the same time do not disturb each other. Without it the version is
    the whole bid's, and the save counts as a change of every step.
    `collections` replace whole repeating parts (budget_lines, activities,
    indicators); a part not passed is left as it is.

    `resolve="mine"` is an editor who was shown a conflict choosing to replace the
    colleague's version: `expected_version` is then the version the conflict
    showed (EditConflict.version), so a save made after it is a new conflict. The
    audit row names the version replaced and who had saved it.
    """
    unknown = set(collections) - set(COLLECTIONS)
    if unknown:
        raise TypeError(f"unknown bid parts: {sorted(unknown)}")
    bid = lock_draft(bid)
    user = acting_user(by)
    last = bid.step_versions.get(step, {}) if step else {}
    if step_version(bid, step) != expected_version:
        raise edit_conflict(bid, step, by=by)
    for field in BID_FIELDS:
        if field in data:
            setattr(bid, field, data[field])
    now = timezone.now()
    for key in [step] if step else STEP_KEYS:
        bid.step_versions[key] = {
            "v": step_version(bid, key) + 1,
            "by": getattr(user, "full_name", "") or str(user),
            "uid": getattr(user, "pk", None),  # tells "you, in another tab" from a colleague
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
    after = {
        "version": bid.version,
        "step": step or "",
        "parts": sorted(k for k, v in collections.items() if v is not None),
    }
    before = None
    if resolve == "mine":
        # Someone was shown the colleague's version and chose to replace it.
        after["resolved_conflict"] = "mine"
        before = {"step_version": expected_version, "saved_by": last.get("by", "")}
    record("bid.saved", bid, by=by, before=before, after=after)
    return bid


BISHKEK = ZoneInfo("Asia/Bishkek")


def edit_conflict(bid: Bid, step: str | None, *, by: By) -> EditConflict:
    """The refusal of a stale save of `step`, saying plainly that nothing was saved, who
    saved the step last and when (in Bishkek time, whatever the server's zone)."""
    user = acting_user(by)
    last = bid.step_versions.get(step, {}) if step else {}
    at = datetime.datetime.fromisoformat(last["at"]) if last.get("at") else bid.updated_at
    if last.get("uid") is not None and last["uid"] == getattr(user, "pk", None):
        who = _("you, in another tab or window,")
    else:
        who = last.get("by") or (bid.updated_by.full_name if bid.updated_by else "")
        who = who or _("another member of the organisation")
    local = at.astimezone(BISHKEK)
    today = timezone.now().astimezone(BISHKEK).date()
    when = date_format(local, "H:i" if local.date() == today else "d.m.Y H:i")
    return EditConflict(
        _("Your changes were NOT saved: %(who)s saved this step at %(time)s (Bishkek time).")
        % {"who": who, "time": when},
        version=step_version(bid, step),
        who=who,
        at=at,
    )
