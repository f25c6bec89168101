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
