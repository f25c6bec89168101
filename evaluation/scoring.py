"""A call's results from its score sheets: totals, ranking, and who gets money.

Pure arithmetic, no database: the services read the sheets and bids, this module says
what they add up to, so the rules can be tested exhaustively (tests/evaluation).
Scores stay exact `Fraction`s all the way: a ranking or a pass mark decided on rounded
floats could put a bid on the wrong side of a boundary, and the protocol must be
reproducible by hand. Only `to_decimal` rounds, and only for display.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction


class TieBreak(StrEnum):
    """How the call orders bids with exactly the same score (chosen when it is announced)."""

    COFINANCING = "cofinancing"
    EARLIER = "earlier"
    VOTE = "vote"


class Status(StrEnum):
    SELECTED = "selected"
    RESERVE = "reserve"
    BELOW_THRESHOLD = "below_threshold"
    EXCLUDED = "excluded"
    NOT_SCORED = "not_scored"


@dataclass(frozen=True)
class CriterionSpec:
    """A criterion as scoring needs it: its weight in percent and the top of its scale."""

    id: int
    weight: int
    max_score: int

    def __post_init__(self) -> None:
        if self.max_score <= 0:
            raise ValueError(f"criterion {self.id}: max_score must be positive")
        if not 0 <= self.weight <= 100:
            raise ValueError(f"criterion {self.id}: weight must be within 0..100")


@dataclass(frozen=True)
class Sheet:
    """One member's submitted sheet for one bid: criterion id -> score."""

    member_id: int
    scores: Mapping[int, int]


def sheet_total(criteria: Sequence[CriterionSpec], scores: Mapping[int, int]) -> Fraction:
    """Σ weight × score / max_score, exactly: 0..100 because the weights sum to 100.

    A sheet that misses a criterion, names one the call does not have or scores off
    the scale is refused rather than counted as 0: it is a sheet of another call or a
    bug, and a silent 0 would change the ranking.
    """
    if sum(c.weight for c in criteria) != 100:
        raise ValueError("the criteria's weights must sum to 100")
    known = {c.id for c in criteria}
    if unknown := set(scores) - known:
        raise ValueError(f"scores for criteria the call does not have: {sorted(unknown)}")
    total = Fraction(0)
    for criterion in criteria:
        if criterion.id not in scores:
            raise ValueError(f"criterion {criterion.id} is not scored")
        score = scores[criterion.id]
        if isinstance(score, bool) or not isinstance(score, int):
            raise ValueError(f"criterion {criterion.id}: a score is a whole number")
        if not 0 <= score <= criterion.max_score:
            raise ValueError(f"criterion {criterion.id}: score {score} is off the scale")
        total += Fraction(criterion.weight * score, criterion.max_score)
    return total


def bid_score(
    criteria: Sequence[CriterionSpec], sheets: Iterable[Sheet], recused: Collection[int] = ()
) -> Fraction | None:
    """The mean of the counted sheets' totals; None when no sheet counts (not scored).

    A recused member's sheet is skipped unread, whatever it holds: a conflict of
    interest takes the member out of that bid entirely. Two counted sheets of one
    member are refused, since the mean would weigh that member twice.
    """
    totals: list[Fraction] = []
    seen: set[int] = set()
    for sheet in sheets:
        if sheet.member_id in recused:
            continue
        if sheet.member_id in seen:
            raise ValueError(f"member {sheet.member_id} has two sheets for the bid")
        seen.add(sheet.member_id)
        totals.append(sheet_total(criteria, sheet.scores))
    if not totals:
        return None
    return sum(totals, Fraction(0)) / len(totals)


def to_decimal(value: Fraction, places: int = 2) -> Decimal:
    """The score as shown: `places` decimals, half up (200/3 -> 66.67).

    Integer arithmetic on the exact fraction, so a value just under a half (…0.004999…)
    is never rounded up the way a float or a context-limited Decimal division could.
    """
    if places < 0:
        raise ValueError("places must not be negative")
    negative = value < 0
    whole, rest = divmod(abs(value.numerator) * 10**places, value.denominator)
    if 2 * rest >= value.denominator:
        whole += 1
    digits = tuple(int(d) for d in str(whole))
    return Decimal((1 if negative and whole else 0, digits, -places))


@dataclass(frozen=True)
class Candidate:
    """A bid as the decision sees it; `key` is the submission id as a string."""

    key: str
    score: Fraction | None
    requested: Decimal
    submitted_at: datetime.datetime
    cofinancing_share: Fraction = Fraction(0)
    vote_position: int | None = None
    approved: Decimal | None = None  # reduced amount, if the commission reduced it
    excluded: bool = False

    @property
    def amount(self) -> Decimal:
        """What the bid would receive: the reduced amount if there is one."""
        return self.approved if self.approved is not None else self.requested


@dataclass(frozen=True)
class Outcome:
    key: str
    score: Fraction | None
    rank: int | None
    tied: bool
    status: Status
    awarded: Decimal | None
    reserve_position: int | None

    @property
    def eligible(self) -> bool:
        """Passed and not excluded: selected, or waiting in reserve for money."""
        return self.status in (Status.SELECTED, Status.RESERVE)


@dataclass(frozen=True)
class Results:
    """Every bid's outcome in final order (ranked, then not scored), and the money."""

    outcomes: tuple[Outcome, ...]
    budget: Decimal
    selected_total: Decimal
    # For the "vote" rule: each tie group whose bids lack distinct vote positions, by
    # key in final order; the chair must record the vote before the results are final.
    unresolved_ties: tuple[tuple[str, ...], ...]

    @property
    def remaining(self) -> Decimal:
        return self.budget - self.selected_total

    def by_key(self) -> dict[str, Outcome]:
        return {outcome.key: outcome for outcome in self.outcomes}


def _order_key(score: Fraction, candidate: Candidate, rule: TieBreak) -> tuple[object, ...]:
    """Sort key of a scored bid: score down, then the call's rule, then submission time
    and key, so the order never depends on the order the bids were read in."""
    last = (candidate.submitted_at, candidate.key)
    if rule is TieBreak.COFINANCING:
        return (-score, -candidate.cofinancing_share, *last)
    if rule is TieBreak.VOTE:
        position = candidate.vote_position
        return (-score, position is None, position or 0, *last)
    return (-score, *last)


def _checked(candidates: Iterable[Candidate], tie_break: str) -> tuple[list[Candidate], TieBreak]:
    listed = list(candidates)
    try:
        rule = TieBreak(tie_break)
    except ValueError:
        raise ValueError(f"unknown tie-break rule {tie_break!r}") from None
    keys = [c.key for c in listed]
    if len(set(keys)) != len(keys):
        raise ValueError("two candidates share a key")
    return listed, rule


def rank(
    candidates: Iterable[Candidate], tie_break: str
) -> list[tuple[Candidate, int | None, bool]]:
    """(candidate, rank, tied) in final order: scored bids ranked 1, 2, 3 … with ties
    decided by the rule (no shared ranks), then the unscored ones without a rank.

    `tied` says another bid has exactly the same score, so the protocol can say the
    rule decided the place.
    """
    listed, rule = _checked(candidates, tie_break)
    scored = sorted(
        ((c.score, c) for c in listed if c.score is not None),
        key=lambda pair: _order_key(pair[0], pair[1], rule),
    )
    unscored = sorted((c for c in listed if c.score is None), key=lambda c: (c.submitted_at, c.key))
    counts = Counter(score for score, _ in scored)
    ranked: list[tuple[Candidate, int | None, bool]] = [
        (c, place, counts[score] > 1) for place, (score, c) in enumerate(scored, start=1)
    ]
    return ranked + [(c, None, False) for c in unscored]


def _unresolved_ties(
    ranked: list[tuple[Candidate, int | None, bool]],
) -> tuple[tuple[str, ...], ...]:
    """The vote rule's tie groups whose bids do not each have their own vote position."""
    groups: list[list[Candidate]] = []
    for candidate, place, tied in ranked:
        if place is None or not tied:
            continue
        if groups and groups[-1][0].score == candidate.score:
            groups[-1].append(candidate)
        else:
            groups.append([candidate])
    unresolved = []
    for group in groups:
        positions = [c.vote_position for c in group]
        if None in positions or len(set(positions)) != len(positions):
            unresolved.append(tuple(c.key for c in group))
    return tuple(unresolved)


def decide(
    candidates: Iterable[Candidate], *, budget: Decimal, pass_threshold: int, tie_break: str
) -> Results:
    """Rank the bids and fund the eligible ones greedily in rank order within the budget.

    A bid that does not fit what is left goes to the reserve and the walk goes on, so a
    cheaper bid further down may still be funded; the total awarded never exceeds the
    budget. An excluded bid is "excluded" even when it is also below the threshold: the
    commission's decision is the reason the protocol gives.
    """
    listed, rule = _checked(candidates, tie_break)
    if budget < 0:
        raise ValueError("the budget must not be negative")
    if not 0 <= pass_threshold <= 100:
        raise ValueError("the pass threshold must be within 0..100")
    for c in listed:
        if c.requested <= 0:
            raise ValueError(f"bid {c.key}: the requested amount must be positive")
        if c.approved is not None and not 0 < c.approved <= c.requested:
            raise ValueError(f"bid {c.key}: the approved amount must be within 0..requested")

    ranked = rank(listed, rule)
    remaining = budget
    selected_total = Decimal("0.00")
    reserve = 0
    outcomes: list[Outcome] = []
    for candidate, place, tied in ranked:
        awarded: Decimal | None = None
        reserve_position: int | None = None
        if candidate.score is None:
            status = Status.NOT_SCORED
        elif candidate.excluded:
            status = Status.EXCLUDED
        elif candidate.score < pass_threshold:
            status = Status.BELOW_THRESHOLD
        elif candidate.amount <= remaining:
            status = Status.SELECTED
            awarded = candidate.amount
            remaining -= awarded
            selected_total += awarded
        else:
            status = Status.RESERVE
            reserve += 1
            reserve_position = reserve
        outcomes.append(
            Outcome(
                key=candidate.key,
                score=candidate.score,
                rank=place,
                tied=tied,
                status=status,
                awarded=awarded,
                reserve_position=reserve_position,
            )
        )
    return Results(
        outcomes=tuple(outcomes),
        budget=budget,
        selected_total=selected_total,
        unresolved_ties=_unresolved_ties(ranked) if rule is TieBreak.VOTE else (),
    )
