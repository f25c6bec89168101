"""How evaluation shows itself on the pages of competitions and applications
(registered in `ready()`): the admission panel on the officer's call page, the
public admission results on the call page, the decision and clarifications on the
bid's page, the officer's tasks; the commission's declarations and quorum on the
officer's call page, the officer's tasks and a member's signed-in home."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from accounts.extensions import DASHBOARD
from applications.extensions import BID_PAGE
from applications.models import Bid, BidSubmission
from applications.permissions import WRITE_ROLES
from competitions import extensions
from competitions.models import CommissionMember, Competition, Municipality
from competitions.phases import Phase
from evaluation.forms import AnswerForm, AppealForm
from evaluation.models import (
    Admission,
    Appeal,
    BidResult,
    CallEvaluation,
    ConfidentialityDeclaration,
    ConflictDeclaration,
    ScoreSheet,
)
from evaluation.selectors import (
    active_submissions,
    answers_to_read,
    awaiting_decision,
    count_decisions,
    decision_of,
    quorum_shortfalls,
    quorum_summary,
)
from municipal_order.lib.attention import Task, TaskProvider
from municipal_order.lib.panels import Panel
from notifications import events
from notifications.models import Category

Decision = Admission.Decision


def admission_url(call: Competition) -> str:
    return reverse("evaluation:admission", args=[call.municipality.code, call.pk])


def call_manage_panel(request: HttpRequest, call: Competition) -> dict[str, Any] | None:
    """Admission on the officer's call page: the counts and a link to the full list."""
    phase = call.phase
    if not phase.is_closed:
        return None
    counts = count_decisions(list(active_submissions(call)))
    return {"counts": counts, "url": admission_url(call), "phase": phase}


def call_page_panel(request: HttpRequest, call: Competition) -> dict[str, Any] | None:
    """Admission results are public after the deadline: who applied, for what and how
    much, admitted or not and why (the reason from the list; the explanation stays
    between the municipality and the applicant)."""
    if not call.phase.is_closed:
        return None
    rows = []
    for s in active_submissions(call):
        decision = decision_of(s)
        rows.append(
            {
                "organization": s.bid.organization.name,
                "title": s.content.get("title", ""),
                "requested": s.requested_total,
                # A question to the applicant is between them: the public sees "being checked".
                "decision": decision if decision in Admission.FINAL else Decision.PENDING,
                "reason": s.admission.get_reason_display() if decision == "not_admitted" else "",
            }
        )
    return {"rows": rows}


def bid_page_panel(request: HttpRequest, bid: Bid) -> dict[str, Any] | None:
    """On the bid's page: the admission decision and the clarification requests, with
    the answer form for the organisation's editors while a request is open."""
    if bid.status != Bid.Status.SUBMITTED or not bid.competition.phase.is_closed:
        return None
    submission = (
        BidSubmission.objects.filter(bid=bid, status=BidSubmission.Status.ACTIVE)
        .select_related("admission")
        .prefetch_related("clarifications__files")
        .first()
    )
    if submission is None:
        return None
    admission = getattr(submission, "admission", None)
    clarifications = list(submission.clarifications.all())
    now = timezone.now()
    open_request = next((c for c in clarifications if c.open_at(now)), None)
    can_answer = bid.member_role in WRITE_ROLES and open_request is not None
    return {
        "submission": submission,
        "admission": admission,
        "decision": decision_of(submission),
        "clarifications": clarifications,
        "open_request": open_request,
        "answer_form": AnswerForm() if can_answer else None,
        "is_member": bid.member_role is not None,
        "now": now,
    }


def call_page_results_panel(request: HttpRequest, call: Competition) -> dict[str, Any] | None:
    """On the public call page after admission: where the commission stands, and once
    published the selection at a glance with the link to the full results. Nothing of
    a score before publication (T9)."""
    phase = call.phase
    if not (phase.scoring or phase.deliberation or phase.results_published or phase.is_final):
        return None
    if not (phase.results_published or phase.is_final):
        return {"phase": phase}
    evaluation = CallEvaluation.objects.filter(competition=call).first()
    if evaluation is None:
        return None
    selected = list(
        evaluation.results.filter(status=BidResult.Status.SELECTED)
        .select_related("submission__bid__organization")
        .order_by("rank")
    )
    return {
        "phase": phase,
        "evaluation": evaluation,
        "selected": selected,
        "url": reverse("evaluation:results", args=[call.pk]),
        "appeal_open": call.appeal_window_open(timezone.now()),
    }


def bid_page_result_panel(request: HttpRequest, bid: Bid) -> dict[str, Any] | None:
    """The bid's published result on its page: score, rank, result, amount. Before
    publication only "being scored": no per-member score, comment or sheet event (T9)."""
    phase = bid.competition.phase
    if bid.status != Bid.Status.SUBMITTED or not (
        phase.scoring or phase.deliberation or phase.results_published or phase.is_final
    ):
        return None
    submission = (
        BidSubmission.objects.filter(
            bid=bid,
            status=BidSubmission.Status.ACTIVE,
            admission__decision=Decision.ADMITTED,
        )
        .select_related("result__evaluation")
        .first()
    )
    if submission is None:
        return None
    published = phase.results_published or phase.is_final
    result = getattr(submission, "result", None) if published else None
    appeals = list(submission.appeals.prefetch_related("files")) if published else []
    may_appeal = (
        result is not None
        and bid.member_role in WRITE_ROLES
        and bid.competition.appeal_window_open(timezone.now())
        and not any(a.status == Appeal.Status.PENDING for a in appeals)
    )
    return {
        "phase": phase,
        "result": result,
        "appeals": appeals,
        "appeal_form": AppealForm() if may_appeal else None,
        "results_url": reverse("evaluation:results", args=[bid.competition_id])
        if published
        else "",
    }


def _single_call_url(municipality: Municipality, call_ids: set[int]) -> str:
    if len(call_ids) == 1:
        return reverse("evaluation:admission", args=[municipality.code, call_ids.pop()])
    return reverse("competitions:workspace_calls", args=[municipality.code])


def bids_to_admit(request: HttpRequest, municipality: Municipality) -> Task | None:
    waiting = awaiting_decision(municipality.pk, timezone.now())
    calls = set(waiting.values_list("bid__competition_id", flat=True))
    n = waiting.count()
    label = ngettext(
        "%(n)d bid awaits an admission decision",
        "%(n)d bids await an admission decision",
        n,
    ) % {"n": n}
    return Task("bids_to_admit", label, n, _single_call_url(municipality, calls))


def answers_arrived(request: HttpRequest, municipality: Municipality) -> Task | None:
    answered = answers_to_read(municipality.pk, timezone.now())
    calls = set(answered.values_list("bid__competition_id", flat=True))
    n = answered.count()
    label = ngettext(
        "%(n)d clarification answer arrived",
        "%(n)d clarification answers arrived",
        n,
    ) % {"n": n}
    return Task("clarification_answers", label, n, _single_call_url(municipality, calls))


def commission_panel(request: HttpRequest, user: Any) -> dict[str, Any] | None:
    """The signed-in home of a commission's secretary or chair: calls in admission."""
    seats = (
        CommissionMember.objects.filter(
            user=user, role__in=[CommissionMember.Role.SECRETARY, CommissionMember.Role.CHAIR]
        )
        .filter(competition__in=Competition.objects.in_phase(Phase.CLOSED))
        .select_related("competition__municipality")
    )
    calls = [{"call": s.competition, "url": admission_url(s.competition)} for s in seats]
    return {"calls": calls} if calls else None


def call_commission_panel(request: HttpRequest, call: Competition) -> dict[str, Any] | None:
    """On the officer's call page while the commission scores: who signed the
    confidentiality declaration, and the bids short of a quorum after recusals."""
    if not call.phase.scoring:
        return None
    return {
        "seats": call.commission.count(),
        "signed": ConfidentialityDeclaration.objects.filter(seat__competition=call).count(),
        "quorum": quorum_summary(call),
    }


def bids_without_quorum(request: HttpRequest, municipality: Municipality) -> Task | None:
    """Bids of the municipality's calls in scoring left without a quorum by recusals."""
    short = quorum_shortfalls(
        Competition.objects.in_phase(Phase.SCORING).filter(municipality=municipality)
    )
    n = sum(len(bids) for bids in short.values())
    label = ngettext(
        "%(n)d bid lacks a quorum after recusals",
        "%(n)d bids lack a quorum after recusals",
        n,
    ) % {"n": n}
    if len(short) == 1:
        url = reverse("competitions:call_manage", args=[municipality.code, next(iter(short))])
    else:
        url = reverse("competitions:workspace_calls", args=[municipality.code])
    return Task("bids_without_quorum", label, n, url)


def commission_work_panel(request: HttpRequest, user: Any) -> dict[str, Any] | None:
    """The signed-in home of a commission member: per call past its deadline, what is
    left to do (sign the confidentiality declaration, declare on N bids) and, for the
    chair, the bids short of a quorum. A fixed number of queries for any number of seats."""
    from django.db.models import Count

    seats = list(
        CommissionMember.objects.filter(
            user=user,
            competition__in=Competition.objects.in_phase(
                Phase.CLOSED, Phase.SCORING, Phase.DELIBERATION, Phase.RESULTS
            ),
        )
        .select_related("competition__municipality", "confidentiality")
        .order_by("competition__closes_at", "competition_id")
    )
    if not seats:
        return None
    scoring = [s.competition_id for s in seats if s.competition.phase.scoring]
    admitted = dict(
        BidSubmission.objects.filter(
            bid__competition__in=scoring,
            status=BidSubmission.Status.ACTIVE,
            admission__decision=Decision.ADMITTED,
        )
        .values_list("bid__competition_id")
        .annotate(n=Count("id"))
    )
    declared = dict(
        ConflictDeclaration.objects.filter(
            seat__in=[s.pk for s in seats], submission__status=BidSubmission.Status.ACTIVE
        )
        .values_list("seat_id")
        .annotate(n=Count("id"))
    )
    submitted = dict(
        ScoreSheet.objects.filter(
            seat__in=[s.pk for s in seats],
            submitted_at__isnull=False,
            submission__status=BidSubmission.Status.ACTIVE,
        )
        .values_list("seat_id")
        .annotate(n=Count("id"))
    )
    recused = dict(
        ConflictDeclaration.objects.filter(
            seat__in=[s.pk for s in seats],
            has_conflict=True,
            submission__status=BidSubmission.Status.ACTIVE,
        )
        .values_list("seat_id")
        .annotate(n=Count("id"))
    )
    # After the results: sheets an upheld appeal reopened, and appeals to decide.
    rescore = dict(
        ScoreSheet.objects.filter(
            seat__in=[s.pk for s in seats], reopened_at__isnull=False, submitted_at__isnull=True
        )
        .values_list("seat_id")
        .annotate(n=Count("id"))
    )
    pending = dict(
        Appeal.objects.filter(
            submission__bid__competition__in=[s.competition_id for s in seats],
            status=Appeal.Status.PENDING,
        )
        .values_list("submission__bid__competition_id")
        .annotate(n=Count("id"))
    )
    chaired = [
        s.competition_id
        for s in seats
        if s.role == CommissionMember.Role.CHAIR and s.competition_id in scoring
    ]
    short = quorum_shortfalls(Competition.objects.filter(pk__in=chaired)) if chaired else {}
    items = []
    for seat in seats:
        call = seat.competition
        in_scoring = call.pk in scoring
        leads = seat.role in {CommissionMember.Role.CHAIR, CommissionMember.Role.SECRETARY}
        appeals = pending.get(call.pk, 0) if leads else 0
        if call.phase.results_published and not (rescore.get(seat.pk) or appeals):
            continue  # the results are out and nothing waits for this member
        items.append(
            {
                "call": call,
                "url": reverse("evaluation:deliberation", args=[call.pk]) + "#appeals"
                if appeals
                else reverse("evaluation:commission_call", args=[call.pk]),
                "sign": getattr(seat, "confidentiality", None) is None,
                "scoring": in_scoring,
                "to_declare": admitted.get(call.pk, 0) - declared.get(seat.pk, 0)
                if in_scoring
                else 0,
                "lacking": len(short.get(call.pk, [])),
                # Bids declared on without conflict whose sheet is not submitted yet.
                "to_score": admitted.get(call.pk, 0)
                - recused.get(seat.pk, 0)
                - submitted.get(seat.pk, 0)
                if in_scoring
                else 0,
                "deliberation": call.phase.deliberation,
                "leads": leads,
                "rescore": rescore.get(seat.pk, 0),
                "appeals": appeals,
            }
        )
    return {"items": items} if items else None


def register() -> None:
    events.register(
        events.Event("admission_decided", Category.EVALUATION),
        events.Event("clarification_requested", Category.EVALUATION),
        events.Event("clarification_answered", Category.EVALUATION),
        events.Event("results_published", Category.EVALUATION),
        events.Event("appeal_filed", Category.EVALUATION),
        events.Event("appeal_decided", Category.EVALUATION),
        events.Event("rescoring_requested", Category.EVALUATION),
    )
    extensions.CALL_PAGE.register(
        Panel(
            "results",
            "evaluation/panels/_call_page_results.html",
            call_page_results_panel,
            order=19,
        )
    )
    BID_PAGE.register(
        Panel("result", "evaluation/panels/_bid_page_result.html", bid_page_result_panel, order=9)
    )
    extensions.CALL_MANAGE.register(
        Panel("admission", "evaluation/panels/_call_manage.html", call_manage_panel, order=20)
    )
    extensions.CALL_PAGE.register(
        Panel("admission", "evaluation/panels/_call_page.html", call_page_panel, order=20)
    )
    BID_PAGE.register(
        Panel("admission", "evaluation/panels/_bid_page.html", bid_page_panel, order=10)
    )
    extensions.NEEDS_ATTENTION.register(TaskProvider("bids_to_admit", bids_to_admit, order=15))
    extensions.NEEDS_ATTENTION.register(
        TaskProvider("clarification_answers", answers_arrived, order=16)
    )
    extensions.CALL_MANAGE.register(
        Panel(
            "commission",
            "evaluation/panels/_call_manage_commission.html",
            call_commission_panel,
            order=21,
        )
    )
    extensions.NEEDS_ATTENTION.register(
        TaskProvider("bids_without_quorum", bids_without_quorum, order=17)
    )
    DASHBOARD.register(
        Panel(
            "commission_work",
            "evaluation/panels/_dashboard_commission.html",
            commission_work_panel,
            order=14,
        )
    )
    DASHBOARD.register(
        Panel(
            "commission_admission", "evaluation/panels/_dashboard.html", commission_panel, order=15
        )
    )
