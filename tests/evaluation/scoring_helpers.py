"""Bringing a call in scoring to its results through the services, as the commission
would: each seat signs the confidentiality declaration and declares no conflict on the
admitted bids, scores and submits its sheets; the secretary closes the scoring, the
chair records the meeting and approves the results.

Scores are given per criterion in the call's criteria order (the factory's defaults:
"Значимость" weight 60 and "Бюджет" weight 40, each out of 10), so that a test can
state the expected totals by hand: (8, 6) is 60·8/10 + 40·6/10 = 72.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from applications.models import BidSubmission
from competitions.models import CommissionMember, Competition
from evaluation.models import CallEvaluation, ScoreSheet
from evaluation.selectors import admitted_submissions
from evaluation.services.declarations import declare_conflict, sign_confidentiality
from evaluation.services.results import approve_results, close_scoring, save_meeting
from evaluation.services.sheets import Entry, save_sheet, submit_sheet


def seat_of(call: Competition, user) -> CommissionMember:
    """The user's seat on the call's commission."""
    return CommissionMember.objects.get(competition=call, user=user)


def ready(seat: CommissionMember, user, submissions: Iterable[BidSubmission]) -> None:
    """The seat signs the confidentiality declaration and declares no conflict of
    interest on each of `submissions` (both are idempotent)."""
    sign_confidentiality(seat, by=user)
    for submission in submissions:
        declare_conflict(seat, submission, has_conflict=False, by=user)


def score(
    seat: CommissionMember,
    user,
    submission: BidSubmission,
    values: Sequence[int],
    comment: str = "",
) -> ScoreSheet:
    """Save and submit the seat's sheet on the bid: `values` per criterion in the
    call's order; `comment` goes on every criterion and on the sheet itself."""
    criteria = list(seat.competition.criteria.order_by("position", "pk"))
    entries = {c.pk: Entry(v, comment) for c, v in zip(criteria, values, strict=True)}
    existing = ScoreSheet.objects.filter(seat=seat, submission=submission).first()
    sheet = save_sheet(
        seat,
        submission,
        entries=entries,
        comment=comment,
        expected_version=existing.version if existing else 0,
        by=user,
    )
    return submit_sheet(seat, submission, expected_version=sheet.version, by=user)


def score_all(
    call: Competition,
    values_by_user: Mapping[object, Mapping[BidSubmission, Sequence[int]]],
    comment: str = "",
) -> None:
    """Every user named scores the bids named for them: {user: {submission: values}}.

    Each of them first signs and declares no conflict on every admitted bid of the
    call, so a bid left out of a user's mapping is a sheet still missing.
    """
    admitted = list(admitted_submissions(call))
    for user, by_submission in values_by_user.items():
        seat = seat_of(call, user)
        ready(seat, user, admitted)
        for submission, values in by_submission.items():
            score(seat, user, submission, values, comment)


def close_and_publish(
    call: Competition, chair, secretary, *, override_reason: str = ""
) -> CallEvaluation:
    """The secretary closes the scoring; the chair records a meeting every seat
    attended (dated the day the scoring closed) and approves: the results are public."""
    evaluation = close_scoring(call, override_reason=override_reason, by=secretary)
    save_meeting(
        call,
        meeting_on=evaluation.closed_at.date(),
        place="Зал заседаний айыл окмоту",
        attendees=list(call.commission.all()),
        decisions="Утвердить рейтинг и отбор заявок.",
        by=chair,
    )
    approve_results(call, by=chair)
    evaluation.refresh_from_db()
    call.refresh_from_db()
    return evaluation
