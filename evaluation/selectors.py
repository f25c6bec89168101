"""Read queries the services, views and panels share: a call's admission at a glance."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q, QuerySet

from applications.models import BidSubmission
from competitions.models import Competition
from evaluation.models import Admission, ClarificationRequest

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

    from evaluation.models import ConflictDeclaration

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
