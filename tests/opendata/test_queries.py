"""The per-call packages read a fixed number of queries, whatever the number of bids."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.evaluation.conftest import (
    _after_the_deadline,  # noqa: F401  (autouse)
    submit,
)
from tests.factories import OrganizationFactory
from tests.opendata.helpers import record_url, release_url

pytestmark = pytest.mark.django_db


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def add_bids(call, n: int) -> None:
    for _ in range(n):
        submit(call, OrganizationFactory(), title="Заявка")


@pytest.mark.parametrize("url", [release_url, record_url])
def test_two_bids_or_six_cost_the_same_queries(client, call, url):
    add_bids(call, 2)
    with_two = queries(client, url(call))
    add_bids(call, 4)
    with_six = queries(client, url(call))
    assert with_two == with_six
    assert client.get(url(call)).json()  # and the six are there:
    body = client.get(release_url(call)).json()
    assert body["releases"][-1]["tender"]["numberOfTenderers"] == 6
