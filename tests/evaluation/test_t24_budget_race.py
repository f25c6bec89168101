"""T24: the money selected never exceeds the call's budget, whoever changes the
selection at the same time. The database refuses a selected total over the budget;
reductions and restores from two threads (two officers' tabs) are serialised by the
call's lock, so after each round the total is within the budget and is exactly the
sum of the amounts awarded.

The call: budget 800 000, two bids of 450 000 scored 76.00 and 66.67: the first is
selected, the second waits in the reserve until a reduction makes room.
"""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.db.models import Sum

from competitions.models import Competition
from evaluation.models import BidResult, CallEvaluation
from evaluation.services.results import close_scoring, reduce_amount
from tests.evaluation.scoring_helpers import score_all

BUDGET = Decimal("800000")
ROUNDS = 20


@pytest.fixture
def tight(cast, chair, secretary, scoring, submission, other_submission):
    Competition.objects.filter(pk=scoring.pk).update(total_budget=BUDGET)
    scoring.refresh_from_db()
    score_all(
        scoring,
        {
            chair: {submission: [8, 6], other_submission: [7, 6]},
            secretary: {submission: [10, 5], other_submission: [7, 7]},
            cast.commission_member: {submission: [8, 7], other_submission: [6, 7]},
        },
    )
    close_scoring(scoring, by=secretary)
    scoring.refresh_from_db()
    return scoring


def check_the_money(call) -> Decimal:
    """The invariant: within the budget, and the sum of what the selected bids get."""
    evaluation = CallEvaluation.objects.get(competition=call)
    awarded = BidResult.objects.filter(evaluation=evaluation).aggregate(s=Sum("awarded"))["s"]
    assert evaluation.budget == BUDGET
    assert evaluation.selected_total <= evaluation.budget
    assert evaluation.selected_total == (awarded or Decimal("0"))
    assert not BidResult.objects.filter(
        evaluation=evaluation, status="selected", awarded__isnull=True
    ).exists()
    return evaluation.selected_total


def test_t24_the_database_refuses_a_selected_total_over_the_budget(tight):
    evaluation = CallEvaluation.objects.get(competition=tight)
    for wrong in (evaluation.budget + 1, Decimal("-1")):
        with pytest.raises(IntegrityError), transaction.atomic():
            CallEvaluation.objects.filter(pk=evaluation.pk).update(selected_total=wrong)
    assert check_the_money(tight) == Decimal("450000")


def test_t24_a_bid_one_som_over_what_is_left_stays_in_the_reserve(
    tight, chair, submission, other_submission
):
    second = BidResult.objects.get(submission=other_submission)
    assert (second.status, second.awarded) == ("reserve", None)
    # 350 000 is left: 350 001 does not fit, 350 000 does.
    second = reduce_amount(second, amount=Decimal("350001"), reason="Смета.", by=chair)
    assert (second.status, second.awarded) == ("reserve", None)
    assert check_the_money(tight) == Decimal("450000")
    second = reduce_amount(second, amount=Decimal("350000"), reason="Смета.", by=chair)
    assert (second.status, second.awarded) == ("selected", Decimal("350000"))
    assert check_the_money(tight) == BUDGET


def officer(barrier, errors, result_id, user, amount, reduce):
    """One officer's tab: reduce the bid to `amount`, or restore its request."""
    try:
        barrier.wait()
        result = BidResult.objects.get(pk=result_id)
        reduce_amount(
            result,
            amount=amount if reduce else None,
            reason="Сокращение сметы." if reduce else "",
            by=user,
        )
    except BaseException as exc:  # the main thread reports it
        errors.append(exc)
    finally:
        # The thread's own connection ends with it (the test database is dropped at
        # the end of the run, which open sessions would prevent).
        close_old_connections()
        connection.close()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real row locks")
@pytest.mark.django_db(transaction=True)
def test_t24_concurrent_reductions_never_select_more_than_the_budget(
    tight, chair, secretary, submission, other_submission
):
    first = BidResult.objects.get(submission=submission)
    second = BidResult.objects.get(submission=other_submission)
    # Each thread alternates between reducing its bid and restoring the request; the
    # second thread's amount is one som over what is left while the first bid has its
    # full amount, so the order of the two decides whether it fits.
    plans = [
        (first.pk, chair, Decimal("350000")),
        (second.pk, secretary, Decimal("350001")),
    ]
    totals = set()
    for round_ in range(ROUNDS):
        barrier = threading.Barrier(2)
        errors: list[BaseException] = []
        threads = [
            threading.Thread(
                target=officer,
                args=(barrier, errors, pk, user, amount, (round_ + k) % 3 != 0),
            )
            for k, (pk, user, amount) in enumerate(plans)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert not errors, errors
        totals.add(check_the_money(tight))
    # Several selections came out of the rounds, each within the budget.
    assert len(totals) > 1
    assert max(totals) <= BUDGET
