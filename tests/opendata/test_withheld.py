"""What the packages never show: a draft call, bids before the deadline (sealed), and
anything to anyone by a method other than GET."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from applications.models import Bid
from tests.competitions.conftest import make_call
from tests.factories import BidFactory, BidSubmissionFactory, OrganizationFactory
from tests.opendata.helpers import get_json, record_url, release_url
from tests.opendata.validation import assert_valid_record_package, assert_valid_release_package

pytestmark = pytest.mark.django_db

SUBMITTED_BY = "ОО «Тайная заявка»"
DRAFTED_BY = "ОФ «Черновик»"
BID_TITLE = "Секретный проект"


@pytest.fixture
def accepting(cast):
    """A call taking bids, with a submitted bid and a draft."""
    call = make_call(cast, status="published")
    bid = BidFactory(
        competition=call,
        organization=OrganizationFactory(name_ru=SUBMITTED_BY),
        status=Bid.Status.SUBMITTED,
        title=BID_TITLE,
    )
    BidSubmissionFactory(bid=bid, requested_total=Decimal("300000"))
    BidFactory(
        competition=call,
        organization=OrganizationFactory(name_ru=DRAFTED_BY),
        status=Bid.Status.DRAFT,
        title=BID_TITLE,
    )
    assert call.phase.accepting
    return call


def _keys(node) -> set[str]:
    if isinstance(node, dict):
        return set(node) | {k for v in node.values() for k in _keys(v)}
    if isinstance(node, list):
        return {k for v in node for k in _keys(v)}
    return set()


@pytest.mark.parametrize("url", [release_url, record_url])
def test_before_the_deadline_nothing_of_a_bid_is_published(client, accepting, url):
    package, text = get_json(client, url(accepting))
    if "releases" in package:
        assert_valid_release_package(package)
    else:
        assert_valid_record_package(package)
    keys = _keys(package)
    assert not keys & {"tenderers", "numberOfTenderers", "awards", "contracts"}
    for secret in (SUBMITTED_BY, DRAFTED_BY, BID_TITLE, "300000"):
        assert secret not in text
    assert [t for r in json.loads(text).get("releases", []) for t in r["tag"]] in (
        [],
        ["planning", "tender"],
    )
    roles = {
        role
        for p in (package.get("releases") or package["records"][0]["releases"])
        for party in p["parties"]
        for role in party["roles"]
    }
    assert roles == {"buyer", "procuringEntity"}


def test_a_draft_call_is_not_found(client, cast):
    draft = make_call(cast)
    assert client.get(release_url(draft)).status_code == 404
    assert client.get(record_url(draft)).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/opendata/ocds/ocds-kgmso1-999999/releases.json",
        "/opendata/ocds/ocds-other-1/releases.json",
        "/opendata/ocds/ocds-kgmso1-01/record.json",
        "/opendata/ocds/nonsense/record.json",
    ],
)
def test_an_unknown_ocid_is_not_found(client, cast, path):
    make_call(cast, status="published")
    assert client.get(path).status_code == 404


def test_a_cancelled_call_is_published_as_cancelled(client, cast):
    from competitions.models import Competition

    call = make_call(cast, status="published")
    call.cancel("Бюджет не утверждён")
    call.save()
    assert call.status == Competition.Status.CANCELLED
    package, _ = get_json(client, release_url(call))
    assert_valid_release_package(package)
    assert package["releases"][-1]["tag"] == ["tenderCancellation"]
    assert package["releases"][-1]["tender"]["status"] == "cancelled"


@pytest.mark.parametrize("url", [release_url, record_url])
def test_it_rejects_post(client, cast, url):
    call = make_call(cast, status="published")
    assert client.post(url(call)).status_code == 405
    assert (
        client.post("/opendata/ocds/releases.json?from=2026-01-01&to=2026-01-02").status_code == 405
    )
