"""A final call of municipality A with two selected bids whose frozen content has a
calendar plan, indicators and totals: the cast's organisation asks 450 000, another
organisation 400 000 (the call's budget is 1 000 000). The clock is past the appeal
window, so the call is final, and stays there for the rest of the test.

`projects` are made from it by officer A; `signed` is the cast's project with its
signatories and three tranches adding up to its amount, signed today.
`accept_reports` lets tests about money pay the tranches that wait for a report.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from evaluation.services.appeals import finalize_due_calls
from monitoring.models import ProgressReport, Project
from monitoring.services.projects import (
    TrancheRow,
    create_projects,
    save_agreement,
    sign_agreement,
)
from tests.evaluation import conftest as evaluation
from tests.evaluation.conftest import AFTER, admit_and_open_scoring, make_admission_call, submit
from tests.evaluation.scoring_helpers import close_and_publish, score_all
from tests.factories import OrganizationFactory

# The evaluation tests' fixtures: the clock past the deadline (autouse), the chair and
# the secretary of the call's commission.
_after_the_deadline = evaluation._after_the_deadline
chair = evaluation.chair
secretary = evaluation.secretary

FINAL_AT = AFTER + datetime.timedelta(days=10)  # 2027-01-11: the appeal window is over
TODAY = datetime.date(2027, 1, 11)

OUR_TITLE = "Дневной центр «Күн нуру»"
THEIR_TITLE = "Второй проект"

ACTIVITIES = [
    {
        "activity": "Ремонт помещения",
        "starts_on": "2027-02-01",
        "ends_on": "2027-03-31",
        "responsible": "Руководитель",
        "result": "Отремонтировано",
    },
    {
        "activity": "Закупка оборудования",
        "starts_on": "2027-04-01",
        "ends_on": "2027-05-31",
        "responsible": "Бухгалтер",
        "result": "Оборудование закуплено",
    },
    {
        "activity": "Открытие центра",
        "starts_on": "2027-06-01",
        "ends_on": "2027-09-30",
        "responsible": "Руководитель",
        "result": "Центр работает",
    },
]
INDICATORS = [
    {"name": "Дети в центре", "unit": "человек", "baseline": "0", "target": "20"},
    {"name": "Родители на консультациях", "unit": "человек", "baseline": "5", "target": "40"},
]


def bid_content(title: str, requested: str, own: str, other: str) -> dict:
    total = Decimal(requested) + Decimal(own) + Decimal(other)
    return {
        "title": title,
        "goal": f"Цель: {title}",
        "beneficiaries": 20,
        "activities": ACTIVITIES,
        "indicators": INDICATORS,
        "totals": {"total": str(total), "own": own, "other": other, "requested": requested},
    }


def bid_with_content(call, organization, *, title, requested, own, other):
    submission = submit(call, organization, title=title, amount=requested)
    submission.content = bid_content(title, requested, own, other)
    submission.save(update_fields=["content"])
    return submission


@pytest.fixture
def call(cast, chair, secretary):
    return make_admission_call(cast, chair, secretary)


@pytest.fixture
def our_submission(cast, call):
    return bid_with_content(
        call, cast.organization, title=OUR_TITLE, requested="450000", own="40000", other="10000"
    )


@pytest.fixture
def their_submission(cast, call):
    return bid_with_content(
        call,
        OrganizationFactory(name_ru="ОО «Экинчи»"),
        title=THEIR_TITLE,
        requested="400000",
        own="30000",
        other="15000",
    )


@pytest.fixture
def published_call(cast, call, chair, secretary, our_submission, their_submission):
    """Results published, the appeal window still open: not final yet."""
    admit_and_open_scoring(call, secretary, [our_submission, their_submission])
    score_all(
        call,
        {
            chair: {our_submission: [9, 9], their_submission: [8, 8]},
            secretary: {our_submission: [9, 8], their_submission: [8, 7]},
            cast.commission_member: {our_submission: [8, 9], their_submission: [7, 8]},
        },
    )
    close_and_publish(call, chair, secretary)
    return call


@pytest.fixture
def final_call(published_call):
    """The call made final by the periodic job; the clock stays past the window."""
    with time_machine.travel(FINAL_AT, tick=False):
        assert finalize_due_calls() == 1
        published_call.refresh_from_db()
        assert published_call.phase.is_final
        yield published_call


@pytest.fixture
def projects(cast, final_call) -> list[Project]:
    return create_projects(final_call, by=cast.officer_a)


@pytest.fixture
def ours(projects, our_submission) -> Project:
    return Project.objects.get(submission=our_submission)


SCHEDULE = [
    TrancheRow(Decimal("200000"), datetime.date(2027, 1, 30), "signing"),
    TrancheRow(Decimal("150000"), datetime.date(2027, 5, 1), "interim"),
    TrancheRow(Decimal("100000"), datetime.date(2027, 10, 1), "final"),
]
SIGNATORIES = {
    "municipality_signatory": "Айыл башчысы Асанов А.",
    "organization_signatory": "Председатель Бекова Б.",
}


@pytest.fixture
def signed(cast, ours) -> Project:
    """The cast's project signed today with three tranches adding up to 450 000."""
    project = save_agreement(
        ours, data=SIGNATORIES, tranches=SCHEDULE, expected_version=0, by=cast.officer_a
    )
    project = sign_agreement(project, signed_on=timezone.localdate(), by=cast.officer_a)
    project.refresh_from_db()
    return project


def accept_reports(project: Project) -> None:
    """A shortcut for tests about money, not about reports: every report of the project
    is marked accepted straight in the table (no version, no decision, no audit row, the
    project's figures untouched), so that its interim and final tranches may be paid.
    Reports themselves go through `submit_report` and `decide_report` (test_reports.py).
    """
    ProgressReport.objects.filter(project=project).update(
        status=ProgressReport.Status.ACCEPTED, decided_at=timezone.now()
    )
