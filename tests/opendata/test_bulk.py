"""The bulk release package of the calls announced in a period: streamed, valid, and
only those calls."""

from __future__ import annotations

import datetime
import json

import pytest
from django.http import StreamingHttpResponse

from competitions.models import Competition
from municipal_order.lib.dates import BISHKEK
from tests.competitions.conftest import make_call
from tests.opendata.helpers import ocid
from tests.opendata.validation import assert_valid_release_package

pytestmark = pytest.mark.django_db

URL = "/opendata/ocds/releases.json"


def announced(cast, day: datetime.date, hour: int = 10) -> Competition:
    call = make_call(cast, status="published")
    when = datetime.datetime.combine(day, datetime.time(hour), tzinfo=BISHKEK)
    Competition.objects.filter(pk=call.pk).update(published_at=when)
    return call


def stream(client, query: str) -> tuple[StreamingHttpResponse, dict]:
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"].startswith("application/json")
    return response, json.loads(b"".join(response.streaming_content))


def test_it_streams_the_calls_announced_in_the_period(client, cast):
    march = [announced(cast, datetime.date(2026, 3, d)) for d in (1, 15, 31)]
    announced(cast, datetime.date(2026, 2, 28), hour=23)  # the day before, in Bishkek
    announced(cast, datetime.date(2026, 4, 1), hour=0)  # the day after
    make_call(cast)  # a draft is never published
    _, package = stream(client, "from=2026-03-01&to=2026-03-31")
    assert_valid_release_package(package)
    assert package["uri"].endswith("/opendata/ocds/releases.json?from=2026-03-01&to=2026-03-31")
    assert sorted({r["ocid"] for r in package["releases"]}) == sorted(ocid(c) for c in march)
    assert len(package["releases"]) == 2 * len(march)  # planning and tender each


def test_a_period_without_calls_is_not_found(client, cast):
    # OCDS has no empty release package: `releases` needs at least one release.
    announced(cast, datetime.date(2026, 3, 1))
    response = client.get(f"{URL}?from=2025-01-01&to=2025-01-31")
    assert response.status_code == 404
    assert response.json()["error"]


def test_it_reads_the_calls_in_chunks(client, cast, monkeypatch):
    from opendata import selectors

    calls = [announced(cast, datetime.date(2026, 3, d)) for d in range(1, 6)]
    monkeypatch.setattr(selectors, "CHUNK_SIZE", 2)
    seen = []
    real = selectors.calls_published_between

    def spy(first, last, *, chunk_size=selectors.CHUNK_SIZE):
        seen.append(chunk_size)
        return real(first, last, chunk_size=chunk_size)

    monkeypatch.setattr("opendata.views.calls_published_between", spy)
    _, package = stream(client, "from=2026-03-01&to=2026-03-31")
    assert len({r["ocid"] for r in package["releases"]}) == len(calls)
    assert seen == [selectors.CHUNK_SIZE]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "from=2026-03-01",
        "to=2026-03-01",
        "from=yesterday&to=2026-03-01",
        "from=2026-13-01&to=2026-12-31",
        "from=2026-02-30&to=2026-03-01",
        "from=20260301&to=20260302",
        "from=2026-03-02&to=2026-03-01",
        "from=2020-01-01&to=2026-01-01",
    ],
)
def test_a_bad_period_is_refused_with_a_reason(client, query):
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"]
