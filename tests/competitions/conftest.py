from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from competitions.models import (
    CommissionMember,
    Competition,
    Criterion,
    PriorityProblem,
    Programme,
    Sphere,
)


def make_call(cast, *, status="draft", opens_in_days=-1, closes_in_days=20, **extra):
    """A complete call of municipality A: criteria, commission, programme, problem."""
    now = timezone.now()
    programme = Programme.objects.create(
        municipality=cast.municipality_a,
        title="Программа 2026–2027",
        start_year=2026,
        end_year=2027,
        kenesh_decision_number="14-3",
        kenesh_decision_date=datetime.date(2025, 12, 19),
        needs_assessment="СИНС",
    )
    problem = PriorityProblem.objects.create(
        municipality=cast.municipality_a,
        title="Нет центра для детей с инвалидностью",
        description="…",
        sphere=Sphere.objects.get(code="disability"),
        status="published",
    )
    closes = now + datetime.timedelta(days=closes_in_days)
    call = Competition.objects.create(
        municipality=cast.municipality_a,
        programme=programme,
        title="Дневной центр для детей с инвалидностью",
        goal="Открыть дневной центр.",
        tasks="Найти помещение; нанять специалистов.",
        target_group="Дети с инвалидностью и их родители.",
        sphere=Sphere.objects.get(code="disability"),
        total_budget=1_000_000,
        max_per_bid=500_000,
        min_cofinancing_pct=10,
        implementation_start=(closes + datetime.timedelta(days=30)).date(),
        implementation_end=(closes + datetime.timedelta(days=300)).date(),
        opens_at=now + datetime.timedelta(days=opens_in_days),
        closes_at=closes,
        eligible_forms=["public_association", "foundation"],
        status=status,
        published_at=now if status != "draft" else None,
        **extra,
    )
    call.problems.add(problem)
    for i, (title, weight) in enumerate([("Значимость", 60), ("Бюджет", 40)]):
        Criterion.objects.create(competition=call, position=i, title=title, weight=weight)
    CommissionMember.objects.create(
        competition=call, user=cast.commission_member, role="chair", affiliation="civil_society"
    )
    CommissionMember.objects.create(
        competition=call, user=cast.officer_b, role="secretary", affiliation="state"
    )
    return call


@pytest.fixture
def draft_call(cast):
    return make_call(cast)


@pytest.fixture
def open_call(cast):
    return make_call(cast, status="published")
