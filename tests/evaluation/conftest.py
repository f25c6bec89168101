"""A call of municipality A past its deadline, in admission, with its own commission:
a chair and a secretary who are nobody else, and the cast's commission member as an
ordinary member (officer B stays a true outsider here)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine

from applications.models import Bid, BidSubmission, OrganizationMember
from competitions.models import CommissionMember, Competition
from tests.factories import (
    BidFactory,
    BidSubmissionFactory,
    CompetitionFactory,
    OrganizationFactory,
    OrganizationMemberFactory,
    UserFactory,
)

DEADLINE = datetime.datetime(2026, 12, 31, 12, 0, tzinfo=datetime.UTC)  # 18:00 in Bishkek
BEFORE = DEADLINE - datetime.timedelta(days=1)
AFTER = DEADLINE + datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def _after_the_deadline():
    with time_machine.travel(AFTER, tick=False):
        yield


@pytest.fixture
def secretary(db):
    return UserFactory(email="secretary@cast.kg", full_name="Secretary")


@pytest.fixture
def chair(db):
    return UserFactory(email="chair@cast.kg", full_name="Chair")


@pytest.fixture
def viewer(cast):
    """A member of the applicant organisation who may only read."""
    user = UserFactory(email="viewer@cast.kg", full_name="NGO viewer")
    OrganizationMemberFactory(
        user=user, organization=cast.organization, role=OrganizationMember.Role.VIEWER
    )
    return user


def make_admission_call(cast, chair, secretary, **extra) -> Competition:
    call = CompetitionFactory(
        municipality=cast.municipality_a,
        status=Competition.Status.PUBLISHED,
        now=DEADLINE - datetime.timedelta(days=31),
        opens_at=DEADLINE - datetime.timedelta(days=30),
        closes_at=DEADLINE,
        commission=[
            (chair, CommissionMember.Role.CHAIR, "civil_society"),
            (secretary, CommissionMember.Role.SECRETARY, "state"),
            (cast.commission_member, CommissionMember.Role.MEMBER, "expert"),
        ],
        **extra,
    )
    call.refresh_from_db()
    return call


@pytest.fixture
def call(cast, chair, secretary) -> Competition:
    return make_admission_call(cast, chair, secretary)


def submit(call, organization, *, title="Дневной центр «Күн нуру»", amount="450000"):
    """A submitted bid with its receipt, received a day before the deadline."""
    bid = BidFactory(
        competition=call, organization=organization, status=Bid.Status.SUBMITTED, title=title
    )
    return BidSubmissionFactory(
        bid=bid,
        submitted_at=BEFORE,
        content={"title": title},
        requested_total=Decimal(amount),
    )


@pytest.fixture
def submission(cast, call) -> BidSubmission:
    return submit(call, cast.organization)


@pytest.fixture
def other_submission(cast, call) -> BidSubmission:
    return submit(call, OrganizationFactory(name_ru="ОО «Экинчи»"), title="Второй проект")


def admission_url(call, tail: str = "") -> str:
    return f"/municipalities/{call.municipality.code}/workspace/calls/{call.pk}/admission/{tail}"


# --- a call in scoring: the commission's declarations --------------------------------


def attach_document(submission, name="Устав.pdf"):
    """A stored file of the bid, frozen into the submission's content as submit_bid does."""
    from django.core.files.base import ContentFile

    from applications.models import BidDocument

    document = BidDocument(bid=submission.bid, name=name, kind="pdf", size=8, sha256="0" * 64)
    document.file.save("doc.pdf", ContentFile(b"%PDF-1.4"), save=True)
    content = dict(submission.content)
    content["documents"] = [
        *content.get("documents", []),
        {
            "id": str(document.pk),
            "requirement": "",
            "name": name,
            "kind": "pdf",
            "size": 8,
            "sha256": "0" * 64,
        },
    ]
    submission.content = content
    submission.save(update_fields=["content"])
    return document


def admit_and_open_scoring(call, secretary, submissions):
    from evaluation.services.admission import decide_admission, open_scoring

    for s in submissions:
        decide_admission(s, decision="admitted", by=secretary)
    open_scoring(call, by=secretary)
    call.refresh_from_db()
    return call


def commission_url(call, tail: str = "") -> str:
    return f"/commission/calls/{call.pk}/{tail}"


def bid_url(submission, tail: str = "") -> str:
    return commission_url(submission.bid.competition, f"bids/{submission.pk}/{tail}")


@pytest.fixture
def scoring(cast, call, secretary, submission, other_submission):
    """The call in scoring with two admitted bids; the first has a stored document."""
    document = attach_document(submission)
    admit_and_open_scoring(call, secretary, [submission, other_submission])
    submission.document = document
    return call


@pytest.fixture
def member(cast, scoring):
    """The ordinary member's seat on the call in scoring."""
    return CommissionMember.objects.get(competition=scoring, user=cast.commission_member)


@pytest.fixture
def outsider_seat(db):
    """A member of another call's commission."""
    from tests.factories import CommissionMemberFactory

    other = CompetitionFactory(status=Competition.Status.PUBLISHED)
    return CommissionMemberFactory(
        competition=other, user=UserFactory(email="elsewhere@cast.kg", full_name="Elsewhere")
    )
