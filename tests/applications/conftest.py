from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine

from applications.services.drafting import save_bid, start_bid
from applications.services.files import add_document
from applications.services.organizations import set_verification
from tests.competitions.conftest import make_call
from tests.files import pdf_upload

DEADLINE = datetime.datetime(2026, 12, 31, 12, 0, tzinfo=datetime.UTC)  # 18:00 in Bishkek
BEFORE = DEADLINE - datetime.timedelta(days=3)

LINES = [
    {
        "category": "staff",
        "item": "Логопед, 9 месяцев",
        "unit": "месяц",
        "quantity": Decimal("9"),
        "unit_cost": Decimal("25000"),
        "own_contribution": Decimal("25000"),
        "other_sources": Decimal("0"),
    },
    {
        "category": "equipment",
        "item": "Тренажёры",
        "unit": "комплект",
        "quantity": Decimal("1"),
        "unit_cost": Decimal("150000"),
        "own_contribution": Decimal("15000"),
        "other_sources": Decimal("10000"),
    },
]


ACTIVITIES = [
    {
        "activity": "Ремонт и оснащение помещения",
        "starts_on": datetime.date(2027, 2, 1),
        "ends_on": datetime.date(2027, 3, 15),
        "responsible": "Директор",
        "result": "Помещение готово",
    },
    {
        "activity": "Занятия с детьми",
        "starts_on": datetime.date(2027, 3, 16),
        "ends_on": datetime.date(2027, 11, 30),
        "responsible": "Логопед",
        "result": "20 детей занимаются 5 дней в неделю",
    },
]
INDICATORS = [
    {
        "name": "Дети, посещающие центр",
        "unit": "человек",
        "baseline": Decimal("0"),
        "target": Decimal("20"),
    }
]
REQUIRED_DOCUMENTS = ["Устав организации", "Смета расходов"]


def fill_bid(bid, cast):
    """Every section of a bid filled in, as the NGO member would (files aside)."""
    return save_bid(
        bid,
        data={
            "problem": bid.competition.problems.first(),
            "title": "Дневной центр «Күн нуру»",
            "summary": "Центр для 20 детей.",
            "goal": "Реабилитация детей.",
            "tasks": "Занятия 5 дней в неделю.",
            "target_group": "Дети с инвалидностью.",
            "beneficiaries": 20,
        },
        budget_lines=LINES,
        activities=ACTIVITIES,
        indicators=INDICATORS,
        expected_version=bid.version,
        by=cast.ngo_member,
    )


@pytest.fixture
def call(cast):
    """Announced the day before BEFORE, closing at DEADLINE."""
    with time_machine.travel(BEFORE - datetime.timedelta(days=1), tick=False):
        call = make_call(
            cast,
            status="published",
            opens_at=DEADLINE - datetime.timedelta(days=30),
            closes_at=DEADLINE,
            implementation_start=datetime.date(2027, 2, 1),
            implementation_end=datetime.date(2027, 11, 30),
            required_documents="\n".join(REQUIRED_DOCUMENTS),
        )
    call.refresh_from_db()  # the values as the views read them (Decimal amounts)
    return call


@pytest.fixture
def bid(cast, call):
    set_verification(cast.organization, verified=True, note="", by=cast.officer_a)
    cast.organization.refresh_from_db()
    with time_machine.travel(BEFORE, tick=False):
        bid = fill_bid(start_bid(call, cast.organization, by=cast.ngo_member), cast)
        for requirement in REQUIRED_DOCUMENTS:
            add_document(
                bid,
                upload=pdf_upload(text=requirement),
                requirement=requirement,
                by=cast.ngo_member,
            )
        return bid
