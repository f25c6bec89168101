"""Properties of evaluation.scoring that must hold for any call, checked with Hypothesis.

The money invariant first: whatever the scores, amounts, rule and budget, the awarded
total never exceeds the budget. Then ordering, eligibility, recusal, the score range,
the greedy walk and determinism. No database.
"""

from __future__ import annotations

import datetime
import itertools
import random
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from evaluation.scoring import (
    Candidate,
    CriterionSpec,
    Sheet,
    Status,
    TieBreak,
    bid_score,
    decide,
    to_decimal,
)

T0 = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)
PROPERTY = settings(max_examples=300, deadline=None)


def cents(low: int, high: int) -> st.SearchStrategy[Decimal]:
    """KGS amounts with two places."""
    return st.integers(low, high).map(lambda c: Decimal(c).scaleb(-2))


@st.composite
def criteria_lists(draw) -> list[CriterionSpec]:
    """1–5 criteria with positive weights summing to 100."""
    n = draw(st.integers(1, 5))
    cuts = sorted(draw(st.lists(st.integers(1, 99), min_size=n - 1, max_size=n - 1, unique=True)))
    weights = [b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]
    return [
        CriterionSpec(id=i, weight=w, max_score=draw(st.integers(1, 10)))
        for i, w in enumerate(weights, start=1)
    ]


def sheets_for(criteria: list[CriterionSpec], member_id: int) -> st.SearchStrategy[Sheet]:
    return st.fixed_dictionaries({c.id: st.integers(0, c.max_score) for c in criteria}).map(
        lambda scores: Sheet(member_id, scores)
    )


@st.composite
def panels(draw) -> tuple[list[CriterionSpec], list[Sheet], set[int]]:
    """Criteria, one sheet from each of 1–6 members, and the members recused from the bid."""
    criteria = draw(criteria_lists())
    members = range(1, draw(st.integers(1, 6)) + 1)
    sheets = [draw(sheets_for(criteria, m)) for m in members]
    recused = set(draw(st.lists(st.sampled_from(list(members)), max_size=len(members))))
    return criteria, sheets, recused


# A few scores shared by many bids, so ties are common rather than rare.
COMMON_SCORES = [Fraction(0), Fraction(50), Fraction(60), Fraction(200, 3), Fraction(100)]


MAYBE_PERCENT = st.none() | st.integers(1, 100)
MAYBE_POSITION = st.none() | st.integers(1, 4)


@st.composite
def candidate_lists(draw) -> list[Candidate]:
    """0–25 bids of one call with distinct keys. Scores are drawn from a pool: a few
    common values and a few computed from members' sheets (some recused), so ties are
    common and drawing stays cheap; a score may be missing. Times, shares and votes come
    from small ranges so that each tie-break level is reached."""
    criteria = draw(criteria_lists())
    members = list(range(1, draw(st.integers(1, 6)) + 1))
    pool: list[Fraction | None] = [None, *COMMON_SCORES]
    for _ in range(draw(st.integers(1, 6))):
        sheets = [
            Sheet(m, {c.id: draw(st.integers(0, c.max_score)) for c in criteria}) for m in members
        ]
        score = bid_score(criteria, sheets, draw(st.sets(st.sampled_from(members))))
        pool.append(score)
    n = draw(st.integers(0, 25))
    keys = draw(st.lists(st.integers(1, 999).map(str), min_size=n, max_size=n, unique=True))
    candidates = []
    for key in keys:
        score = draw(st.sampled_from(pool))
        requested = draw(st.integers(1, 500_000))  # cents
        # A reduction to 1–100 % of the request, at least one tyiyn.
        reduced_to = draw(MAYBE_PERCENT)
        approved = None if reduced_to is None else max(1, requested * reduced_to // 100)
        candidates.append(
            Candidate(
                key=key,
                score=score,
                requested=Decimal(requested).scaleb(-2),
                submitted_at=T0 + datetime.timedelta(minutes=draw(st.integers(0, 5))),
                cofinancing_share=Fraction(draw(st.integers(0, 4)), 4),
                vote_position=draw(MAYBE_POSITION),
                approved=None if approved is None else Decimal(approved).scaleb(-2),
                excluded=draw(st.booleans()),
            )
        )
    return candidates


budgets = cents(0, 2_000_000)
thresholds = st.integers(0, 100)
rules = st.sampled_from(list(TieBreak))


def amount(candidate: Candidate) -> Decimal:
    return candidate.approved if candidate.approved is not None else candidate.requested


def tie_order(candidate: Candidate, rule: TieBreak) -> tuple:
    """The rule restated independently of the module: what decides between equal scores."""
    last = (candidate.submitted_at, candidate.key)
    if rule == TieBreak.COFINANCING:
        return (-candidate.cofinancing_share, *last)
    if rule == TieBreak.VOTE:
        v = candidate.vote_position
        return (0 if v is not None else 1, v if v is not None else 0, *last)
    return last


@given(candidate_lists(), budgets, thresholds, rules)
@PROPERTY
def test_the_awarded_total_never_exceeds_the_budget(candidates, budget, threshold, rule):
    results = decide(candidates, budget=budget, pass_threshold=threshold, tie_break=rule)
    awarded = [o.awarded for o in results.outcomes if o.awarded is not None]
    assert results.selected_total == sum(awarded, Decimal(0))
    assert results.selected_total <= budget
    assert results.remaining >= 0
    assert all(a > 0 for a in awarded)
    for outcome in results.outcomes:
        assert (outcome.awarded is not None) == (outcome.status == Status.SELECTED)
    for candidate in candidates:
        outcome = results.by_key()[candidate.key]
        if outcome.status == Status.SELECTED:
            assert outcome.awarded == amount(candidate)


@given(candidate_lists(), budgets, thresholds, rules)
@PROPERTY
def test_outcomes_are_in_score_order_with_the_rule_deciding_ties(
    candidates, budget, threshold, rule
):
    results = decide(candidates, budget=budget, pass_threshold=threshold, tie_break=rule)
    by_key = {c.key: c for c in candidates}
    outcomes = results.outcomes
    assert sorted(o.key for o in outcomes) == sorted(by_key)
    scored = [o for o in outcomes if o.score is not None]
    unscored = [o for o in outcomes if o.score is None]
    assert list(outcomes) == scored + unscored
    assert [o.rank for o in scored] == list(range(1, len(scored) + 1))
    assert all(o.rank is None and not o.tied for o in unscored)
    for above, below in itertools.pairwise(scored):
        assert above.score >= below.score
        if above.score == below.score:
            assert tie_order(by_key[above.key], rule) < tie_order(by_key[below.key], rule)
    for outcome in scored:
        others = [o for o in scored if o.key != outcome.key and o.score == outcome.score]
        assert outcome.tied == bool(others)
    times = [(by_key[o.key].submitted_at, o.key) for o in unscored]
    assert times == sorted(times)
    reserve = [o.reserve_position for o in outcomes if o.status == Status.RESERVE]
    assert reserve == list(range(1, len(reserve) + 1))


@given(candidate_lists(), budgets, thresholds, rules)
@PROPERTY
def test_eligible_means_passed_and_not_excluded(candidates, budget, threshold, rule):
    results = decide(candidates, budget=budget, pass_threshold=threshold, tie_break=rule)
    for candidate in candidates:
        outcome = results.by_key()[candidate.key]
        passed = candidate.score is not None and candidate.score >= threshold
        assert outcome.eligible == (passed and not candidate.excluded)
        if outcome.eligible:
            assert outcome.score >= threshold
        expected = (
            Status.NOT_SCORED
            if candidate.score is None
            else Status.EXCLUDED
            if candidate.excluded
            else Status.BELOW_THRESHOLD
            if not passed
            else outcome.status
        )
        assert outcome.status == expected


@given(panels(), st.data())
@PROPERTY
def test_a_recused_members_sheet_never_changes_the_score(panel, data):
    criteria, sheets, recused = panel
    member = data.draw(st.sampled_from([*sorted(recused), 99]), label="recused member")
    recused = {*recused, member}
    before = bid_score(criteria, sheets, recused)
    extra = data.draw(sheets_for(criteria, member), label="their sheet")
    where = data.draw(st.integers(0, len(sheets)), label="position")
    after = bid_score(criteria, [*sheets[:where], extra, *sheets[where:]], recused)
    assert after == before


@given(panels())
@PROPERTY
def test_a_bid_score_is_within_0_and_100(panel):
    criteria, sheets, recused = panel
    score = bid_score(criteria, sheets, recused)
    counted = [s for s in sheets if s.member_id not in recused]
    if not counted:
        assert score is None
    else:
        assert isinstance(score, Fraction)
        assert 0 <= score <= 100
        assert Decimal("0.00") <= to_decimal(score) <= Decimal("100.00")


@given(candidate_lists(), budgets, thresholds, rules)
@PROPERTY
def test_a_reserve_bid_did_not_fit_what_was_left_at_its_turn(candidates, budget, threshold, rule):
    results = decide(candidates, budget=budget, pass_threshold=threshold, tie_break=rule)
    by_key = {c.key: c for c in candidates}
    awarded_above = Decimal(0)
    for outcome in results.outcomes:
        if outcome.status == Status.RESERVE:
            assert amount(by_key[outcome.key]) > budget - awarded_above
        awarded_above += outcome.awarded or 0


@given(candidate_lists(), budgets, thresholds, rules, st.randoms(use_true_random=False))
@PROPERTY
def test_the_input_order_does_not_matter(candidates, budget, threshold, rule, rng: random.Random):
    shuffled = list(candidates)
    rng.shuffle(shuffled)
    first = decide(candidates, budget=budget, pass_threshold=threshold, tie_break=rule)
    again = decide(shuffled, budget=budget, pass_threshold=threshold, tie_break=rule)
    assert again == first


@given(st.fractions(min_value=-1000, max_value=1000, max_denominator=10_000), st.integers(0, 4))
@PROPERTY
def test_to_decimal_agrees_with_decimal_half_up(value, places):
    with localcontext() as context:
        context.prec = 100
        exact = Decimal(value.numerator) / Decimal(value.denominator)
        expected = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    assert to_decimal(value, places) == expected
