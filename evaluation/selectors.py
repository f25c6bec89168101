"""Read queries the services, views and panels share: a call's admission at a glance,
the commission's declarations and quorum, the sheets and the candidates for ranking."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Prefetch, Q, QuerySet

from applications.models import BidSubmission
from competitions.models import Competition
from evaluation import scoring
from evaluation.models import (
    Admission,
    BidResult,
    ClarificationRequest,
    ConflictDeclaration,
    Score,
    ScoreSheet,
)

Decision = Admission.Decision


def active_submissions(call: Competition) -> QuerySet[BidSubmission]:
    """The call's submitted bids as the commission evaluates them: one active submission
    each, with organisation, admission and clarifications (a fixed number of queries)."""
    clarifications = ClarificationRequest.objects.select_related(
        "asked_by", "answered_by"
    ).prefetch_related("files")
    return (
        BidSubmission.objects.filter(bid__competition=call, status=BidSubmission.Status.ACTIVE)
        .select_related("bid__organization", "admission__decided_by")
        .prefetch_related(Prefetch("clarifications", queryset=clarifications))
        .order_by("submitted_at", "receipt_number")
    )


def decision_of(submission: BidSubmission) -> str:
    admission = getattr(submission, "admission", None)
    return admission.decision if admission is not None else Decision.PENDING


@dataclass(frozen=True)
class Counts:
    total: int
    admitted: int
    not_admitted: int
    pending: int  # no decision yet, or an answer came back to decide on
    clarification: int  # asked, the applicant has not answered
    answered: int  # clarification answered, decision to take

    @property
    def decided(self) -> int:
        return self.admitted + self.not_admitted


def count_decisions(submissions: list[BidSubmission]) -> Counts:
    decisions = [decision_of(s) for s in submissions]
    waiting = {
        s.pk for s in submissions if any(c.closed_at is None for c in s.clarifications.all())
    }
    answered = sum(
        1
        for s, d in zip(submissions, decisions, strict=True)
        if d == Decision.CLARIFICATION and s.pk not in waiting
    )
    return Counts(
        total=len(submissions),
        admitted=decisions.count(Decision.ADMITTED),
        not_admitted=decisions.count(Decision.NOT_ADMITTED),
        pending=decisions.count(Decision.PENDING) + answered,
        clarification=len(waiting),
        answered=answered,
    )


def scoring_problems(call: Competition, counts: Counts | None = None) -> list[str]:
    """Every reason scoring cannot open yet (empty: it can); `counts` when the caller
    has them already."""
    from django.utils.translation import gettext as _
    from django.utils.translation import ngettext

    if counts is None:
        counts = count_decisions(list(active_submissions(call)))
    found = []
    if not counts.total:
        found.append(_("No bid was submitted: there is nothing to score."))
    undecided = counts.total - counts.decided - counts.clarification
    if undecided:
        found.append(
            ngettext(
                "%(n)d bid awaits an admission decision.",
                "%(n)d bids await an admission decision.",
                undecided,
            )
            % {"n": undecided}
        )
    if counts.clarification:
        found.append(
            ngettext(
                "%(n)d clarification request is still open.",
                "%(n)d clarification requests are still open.",
                counts.clarification,
            )
            % {"n": counts.clarification}
        )
    if counts.total and not found and not counts.admitted:
        found.append(_("No bid is admitted: there is nothing to score."))
    return found


def members_of_organization(organization_id: int) -> list:
    """Everyone in the applicant organisation (viewers too): they hear the decision."""
    return list(
        get_user_model()
        .objects.filter(organization_roles__organization=organization_id, is_active=True)
        .distinct()
    )


def awaiting_decision(municipality_id: int, now) -> QuerySet[BidSubmission]:
    """Active submissions to calls in admission with no decision taken and no question
    waiting for the applicant (answered clarifications are counted apart)."""
    from competitions.phases import Phase, phase_q

    return BidSubmission.objects.filter(
        phase_q(Phase.CLOSED, now=now, prefix="bid__competition__"),
        bid__competition__municipality=municipality_id,
        status=BidSubmission.Status.ACTIVE,
    ).filter(Q(admission__isnull=True) | Q(admission__decision=Decision.PENDING))


def answers_to_read(municipality_id: int, now) -> QuerySet[BidSubmission]:
    """Bids in admission whose clarification was answered: the decision is the
    municipality's again."""
    from competitions.phases import Phase, phase_q

    return BidSubmission.objects.filter(
        phase_q(Phase.CLOSED, now=now, prefix="bid__competition__"),
        bid__competition__municipality=municipality_id,
        status=BidSubmission.Status.ACTIVE,
        admission__decision=Decision.CLARIFICATION,
    ).exclude(clarifications__closed_at__isnull=True)


# --- the commission's declarations and quorum ---------------------------------------


def admitted_submissions(call: Competition) -> QuerySet[BidSubmission]:
    """The bids the commission scores: active submissions admitted to the call."""
    return (
        BidSubmission.objects.filter(
            bid__competition=call,
            status=BidSubmission.Status.ACTIVE,
            admission__decision=Decision.ADMITTED,
        )
        .select_related("bid__organization")
        .order_by("submitted_at", "receipt_number")
    )


def quorum_needed(call: Competition, seats: int) -> int:
    """Members who must remain on a bid: `quorum_pct` of the commission, rounded up."""
    return -(-seats * call.quorum_pct // 100)


@dataclass(frozen=True)
class QuorumShortfall:
    submission_id: object
    remaining: int
    needed: int


def quorum_shortfalls(calls: QuerySet[Competition]) -> dict[int, list[QuorumShortfall]]:
    """Per call, the admitted bids whose members left after recusals fall short of the
    quorum (two queries whatever the number of calls and bids). A member who has not
    declared yet still counts: they may still take part."""
    from django.db.models import Count

    found: dict[int, list[QuorumShortfall]] = {}
    sized = {c.pk: c for c in calls.annotate(seats=Count("commission", distinct=True))}
    if not sized:
        return found
    recusals = (
        ConflictDeclaration.objects.filter(
            has_conflict=True,
            submission__bid__competition__in=list(sized),
            submission__status=BidSubmission.Status.ACTIVE,
            submission__admission__decision=Decision.ADMITTED,
        )
        .values("submission_id", "submission__bid__competition_id")
        .annotate(n=Count("id"))
        .order_by("submission__submitted_at")
    )
    for row in recusals:
        call = sized[row["submission__bid__competition_id"]]
        needed = quorum_needed(call, call.seats)  # type: ignore[attr-defined]
        remaining = call.seats - row["n"]  # type: ignore[attr-defined]
        if remaining < needed:
            found.setdefault(call.pk, []).append(
                QuorumShortfall(row["submission_id"], remaining, needed)
            )
    return found


def quorum_summary(call: Competition) -> dict:
    """A call's bids short of the quorum after recusals, named (organisation, title),
    with the quorum itself: what the chair's and the officers' panels show."""
    short = quorum_shortfalls(Competition.objects.filter(pk=call.pk)).get(call.pk, [])
    ids = [s.submission_id for s in short]
    rows = (
        {
            s.pk: {"organization": s.bid.organization.name, "title": s.content.get("title", "")}
            for s in admitted_submissions(call).filter(pk__in=ids)
        }
        if ids
        else {}
    )
    return {
        "short": [{"gap": s, "row": rows.get(s.submission_id)} for s in short],
        "needed": quorum_needed(call, call.commission.count()),
        "pct": call.quorum_pct,
    }


# --- scoring and results ------------------------------------------------------------


def recusals_of(call: Competition) -> dict[Any, set[int]]:
    """Per admitted submission, the seats recused from it by a declared conflict."""
    found: dict[Any, set[int]] = {}
    for submission_id, seat_id in ConflictDeclaration.objects.filter(
        has_conflict=True,
        submission__bid__competition=call,
        submission__status=BidSubmission.Status.ACTIVE,
    ).values_list("submission_id", "seat_id"):
        found.setdefault(submission_id, set()).add(seat_id)
    return found


def missing_sheets(call: Competition) -> list[tuple[int, str]]:
    """(seat id, receipt number) of every sheet still to submit: each seat on each
    admitted bid it is not recused from (four queries whatever the size)."""
    seats = list(call.commission.values_list("pk", flat=True))
    submissions = list(admitted_submissions(call).values_list("pk", "receipt_number"))
    recused = recusals_of(call)
    submitted = set(
        ScoreSheet.objects.filter(
            submission__in=[pk for pk, _r in submissions], submitted_at__isnull=False
        ).values_list("seat_id", "submission_id")
    )
    return [
        (seat, receipt)
        for pk, receipt in submissions
        for seat in seats
        if seat not in recused.get(pk, set()) and (seat, pk) not in submitted
    ]


def submitted_scores(submission_ids: list[Any]) -> dict[Any, dict[int, dict[int, int]]]:
    """The submitted sheets' scores: {submission id: {seat id: {criterion id: score}}},
    in one query (what the ranking and the consolidated table both read)."""
    values: dict[Any, dict[int, dict[int, int]]] = {}
    for submission_id, seat_id, criterion_id, value in Score.objects.filter(
        sheet__submission__in=submission_ids, sheet__submitted_at__isnull=False
    ).values_list("sheet__submission_id", "sheet__seat_id", "criterion_id", "value"):
        values.setdefault(submission_id, {}).setdefault(seat_id, {})[criterion_id] = value
    return values


def candidates_for(call: Competition) -> tuple[list[Any], dict[str, int]]:
    """The call's admitted bids as `evaluation.scoring` reads them, and per bid the
    number of sheets counted: submitted sheets of members not recused from it, scores
    as exact fractions. A fixed number of queries whatever the number of bids."""
    criteria = [
        scoring.CriterionSpec(c.pk, c.weight, c.max_score)
        for c in call.criteria.order_by("position", "pk")
    ]
    submissions = list(admitted_submissions(call))
    recused = recusals_of(call)
    values = submitted_scores([s.pk for s in submissions])
    decided = {
        r.submission_id: r
        for r in BidResult.objects.filter(submission__in=[s.pk for s in submissions])
    }
    candidates, counted = [], {}
    for s in submissions:
        sheets = [
            scoring.Sheet(seat_id, scores)
            for seat_id, scores in values.get(s.pk, {}).items()
            if seat_id not in recused.get(s.pk, set())
        ]
        counted[str(s.pk)] = len(sheets)
        totals = s.content.get("totals", {})
        total = Fraction(str(totals.get("total", 0) or 0))
        own = Fraction(str(totals.get("own", 0) or 0)) + Fraction(str(totals.get("other", 0) or 0))
        result = decided.get(s.pk)
        candidates.append(
            scoring.Candidate(
                key=str(s.pk),
                score=scoring.bid_score(criteria, sheets) if sheets else None,
                requested=s.requested_total,
                submitted_at=s.submitted_at,
                cofinancing_share=own / total if total else Fraction(0),
                vote_position=result.vote_position if result else None,
                approved=result.approved if result else None,
            )
        )
    return candidates, counted


def own_sheets(seat) -> dict[Any, ScoreSheet]:
    """The member's sheets on the call's bids, by submission id."""
    return {s.submission_id: s for s in ScoreSheet.objects.filter(seat=seat)}


def peer_sheets(seat, submission: BidSubmission) -> list[ScoreSheet] | None:
    """The other members' submitted sheets on the bid, with their scores, or None
    while they must stay unseen (T8): until the member submitted their own sheet on it
    or the scoring is closed, nothing of a peer's sheet is read, not even whether one
    exists. Recused members have no sheet to show."""
    call = seat.competition
    phase = call.phase
    closed = phase.deliberation or phase.results_published or phase.is_final
    if not closed:
        mine = ScoreSheet.objects.filter(
            seat=seat, submission=submission, submitted_at__isnull=False
        ).exists()
        if not mine:
            return None
    recused = recusals_of(call).get(submission.pk, set())
    return list(
        ScoreSheet.objects.filter(submission=submission, submitted_at__isnull=False)
        .exclude(seat=seat)
        .exclude(seat__in=recused)
        .select_related("seat__user")
        .prefetch_related(Prefetch("scores", queryset=Score.objects.select_related("criterion")))
        .order_by("seat__role", "seat_id")
    )


@dataclass(frozen=True)
class ProgressCell:
    seat: Any
    state: str  # "submitted", "waiting" (no sheet or a draft) or "recused"


def scoring_progress(call: Competition) -> list[dict[str, Any]]:
    """Who has submitted on which bid, never a value (T8): the secretary's and the
    chair's view while the commission scores. A draft shows as "waiting" like no sheet."""
    seats = list(call.commission.select_related("user").order_by("role", "pk"))
    submissions = list(admitted_submissions(call))
    recused = recusals_of(call)
    submitted = set(
        ScoreSheet.objects.filter(
            submission__in=[s.pk for s in submissions], submitted_at__isnull=False
        ).values_list("seat_id", "submission_id")
    )
    rows = []
    for s in submissions:
        cells = []
        for seat in seats:
            if seat.pk in recused.get(s.pk, set()):
                state = "recused"
            elif (seat.pk, s.pk) in submitted:
                state = "submitted"
            else:
                state = "waiting"
            cells.append(ProgressCell(seat, state))
        rows.append(
            {
                "submission": s,
                "organization": s.bid.organization.name,
                "title": s.content.get("title", ""),
                "cells": cells,
                "done": sum(1 for c in cells if c.state == "submitted"),
                "expected": sum(1 for c in cells if c.state != "recused"),
            }
        )
    return rows


def results_rows(evaluation) -> list[BidResult]:
    """The call's results in ranking order, with each bid's organisation."""
    return list(
        evaluation.results.select_related("submission__bid__organization").order_by(
            models.F("rank").asc(nulls_last=True), "submission__submitted_at"
        )
    )


def member_totals(call: Competition, rows: list[BidResult]) -> dict[str, Any]:
    """The consolidated sheet: per bid, each member's weighted total (0–100) or
    "recused" or nothing, with the members as columns. Four queries at any size."""
    seats = list(call.commission.select_related("user").order_by("role", "pk"))
    criteria = [
        scoring.CriterionSpec(c.pk, c.weight, c.max_score)
        for c in call.criteria.order_by("position", "pk")
    ]
    ids = [r.submission_id for r in rows]
    recused = recusals_of(call)
    values = submitted_scores(ids)
    table = []
    for row in rows:
        cells = []
        for seat in seats:
            if seat.pk in recused.get(row.submission_id, set()):
                cells.append({"recused": True, "total": None})
                continue
            scores = values.get(row.submission_id, {}).get(seat.pk)
            total = scoring.sheet_total(criteria, scores) if scores else None
            cells.append(
                {
                    "recused": False,
                    "total": scoring.to_decimal(total) if total is not None else None,
                }
            )
        table.append({"result": row, "cells": cells})
    return {"seats": seats, "rows": table}
