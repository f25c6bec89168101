"""One phase vocabulary: `Competition.phase_at` and `Competition.objects.in_phase` agree."""

from __future__ import annotations

import datetime

import pytest

from competitions.models import Competition
from competitions.phases import AFTER_DEADLINE, BEFORE_DEADLINE, Phase, phase_of
from tests.competitions.conftest import make_call

OPENS = datetime.datetime(2026, 12, 1, 3, 0, tzinfo=datetime.UTC)
CLOSES = datetime.datetime(2026, 12, 31, 12, 0, tzinfo=datetime.UTC)
TICK = datetime.timedelta(microseconds=1)
# Every instant where the phase can change, and one tick either side of it.
INSTANTS = [
    OPENS - datetime.timedelta(days=1),
    OPENS - TICK,
    OPENS,
    OPENS + TICK,
    CLOSES - TICK,
    CLOSES,
    CLOSES + TICK,
    CLOSES + datetime.timedelta(days=1),
]


STAGES = Competition.Stage.values


@pytest.fixture
def calls(cast):
    """One call per status, and an announced call at every evaluation stage."""
    made = {}
    for status in Competition.Status.values:
        call = make_call(cast, status=status)
        Competition.objects.filter(pk=call.pk).update(opens_at=OPENS, closes_at=CLOSES)
        call.refresh_from_db()
        made[status] = call
    for stage in STAGES[1:]:
        call = make_call(cast, status="published")
        Competition.objects.filter(pk=call.pk).update(opens_at=OPENS, closes_at=CLOSES, stage=stage)
        call.refresh_from_db()
        made[stage] = call
    return made


@pytest.mark.parametrize("now", INSTANTS, ids=lambda now: now.isoformat())
def test_python_and_sql_agree_on_every_phase_at_boundaries(calls, now):
    for phase in Phase:
        in_sql = set(
            Competition.objects.filter(pk__in=[c.pk for c in calls.values()])
            .in_phase(phase, now=now)
            .values_list("pk", flat=True)
        )
        in_python = {c.pk for c in calls.values() if c.phase_at(now) == phase}
        assert in_sql == in_python, phase


def test_every_phase_is_reached():
    reached = {
        phase_of(status, OPENS, CLOSES, now, stage)
        for status in Competition.Status.values
        for now in INSTANTS
        for stage in STAGES
    }
    assert reached == set(Phase)


@pytest.mark.parametrize("stage", STAGES)
def test_the_stage_counts_only_past_the_deadline(stage):
    assert phase_of("published", OPENS, CLOSES, OPENS - TICK, stage) is Phase.UPCOMING
    assert phase_of("published", OPENS, CLOSES, CLOSES - TICK, stage) is Phase.ACCEPTING
    after = phase_of("published", OPENS, CLOSES, CLOSES, stage)
    assert after.is_closed and after in AFTER_DEADLINE
    assert phase_of("cancelled", OPENS, CLOSES, CLOSES, stage) is Phase.CANCELLED


def test_past_the_deadline_each_stage_has_its_phase():
    assert phase_of("published", OPENS, CLOSES, CLOSES, "") is Phase.CLOSED
    assert phase_of("published", OPENS, CLOSES, CLOSES, "scoring") is Phase.SCORING
    assert phase_of("published", OPENS, CLOSES, CLOSES, "deliberation") is Phase.DELIBERATION
    assert phase_of("published", OPENS, CLOSES, CLOSES, "results") is Phase.RESULTS
    assert phase_of("published", OPENS, CLOSES, CLOSES, "final") is Phase.FINAL


def test_boundaries_belong_to_the_later_phase():
    assert phase_of("published", OPENS, CLOSES, OPENS - TICK) is Phase.UPCOMING
    assert phase_of("published", OPENS, CLOSES, OPENS) is Phase.ACCEPTING
    assert phase_of("published", OPENS, CLOSES, CLOSES - TICK) is Phase.ACCEPTING
    assert phase_of("published", OPENS, CLOSES, CLOSES) is Phase.CLOSED


def test_named_flags_match_the_vocabulary():
    assert {p for p in Phase if p.before_deadline} == BEFORE_DEADLINE
    assert [p for p in Phase if p.accepting] == [Phase.ACCEPTING]
    assert [p for p in Phase if not p.is_public] == [Phase.DRAFT]
    # "Closed" keeps meaning past the deadline, whatever stage evaluation reached.
    assert {p for p in Phase if p.is_closed} == AFTER_DEADLINE
    assert [p for p in Phase if p.in_admission] == [Phase.CLOSED]
    assert [p for p in Phase if p.scoring] == [Phase.SCORING]
    assert [p for p in Phase if p.deliberation] == [Phase.DELIBERATION]
    assert {p for p in Phase if p.results_published} == {Phase.RESULTS, Phase.FINAL}
    assert [p for p in Phase if p.is_final] == [Phase.FINAL]
    assert Phase.CLOSED.value == "closed"  # the public list's ?phase=closed


def test_several_phases_at_once(calls):
    now = OPENS + TICK
    open_or_draft = Competition.objects.in_phase(Phase.DRAFT, Phase.ACCEPTING, now=now)
    assert set(open_or_draft) == {
        calls["draft"],
        calls["published"],
        *(calls[s] for s in STAGES[1:]),
    }


def test_stages_move_one_way_through_the_model_methods(calls):
    from competitions.exceptions import TransitionNotAllowed

    call = calls["published"]
    with pytest.raises(TransitionNotAllowed):
        call.start_scoring(CLOSES - TICK)  # still accepting bids
    with pytest.raises(TransitionNotAllowed):
        call.start_deliberation(CLOSES)  # skipping scoring
    call.start_scoring(CLOSES)
    assert call.phase_at(CLOSES) is Phase.SCORING
    with pytest.raises(TransitionNotAllowed):
        call.start_scoring(CLOSES)
    with pytest.raises(TransitionNotAllowed):
        call.publish_results(CLOSES)
    call.start_deliberation(CLOSES)
    call.publish_results(CLOSES + TICK)
    assert call.results_published_at == CLOSES + TICK
    assert call.phase_at(CLOSES + TICK).results_published
    with pytest.raises(TransitionNotAllowed):
        call.make_final(CLOSES + TICK)  # the appeal window is open


def test_the_appeal_window_counts_whole_bishkek_days(calls):
    call = calls["results"]
    call.appeal_days = 5
    # Published on 10 March at 15:00 Bishkek (09:00 UTC): appeals until 15 March 23:59:59.
    call.results_published_at = datetime.datetime(2027, 3, 10, 9, 0, tzinfo=datetime.UTC)
    end = datetime.datetime(2027, 3, 15, 18, 0, tzinfo=datetime.UTC)  # 16 March 00:00 Bishkek
    assert call.appeal_deadline == end
    assert not call.appeal_window_open(call.results_published_at - TICK)
    assert call.appeal_window_open(call.results_published_at)
    assert call.appeal_window_open(end - TICK)
    assert not call.appeal_window_open(end)
    call.make_final(end)
    assert call.phase_at(end) is Phase.FINAL
    assert not call.appeal_window_open(end - TICK)  # final: no window any more
