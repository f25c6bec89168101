from __future__ import annotations

import pytest

from competitions.models import CommissionMember, Competition
from tests.factories import CompetitionFactory


def make_call(cast, *, status="draft", opens_in_days=-1, closes_in_days=20, **extra):
    """A complete call of municipality A: criteria, commission, programme, problem."""
    return CompetitionFactory(
        municipality=cast.municipality_a,
        status=status,
        opens_in_days=opens_in_days,
        closes_in_days=closes_in_days,
        commission=[
            (cast.commission_member, CommissionMember.Role.CHAIR, "civil_society"),
            (cast.officer_b, CommissionMember.Role.SECRETARY, "state"),
        ],
        **extra,
    )


@pytest.fixture
def draft_call(cast) -> Competition:
    return make_call(cast)


@pytest.fixture
def open_call(cast) -> Competition:
    return make_call(cast, status="published")
