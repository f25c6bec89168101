"""Worked examples of evaluation.scoring: numbers a commission secretary can check by hand.

No database: the module is pure arithmetic.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from fractions import Fraction

import pytest

from evaluation.scoring import (
    Candidate,
    CriterionSpec,
    Sheet,
    Status,
    TieBreak,
    bid_score,
    decide,
    rank,
    sheet_total,
    to_decimal,
)

T0 = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)
CRITERIA = [
    CriterionSpec(id=1, weight=40, max_score=10),
    CriterionSpec(id=2, weight=30, max_score=10),
    CriterionSpec(id=3, weight=30, max_score=5),
]


def at(minutes: int) -> datetime.datetime:
    return T0 + datetime.timedelta(minutes=minutes)


def bid(key, score, requested="100.00", minutes=0, **extra) -> Candidate:
    return Candidate(
        key=key,
        score=None if score is None else Fraction(score),
        requested=Decimal(requested),
        submitted_at=at(minutes),
        **extra,
    )


def statuses(results) -> dict[str, str]:
    return {o.key: o.status for o in results.outcomes}


# Sheet totals and bid scores


def test_sheet_total_weighs_each_criterion_by_its_share_of_the_scale():
    # 40×7/10 + 30×9/10 + 30×3/5 = 28 + 27 + 18
    assert sheet_total(CRITERIA, {1: 7, 2: 9, 3: 3}) == Fraction(73)


def test_sheet_total_is_exact_where_a_float_would_not_be():
    criteria = [CriterionSpec(1, 40, 10), CriterionSpec(2, 30, 10), CriterionSpec(3, 30, 7)]
    # 28 + 27 + 30×3/7 = 55 + 90/7
    assert sheet_total(criteria, {1: 7, 2: 9, 3: 3}) == Fraction(475, 7)


def test_full_and_empty_sheets_are_100_and_0():
    assert sheet_total(CRITERIA, {1: 10, 2: 10, 3: 5}) == 100
    assert sheet_total(CRITERIA, {1: 0, 2: 0, 3: 0}) == 0


def test_bid_score_is_the_mean_of_the_sheet_totals():
    sheets = [
        Sheet(1, {1: 10, 2: 10, 3: 5}),  # 100
        Sheet(2, {1: 5, 2: 5, 3: 0}),  # 20 + 15 = 35
        Sheet(3, {1: 10, 2: 0, 3: 0}),  # 40
    ]
    score = bid_score(CRITERIA, sheets)
    assert score == Fraction(175, 3)
    assert to_decimal(score) == Decimal("58.33")


def test_a_recused_members_sheet_is_ignored():
    sheets = [
        Sheet(1, {1: 10, 2: 10, 3: 5}),  # 100
        Sheet(2, {1: 0, 2: 0, 3: 0}),  # 0, but member 2 declared a conflict
    ]
    assert bid_score(CRITERIA, sheets) == 50
    assert bid_score(CRITERIA, sheets, recused={2}) == 100
    # Even an invalid sheet of a recused member is never read.
    assert bid_score(CRITERIA, [*sheets, Sheet(3, {1: 99})], recused={2, 3}) == 100


def test_a_bid_without_a_counted_sheet_is_not_scored():
    assert bid_score(CRITERIA, []) is None
    assert bid_score(CRITERIA, [Sheet(1, {1: 10, 2: 10, 3: 5})], recused=[1]) is None


@pytest.mark.parametrize(
    "scores",
    [
        {1: 7, 2: 9},  # criterion 3 missing
        {1: 7, 2: 9, 3: 6},  # above max_score 5
        {1: -1, 2: 9, 3: 3},  # below 0
        {1: 7, 2: 9, 3: 3, 4: 1},  # a criterion the call does not have
        {1: 7, 2: 9, 3: 2.5},  # not a whole number
    ],
)
def test_a_sheet_off_the_scale_or_incomplete_is_refused(scores):
    with pytest.raises(ValueError):
        sheet_total(CRITERIA, scores)


def test_weights_must_sum_to_100():
    with pytest.raises(ValueError, match="100"):
        sheet_total([CriterionSpec(1, 40, 10), CriterionSpec(2, 40, 10)], {1: 1, 2: 1})


def test_two_counted_sheets_of_one_member_are_refused():
    sheet = Sheet(1, {1: 10, 2: 10, 3: 5})
    with pytest.raises(ValueError):
        bid_score(CRITERIA, [sheet, sheet])


# Display rounding


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (Fraction(200, 3), 2, Decimal("66.67")),
        (Fraction(100, 3), 2, Decimal("33.33")),
        (Fraction(1, 8), 2, Decimal("0.13")),  # half up, not half even (0.12)
        (Fraction(13333, 200), 2, Decimal("66.67")),  # 66.665 exactly
        (Fraction(66664999, 1000000), 2, Decimal("66.66")),  # just under the half
        (Fraction(2, 3), 0, Decimal("1")),
        (Fraction(60), 2, Decimal("60.00")),
        (Fraction(0), 2, Decimal("0.00")),
        (Fraction(-1, 8), 2, Decimal("-0.13")),
    ],
)
def test_to_decimal_rounds_half_up(value, places, expected):
    result = to_decimal(value, places)
    assert result == expected
    assert str(result) == str(expected)  # the number of places shown, too


# Eligibility and the pass threshold


def test_the_threshold_is_compared_exactly():
    just_under = Fraction(59995, 1000)  # shown as 60.00, but below 60
    assert to_decimal(just_under) == Decimal("60.00")
    results = decide(
        [bid("at", 60), bid("under", just_under, minutes=1), bid("third", Fraction(180001, 3000))],
        budget=Decimal("1000.00"),
        pass_threshold=60,
        tie_break="earlier",
    )
    assert statuses(results) == {
        "third": Status.SELECTED,  # 60.0003…
        "at": Status.SELECTED,
        "under": Status.BELOW_THRESHOLD,
    }
    assert [o.key for o in results.outcomes] == ["third", "at", "under"]
    assert results.by_key()["under"].awarded is None
    assert results.by_key()["at"].eligible
    assert not results.by_key()["under"].eligible


def test_excluded_and_unscored_bids_get_no_money():
    results = decide(
        [
            bid("quorumless", 95, excluded=True),
            bid("good", 70, minutes=1),
            bid("unread", None, minutes=2),
            bid("unread-earlier", None, minutes=-5),
        ],
        budget=Decimal("10000.00"),
        pass_threshold=50,
        tie_break="earlier",
    )
    assert [(o.key, o.rank, o.status) for o in results.outcomes] == [
        ("quorumless", 1, Status.EXCLUDED),
        ("good", 2, Status.SELECTED),
        ("unread-earlier", None, Status.NOT_SCORED),
        ("unread", None, Status.NOT_SCORED),
    ]
    assert results.selected_total == Decimal("100.00")
    assert results.remaining == Decimal("9900.00")


# Selection within the budget


def test_greedy_skips_a_bid_that_does_not_fit_and_funds_a_cheaper_one_below():
    candidates = [
        bid("A", 90, "60.00"),
        bid("B", 80, "50.00"),  # 40 left: does not fit
        bid("C", 70, "40.00"),  # fits exactly
        bid("D", 65, "10.00"),  # nothing left
        bid("E", 50, "1.00"),  # below the threshold
        bid("F", None, "1.00"),
    ]
    results = decide(candidates, budget=Decimal("100.00"), pass_threshold=60, tie_break="earlier")
    assert [(o.key, o.rank, o.status, o.awarded, o.reserve_position) for o in results.outcomes] == [
        ("A", 1, Status.SELECTED, Decimal("60.00"), None),
        ("B", 2, Status.RESERVE, None, 1),
        ("C", 3, Status.SELECTED, Decimal("40.00"), None),
        ("D", 4, Status.RESERVE, None, 2),
        ("E", 5, Status.BELOW_THRESHOLD, None, None),
        ("F", None, Status.NOT_SCORED, None, None),
    ]
    assert results.selected_total == Decimal("100.00")
    assert results.remaining == Decimal("0.00")


def test_a_reduced_amount_lets_the_bid_in_and_pushes_the_next_to_the_reserve():
    candidates = [
        bid("A", 90, "60.00"),
        bid("B", 80, "50.00", approved=Decimal("40.00")),
        bid("C", 70, "40.00"),
    ]
    results = decide(candidates, budget=Decimal("100.00"), pass_threshold=60, tie_break="earlier")
    by_key = results.by_key()
    assert by_key["B"].status == Status.SELECTED
    assert by_key["B"].awarded == Decimal("40.00")
    assert by_key["C"].status == Status.RESERVE
    assert by_key["C"].reserve_position == 1
    assert results.selected_total == Decimal("100.00")


def test_a_zero_budget_funds_nothing():
    results = decide(
        [bid("A", 90, "0.01")], budget=Decimal("0.00"), pass_threshold=0, tie_break="earlier"
    )
    assert results.outcomes[0].status == Status.RESERVE
    assert results.selected_total == 0


# Ties


def tied_bids(**per_key) -> list[Candidate]:
    """Three bids with exactly 80 points, submitted C (t1), A (t2), B (t3)."""
    minutes = {"A": 2, "B": 3, "C": 1}
    return [
        bid(key, Fraction(160, 2), minutes=minutes[key], **per_key.get(key, {}))
        for key in ("A", "B", "C")
    ] + [bid("top", 81), bid("low", Fraction(7999, 100))]


def order(ranked) -> list[tuple[str, int | None, bool]]:
    return [(c.key, place, tied) for c, place, tied in ranked]


def test_cofinancing_rule_puts_the_larger_share_first_then_the_earlier_bid():
    candidates = tied_bids(
        A={"cofinancing_share": Fraction(1, 10)},
        B={"cofinancing_share": Fraction(3, 10)},
        C={"cofinancing_share": Fraction(1, 10)},
    )
    assert order(rank(candidates, "cofinancing")) == [
        ("top", 1, False),
        ("B", 2, True),
        ("C", 3, True),
        ("A", 4, True),
        ("low", 5, False),
    ]


def test_the_key_decides_last_as_a_string():
    candidates = [bid("9", 70), bid("10", 70)]  # same score, share and time
    assert [c.key for c, _, _ in rank(candidates, TieBreak.COFINANCING)] == ["10", "9"]
    assert [c.key for c, _, _ in rank(candidates, TieBreak.EARLIER)] == ["10", "9"]


def test_earlier_rule_puts_the_earlier_submission_first():
    candidates = tied_bids(B={"cofinancing_share": Fraction(1)})
    assert order(rank(candidates, "earlier")) == [
        ("top", 1, False),
        ("C", 2, True),
        ("A", 3, True),
        ("B", 4, True),
        ("low", 5, False),
    ]


def test_vote_rule_follows_the_chairs_positions():
    candidates = tied_bids(A={"vote_position": 2}, B={"vote_position": 1}, C={"vote_position": 3})
    assert [c.key for c, _, _ in rank(candidates, "vote")] == ["top", "B", "A", "C", "low"]
    results = decide(candidates, budget=Decimal("250.00"), pass_threshold=60, tie_break="vote")
    assert results.unresolved_ties == ()
    assert [o.status for o in results.outcomes] == [
        Status.SELECTED,
        Status.SELECTED,
        Status.RESERVE,
        Status.RESERVE,
        Status.RESERVE,  # 79.99 passes, but 100.00 no longer fits the 50.00 left
    ]


def test_vote_rule_reports_a_tie_the_chair_has_not_resolved():
    candidates = tied_bids(A={"vote_position": 1}, B={"vote_position": 2})
    # C has no position: it goes after those that have one, and the group is reported.
    assert [c.key for c, _, _ in rank(candidates, "vote")] == ["top", "A", "B", "C", "low"]
    results = decide(candidates, budget=Decimal("1000.00"), pass_threshold=60, tie_break="vote")
    assert results.unresolved_ties == (("A", "B", "C"),)


def test_vote_rule_reports_shared_positions_and_each_group_in_order():
    candidates = [
        bid("x", 90, vote_position=1),
        bid("y", 90, vote_position=1, minutes=-1),
        bid("p", 70, vote_position=2),
        bid("q", 70, vote_position=1),
        bid("m", 50, minutes=5),
        bid("n", 50, minutes=4),
        bid("solo", 40),
    ]
    results = decide(candidates, budget=Decimal("1000.00"), pass_threshold=0, tie_break="vote")
    assert [o.key for o in results.outcomes] == ["y", "x", "q", "p", "n", "m", "solo"]
    assert results.unresolved_ties == (("y", "x"), ("n", "m"))


def test_other_rules_report_no_unresolved_ties():
    results = decide(tied_bids(), budget=Decimal("1000.00"), pass_threshold=0, tie_break="earlier")
    assert results.unresolved_ties == ()


# Refusals


@pytest.mark.parametrize(
    ("candidates", "budget", "threshold", "rule"),
    [
        ([bid("A", 90, "50.00", approved=Decimal("0.00"))], "100.00", 60, "earlier"),
        ([bid("A", 90, "50.00", approved=Decimal("-1.00"))], "100.00", 60, "earlier"),
        ([bid("A", 90, "50.00", approved=Decimal("50.01"))], "100.00", 60, "earlier"),
        ([bid("A", 90, "50.00")], "-0.01", 60, "earlier"),
        ([bid("A", 90, "50.00")], "100.00", 60, "lottery"),
        ([bid("A", 90, "50.00")], "100.00", 101, "earlier"),
        ([bid("A", 90, "0.00")], "100.00", 60, "earlier"),
        ([bid("A", 90), bid("A", 80)], "100.00", 60, "earlier"),
    ],
)
def test_decide_refuses_inconsistent_input(candidates, budget, threshold, rule):
    with pytest.raises(ValueError):
        decide(candidates, budget=Decimal(budget), pass_threshold=threshold, tie_break=rule)


def test_the_approved_amount_may_equal_the_request():
    results = decide(
        [bid("A", 90, "50.00", approved=Decimal("50.00"))],
        budget=Decimal("50.00"),
        pass_threshold=60,
        tie_break="earlier",
    )
    assert results.outcomes[0].awarded == Decimal("50.00")


def test_rank_refuses_an_unknown_rule():
    with pytest.raises(ValueError, match="lottery"):
        rank([bid("A", 90)], "lottery")
