"""Services for calls (competitions): drafting, announcing, amending, cancelling, Q&A.

Atomic, locked, audited; PDFs and notifications after commit.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from audit.services import record, snapshot
from competitions.exceptions import CallNotReady, CompetitionsError
from competitions.extensions import amendment_handlers
from competitions.models import (
    Amendment,
    CommissionInvitation,
    CommissionMember,
    Competition,
    Criterion,
    Municipality,
    PriorityProblem,
    Question,
)
from competitions.services.commission import pending_invitations, revoke_all, sync_invitations
from municipal_order.lib.actors import Actor, By, acting_user
from municipal_order.lib.clock import deciding_now

CALL_FIELDS = [
    "programme",
    "title",
    "goal",
    "tasks",
    "target_group",
    "sphere",
    "funding_source",
    "total_budget",
    "max_per_bid",
    "min_cofinancing_pct",
    "implementation_start",
    "implementation_end",
    "opens_at",
    "closes_at",
    "required_documents",
    "eligible_forms",
    "region_only",
    "verified_only",
    "pass_threshold",
    "appeal_days",
    "tie_break",
    "publish_member_scores",
    "quorum_pct",
    "civil_society_min_pct",
    "rule_set",
]

# The common criteria of local-initiative and social-order calls (shared/domain.md §2).
# Weights are a starting point the officer adjusts; the regulation fixes none.
COMMON_CRITERIA = [
    (gettext_lazy("Importance for the living standards of the target group"), 30),
    (gettext_lazy("Participation of citizens and the community"), 20),
    (gettext_lazy("Sustainability after the funding ends"), 20),
    (gettext_lazy("Justified, realistic budget"), 20),
    (gettext_lazy("Own contribution and other funds raised"), 10),
]


def _call_snapshot(call: Competition) -> dict[str, Any]:
    data = snapshot(call, [*CALL_FIELDS, "status"])
    data["criteria"] = [
        {"title": c.title, "weight": c.weight, "max_score": c.max_score}
        for c in call.criteria.all()
    ]
    data["commission"] = [
        {"user": m.user.email, "role": m.role, "affiliation": m.affiliation}
        for m in call.commission.select_related("user")
    ]
    data["commission_invitations"] = [
        {"email": i.email, "role": i.role, "affiliation": i.affiliation}
        for i in pending_invitations(call).order_by("email")
    ]
    data["problems"] = sorted(call.problems.values_list("pk", flat=True))
    return data


def _replace_children(
    call: Competition, criteria: list[dict], commission: list[dict], *, by: By
) -> None:
    call.criteria.all().delete()
    for position, item in enumerate(criteria):
        Criterion.objects.create(competition=call, position=position, **item)
    call.commission.all().delete()
    # A row with an account is a seat; an e-mail with none is an invitation to it.
    invited = []
    for item in commission:
        if item.get("user") is None:
            invited.append(item)
            continue
        CommissionMember.objects.create(
            competition=call,
            user=item["user"],
            role=item["role"],
            affiliation=item["affiliation"],
        )
    sync_invitations(call, invited, by=by)


@transaction.atomic
def save_draft(
    municipality: Municipality,
    *,
    call: Competition | None,
    data: dict[str, Any],
    problems: Any,
    criteria: list[dict],
    commission: list[dict],
    by: By,
) -> Competition:
    """Create a draft call or replace a draft's content (criteria and commission included)."""
    if call is not None:
        call = Competition.objects.select_for_update().get(pk=call.pk)
        if call.status != Competition.Status.DRAFT:
            raise CompetitionsError(_("An announced call changes only through a public amendment."))
        before = _call_snapshot(call)
    else:
        call = Competition(municipality=municipality, created_by=acting_user(by))
        before = None
    for field in CALL_FIELDS:
        if field in data:
            setattr(call, field, data[field])
    call.save()
    call.problems.set(problems)
    _replace_children(call, criteria, commission, by=by)
    after = _call_snapshot(call)
    if after != before:
        record(
            "call.created" if before is None else "call.updated",
            call,
            by=by,
            before=before,
            after=after,
        )
    return call


def publication_problems(call: Competition, now: datetime.datetime | None = None) -> list[str]:
    """Everything that stops the call from being announced, in words for the officer."""
    now = now or timezone.now()
    found = []
    criteria = list(call.criteria.all())
    if not criteria:
        found.append(_("Add at least one evaluation criterion."))
    elif sum(c.weight for c in criteria) != 100:
        found.append(
            _("The criteria weights add up to %(sum)s%%; they must add up to 100%%.")
            % {"sum": sum(c.weight for c in criteria)}
        )
    if call.closes_at <= now:
        found.append(_("The deadline must be in the future."))
    if call.opens_at >= call.closes_at:
        found.append(_("Bids must open before the deadline."))
    if call.implementation_start < timezone.localtime(call.closes_at).date():
        found.append(_("The implementation cannot start before the deadline for bids."))
    if call.max_per_bid > call.total_budget:
        found.append(_("The maximum per bid cannot exceed the total budget."))
    if not call.eligible_forms:
        found.append(_("Choose who may apply."))
    if not call.problems.exists():
        found.append(_("Link the call to at least one published priority problem."))
    if call.programme.municipality_id != call.municipality_id:
        found.append(_("The programme belongs to another municipality."))
    # Waiting invitations are planned seats: they count for the roles and the share
    # the officer is shaping, and the call waits until every seat is taken.
    invited = list(pending_invitations(call))
    if invited:
        found.append(
            ngettext(
                "%(n)d invited commission member has not taken the seat yet: "
                "the call is announced once every invitee has accepted.",
                "%(n)d invited commission members have not taken their seats yet: "
                "the call is announced once every invitee has accepted.",
                len(invited),
            )
            % {"n": len(invited)}
        )
    members: list[CommissionMember | CommissionInvitation] = [*call.commission.all(), *invited]
    roles = [m.role for m in members]
    if CommissionMember.Role.CHAIR not in roles:
        found.append(_("Appoint the chair of the commission."))
    if CommissionMember.Role.SECRETARY not in roles:
        found.append(_("Appoint the secretary of the commission."))
    if members:
        civil = sum(m.affiliation == CommissionMember.Affiliation.CIVIL_SOCIETY for m in members)
        share = Decimal(civil * 100) / len(members)
        if share < call.civil_society_min_pct:
            found.append(
                _(
                    "Civil society holds %(share)s%% of the commission seats; "
                    "this call requires at least %(min)s%%."
                )
                % {"share": round(share), "min": call.civil_society_min_pct}
            )
    return found


def publish_call(call: Competition, *, by: By, now: datetime.datetime | None = None) -> Competition:
    """Announce a draft. `now` lets an import record a call announced in the past."""
    from documents.services import request_document

    with transaction.atomic():
        call = Competition.objects.select_for_update().get(pk=call.pk)
        if call.status != Competition.Status.DRAFT:
            raise CompetitionsError(_("Only a draft call can be announced."))
        problems = publication_problems(call, now)
        if problems:
            raise CallNotReady(problems)
        call.publish(now)
        call.save(update_fields=["status", "published_at", "updated_at"])
        call.problems.filter(status=PriorityProblem.Status.PUBLISHED).update(
            status=PriorityProblem.Status.IN_CALL
        )
        record("call.published", call, by=by, after=_call_snapshot(call))
        # The announcement in both state languages, ready for the public page.
        for language in ("ru", "ky"):
            request_document(
                "call-announcement", call, language=language, by=Actor.system("announcement")
            )
    return call


@transaction.atomic
def cancel_call(call: Competition, *, reason: str, by: By) -> Competition:
    call = Competition.objects.select_for_update().get(pk=call.pk)
    before = {"status": call.status}
    call.cancel(reason)
    call.save(update_fields=["status", "cancelled_at", "cancel_reason", "updated_at"])
    revoke_all(call, by=by)
    record(
        "call.cancelled",
        call,
        by=by,
        before=before,
        after={"status": call.status, "reason": reason},
    )
    return call


AMENDABLE = ["total_budget", "max_per_bid", "closes_at"]
# With bids prepared, an amendment leaves applicants at least this long.
BIDDERS_GRACE = datetime.timedelta(days=7)


@transaction.atomic
def amend_call(call: Competition, *, reason: str, changes: dict[str, Any], by: By) -> Amendment:
    """Change budget or deadline of an announced call, as a public amendment."""
    call = Competition.objects.select_for_update().get(pk=call.pk)
    now = deciding_now()
    if not call.before_deadline(now):
        raise CompetitionsError(_("Only an announced call before its deadline can be amended."))
    before = snapshot(call, AMENDABLE)
    for field, value in changes.items():
        if field not in AMENDABLE:
            raise CompetitionsError(f"{field} cannot be amended")
        if value is not None:
            if field in {"total_budget", "max_per_bid"}:
                value = Decimal(value).quantize(Decimal("0.01"))
            setattr(call, field, value)
    if call.max_per_bid > call.total_budget:
        raise CompetitionsError(_("The maximum per bid cannot exceed the total budget."))
    if call.closes_at <= now:
        raise CompetitionsError(_("The deadline must be in the future."))
    # Whoever prepares a bid under the old conditions gets at least a week to adapt it.
    # The same for every amended call, with or without bids: an extension that came
    # only with bids would tell everyone that somebody is preparing one.
    earliest = now + BIDDERS_GRACE
    if call.closes_at < earliest:
        call.closes_at = earliest
    after = snapshot(call, AMENDABLE)
    diff = {k: {"before": before[k], "after": after[k]} for k in AMENDABLE if before[k] != after[k]}
    if not diff:
        raise CompetitionsError(_("The amendment changes nothing."))
    call.save(update_fields=[*AMENDABLE, "updated_at"])
    amendment = Amendment.objects.create(
        competition=call, created_by=acting_user(by), reason=reason, changes=diff
    )
    facts: dict[str, Any] = {}
    for handler in amendment_handlers():
        facts.update(handler.amended(call, amendment, by))
    record("call.amended", call, by=by, before=before, after={**after, "reason": reason, **facts})
    return amendment


@transaction.atomic
def ask_question(call: Competition, *, user: Any, text: str) -> Question:
    if not call.before_deadline(deciding_now()):
        raise CompetitionsError(_("Questions are taken until the deadline."))
    question = Question.objects.create(competition=call, asked_by=user, text=text.strip())
    # The row keeps who asked (accountability); pages show it without the name, as the
    # public Q&A does: before the deadline a name would reveal a likely applicant.
    record("call.question_asked", call, by=user, after={"question": question.pk, "anonymous": True})
    return question


@transaction.atomic
def answer_question(question: Question, *, text: str, by: By) -> Question:
    question = Question.objects.select_for_update().get(pk=question.pk)
    before = {"answer": question.answer}
    question.answer = text.strip()
    question.answered_at = timezone.now()
    question.answered_by = acting_user(by)
    question.save(update_fields=["answer", "answered_at", "answered_by"])
    record(
        "call.question_answered",
        question.competition,
        by=by,
        before=before,
        after={"question": question.pk, "answer": question.answer},
    )
    return question
