"""Programmes: the kenesh decisions that calls are announced under."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from audit.services import record, snapshot
from competitions.models import (
    Municipality,
    Programme,
    ProgrammeYear,
)
from municipal_order.lib.actors import By


@transaction.atomic
def create_programme(
    municipality: Municipality,
    *,
    data: dict[str, Any],
    budget: dict[int, Any],
    problems: Any,
    by: By,
) -> Programme:
    programme = Programme.objects.create(municipality=municipality, **data)
    for year, amount in sorted(budget.items()):
        ProgrammeYear.objects.create(programme=programme, year=year, amount=amount)
    programme.problems.set(problems)
    record(
        "programme.created",
        programme,
        by=by,
        after={
            **snapshot(programme, ["title", "start_year", "end_year", "kenesh_decision_number"]),
            "kenesh_decision_date": programme.kenesh_decision_date,
            "budget": {str(y): a for y, a in sorted(budget.items())},
        },
    )
    return programme
