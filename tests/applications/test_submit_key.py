"""A submit key that is no key (a NUL byte, a megabyte) is no retry and no 503."""

from __future__ import annotations

import pytest
import time_machine

from applications.models import BidSubmission
from tests.applications.conftest import BEFORE

pytestmark = pytest.mark.django_db


@time_machine.travel(BEFORE, tick=False)
def test_a_nul_byte_in_the_submit_key_still_submits_once(cast, client_for, bid):
    response = client_for(cast.ngo_member).post(
        f"/bids/{bid.pk}/submit/", {"idempotency_key": "abc\x00def"}
    )
    assert response.status_code == 302
    assert BidSubmission.objects.count() == 1


@time_machine.travel(BEFORE, tick=False)
def test_a_stale_tab_submitting_again_is_shown_the_receipt(cast, client_for, bid):
    """UX item 9: it got "not submitted" although the bid was in."""
    client = client_for(cast.ngo_member)
    first = client.post(f"/bids/{bid.pk}/submit/", {"idempotency_key": "tab-a"})
    stale = client.post(f"/bids/{bid.pk}/submit/", {"idempotency_key": "tab-b"})
    assert stale.status_code == 302
    assert stale["Location"] == first["Location"]  # the same receipt
    assert BidSubmission.objects.count() == 1
    page = client.get(stale["Location"]).content.decode()
    assert BidSubmission.objects.get().receipt_number in page
