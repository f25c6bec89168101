"""One phase vocabulary: `Competition.phase_at` and `Competition.objects.in_phase` agree."""

from __future__ import annotations

import datetime

import pytest

from competitions.models import Competition
from competitions.phases import BEFORE_DEADLINE, Phase, phase_of
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


@pytest.fixture
def calls(cast):
    made = {}
    for status in Competition.Status.values:
        call = make_call(cast, status=status)
        Competition.objects.filter(pk=call.pk).update(opens_at=OPENS, closes_at=CLOSES)
        call.refresh_from_db()
        made[status] = call
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
        phase_of(status, OPENS, CLOSES, now)
        for status in Competition.Status.values
        for now in INSTANTS
    }
    assert reached == set(Phase)


def test_boundaries_belong_to_the_later_phase():
    assert phase_of("published", OPENS, CLOSES, OPENS - TICK) is Phase.UPCOMING
    assert phase_of("published", OPENS, CLOSES, OPENS) is Phase.ACCEPTING
    assert phase_of("published", OPENS, CLOSES, CLOSES - TICK) is Phase.ACCEPTING
    assert phase_of("published", OPENS, CLOSES, CLOSES) is Phase.CLOSED


def test_named_flags_match_the_vocabulary():
    assert {p for p in Phase if p.before_deadline} == BEFORE_DEADLINE
    assert [p for p in Phase if p.accepting] == [Phase.ACCEPTING]
    assert [p for p in Phase if not p.is_public] == [Phase.DRAFT]


def test_several_phases_at_once(calls):
    now = OPENS + TICK
    open_or_draft = Competition.objects.in_phase(Phase.DRAFT, Phase.ACCEPTING, now=now)
    assert set(open_or_draft) == {calls["draft"], calls["published"]}
