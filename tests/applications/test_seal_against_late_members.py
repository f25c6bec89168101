"""Issue item 1: joining an organisation is no way around the seal."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from applications.models import OrganizationMember
from applications.services.seal import break_seal
from applications.services.submission import submit_bid
from tests.applications.conftest import BEFORE, DEADLINE
from tests.factories import OrganizationMemberFactory, UserFactory

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)
REASON = "Court order No. 12-345 of the Pervomaisky district court, 2026"


@pytest.fixture
def submitted(bid, cast):
    with time_machine.travel(BEFORE, tick=False):
        submission = submit_bid(bid, idempotency_key="late-member", by=cast.ngo_member)
    return bid, submission


@pytest.fixture
def late_member(submitted, cast):
    with time_machine.travel(BEFORE + HOUR, tick=False):
        return OrganizationMemberFactory(
            organization=cast.organization, user=UserFactory(), role=OrganizationMember.Role.ADMIN
        ).user


def _pages(bid, submission):
    document = bid.documents.first()
    return [
        f"/bids/{bid.pk}/",
        f"/bids/{bid.pk}/documents/{document.pk}/",
        f"/bids/{bid.pk}/receipts/{submission.pk}/",
        f"/bids/{bid.pk}/edit/project/",
    ]


@time_machine.travel(BEFORE + 2 * HOUR, tick=False)
def test_a_member_who_joined_after_the_submission_cannot_open_it_before_the_deadline(
    submitted, late_member, client_for, caplog
):
    bid, submission = submitted
    client = client_for(late_member)
    for url in _pages(bid, submission):
        response = client.get(url)
        assert response.status_code == 403, url
        assert bid.title not in response.content.decode()
    assert "sealed_to_late_member" in caplog.text


@time_machine.travel(BEFORE + 2 * HOUR, tick=False)
def test_members_from_before_the_submission_still_read_their_bid(
    submitted, late_member, client_for, cast
):
    bid, submission = submitted
    client = client_for(cast.ngo_member)
    assert client.get(f"/bids/{bid.pk}/").status_code == 200
    assert client.get(f"/bids/{bid.pk}/receipts/{submission.pk}/").status_code == 200


def test_the_late_member_reads_it_after_the_deadline(submitted, late_member, client_for):
    bid, submission = submitted
    with time_machine.travel(DEADLINE + HOUR, tick=False):
        for url in _pages(bid, submission)[:3]:
            assert client_for(late_member).get(url).status_code == 200, url


def test_a_public_seal_break_opens_it_to_the_late_member(submitted, late_member, client_for, cast):
    bid, _ = submitted
    with time_machine.travel(BEFORE + 2 * HOUR, tick=False):
        break_seal(bid.competition, reason=REASON, by=cast.site_admin)
        assert client_for(late_member).get(f"/bids/{bid.pk}/").status_code == 200


@time_machine.travel(BEFORE + 2 * HOUR, tick=False)
def test_a_draft_stays_open_to_every_member(bid, late_member_of_draft, client_for):
    assert client_for(late_member_of_draft).get(f"/bids/{bid.pk}/").status_code == 200


@pytest.fixture
def late_member_of_draft(bid, cast):
    with time_machine.travel(BEFORE + HOUR, tick=False):
        return OrganizationMemberFactory(
            organization=cast.organization, user=UserFactory(), role=OrganizationMember.Role.EDITOR
        ).user
