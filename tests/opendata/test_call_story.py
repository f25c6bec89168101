"""A call through every stage in OCDS: announced, past the deadline, results, final
with a signed agreement, a payment and a milestone met."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from monitoring.services.projects import record_payment, update_milestone
from tests.evaluation.conftest import (
    DEADLINE,
    _after_the_deadline,  # noqa: F401  (autouse)
)
from tests.monitoring.conftest import OUR_TITLE, TODAY
from tests.opendata.helpers import get_json, ocid, record_url, release_url, releases_tagged
from tests.opendata.validation import assert_valid_record_package, assert_valid_release_package

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(cast, signed):
    """The signing tranche paid today, the first milestone done."""
    record_payment(
        signed.tranches.order_by("position").first(),
        amount=Decimal("200000"),
        paid_on=TODAY,
        reference="ПП-77",
        by=cast.officer_a,
    )
    update_milestone(
        signed.milestones.order_by("position").first(),
        status="done",
        percent=100,
        by=cast.officer_a,
    )
    signed.refresh_from_db()
    return signed


def test_the_release_package_of_a_final_call_has_every_stage(client, cast, final_call, paid):
    package, text = get_json(client, release_url(final_call))
    assert_valid_release_package(package)
    assert package["version"] == "1.1"
    assert package["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert package["uri"].endswith(release_url(final_call))
    releases = package["releases"]
    assert {r["ocid"] for r in releases} == {ocid(final_call)}
    assert len({r["id"] for r in releases}) == len(releases)
    assert [r["date"] for r in releases] == sorted(r["date"] for r in releases)
    assert [t for r in releases for t in r["tag"]] == [
        "planning",
        "tender",
        "tenderUpdate",
        "award",
        "tenderUpdate",
        "awardUpdate",
        "contract",
        "implementation",
    ]

    (planning,) = releases_tagged(package, "planning")
    assert planning["planning"]["budget"]["amount"] == {"amount": 1000000, "currency": "KGS"}
    assert planning["planning"]["rationale"]
    (buyer,) = planning["parties"]
    assert buyer["id"] == f"municipality-{final_call.municipality.code}"
    assert buyer["address"]["region"] == final_call.municipality.region.name_ru

    (tender,) = releases_tagged(package, "tender")
    assert tender["tender"]["procurementMethod"] == "open"
    assert tender["tender"]["mainProcurementCategory"] == "services"
    assert tender["tender"]["tenderPeriod"]["endDate"] == "2026-12-31T12:00:00Z"
    assert "tenderers" not in tender["tender"]

    at_deadline = releases[2]
    assert at_deadline["date"] == "2026-12-31T12:00:00Z"
    assert at_deadline["tender"]["numberOfTenderers"] == 2
    assert sorted(t["name"] for t in at_deadline["tender"]["tenderers"]) == sorted(
        [cast.organization.name_ru, "ОО «Экинчи»"]
    )

    (award,) = releases_tagged(package, "award")
    assert award["tender"]["status"] == "complete"
    amounts = sorted(a["value"]["amount"] for a in award["awards"])
    assert amounts == [400000, 450000]
    assert {a["status"] for a in award["awards"]} == {"pending"}
    (final,) = releases_tagged(package, "awardUpdate")
    assert {a["status"] for a in final["awards"]} == {"active"}

    (contract_release,) = releases_tagged(package, "contract")
    (contract,) = contract_release["contracts"]
    assert contract["id"] == paid.number
    assert contract["status"] == "active"
    assert contract["value"] == {"amount": 450000, "currency": "KGS"}
    assert contract["dateSigned"].startswith(
        (datetime.datetime.combine(TODAY, datetime.time()) - datetime.timedelta(hours=6))
        .date()
        .isoformat()
    )
    our_award = next(a for a in award["awards"] if a["title"] == OUR_TITLE)
    assert contract["awardID"] == our_award["id"]

    (implementation,) = releases_tagged(package, "implementation")
    (transaction,) = implementation["contracts"][0]["implementation"]["transactions"]
    assert transaction["value"] == {"amount": 200000, "currency": "KGS"}
    assert transaction["payer"]["id"] == buyer["id"]
    assert transaction["payee"]["id"] == f"organization-{cast.organization.pk}"
    statuses = [m["status"] for m in implementation["contracts"][0]["implementation"]["milestones"]]
    assert statuses == ["met", "scheduled", "scheduled"]

    # Never the payment order, a member's score, the signatories or the bank details.
    assert "ПП-77" not in text
    assert "score" not in text.lower()
    assert "Асанов" not in text
    assert cast.organization.inn not in text


def test_the_record_compiles_the_latest_value_of_each_field(client, final_call, paid):
    package, _ = get_json(client, record_url(final_call))
    assert_valid_record_package(package)
    (record,) = package["records"]
    assert record["ocid"] == ocid(final_call)
    assert len(record["releases"]) == 7
    assert package["packages"][0].endswith(release_url(final_call))
    compiled = record["compiledRelease"]
    assert compiled["tag"] == ["compiled"]
    assert compiled["date"] == record["releases"][-1]["date"]
    tender = compiled["tender"]
    # Fields of the announcement kept, the later statuses and applicants merged in.
    assert tender["title"] == final_call.title
    assert tender["status"] == "complete"
    assert tender["numberOfTenderers"] == 2
    assert {a["status"] for a in compiled["awards"]} == {"active"}
    assert all(a["value"]["currency"] == "KGS" for a in compiled["awards"])
    (contract,) = compiled["contracts"]
    assert contract["value"]["amount"] == 450000
    assert contract["implementation"]["transactions"][0]["value"]["amount"] == 200000
    # Parties merged on their id: the buyer once, with the payer role of the payments.
    buyer = [p for p in compiled["parties"] if p["id"].startswith("municipality-")]
    assert len(buyer) == 1 and "payer" in buyer[0]["roles"]
    assert len(compiled["parties"]) == 3


def test_after_the_deadline_the_applicants_are_public_but_no_result(
    client, call, our_submission, their_submission
):
    assert call.phase.in_admission
    package, _ = get_json(client, release_url(call))
    assert_valid_release_package(package)
    (update,) = releases_tagged(package, "tenderUpdate")
    assert update["tender"]["numberOfTenderers"] == 2
    assert not any("awards" in r or "contracts" in r for r in package["releases"])
    assert call.closes_at == DEADLINE


def test_while_appeals_may_be_filed_the_awards_are_pending(client, published_call):
    assert published_call.phase.results_published and not published_call.phase.is_final
    package, _ = get_json(client, release_url(published_call))
    assert_valid_release_package(package)
    (award,) = releases_tagged(package, "award")
    assert {a["status"] for a in award["awards"]} == {"pending"}
    assert not releases_tagged(package, "awardUpdate")
    assert not releases_tagged(package, "contract")


def test_a_corrected_edition_cancels_an_award_that_lost_its_selection(
    client, cast, published_call, their_submission
):
    from django.utils import timezone

    from evaluation.models import BidResult, CallEvaluation, ResultChange

    first, _ = get_json(client, release_url(published_call))
    (first_award,) = releases_tagged(first, "award")
    # What republishing after an upheld appeal leaves (evaluation.services.appeals).
    evaluation = CallEvaluation.objects.get(competition=published_call)
    result = BidResult.objects.get(submission=their_submission)
    ResultChange.objects.create(
        evaluation=evaluation,
        submission=their_submission,
        edition=2,
        before={"status": "selected"},
        after={"status": "reserve"},
        reason="Апелляция удовлетворена",
        created_at=timezone.now() + datetime.timedelta(hours=1),
    )
    BidResult.objects.filter(pk=result.pk).update(status="reserve", awarded=None)
    CallEvaluation.objects.filter(pk=evaluation.pk).update(edition=2)

    package, _ = get_json(client, release_url(published_call))
    assert_valid_release_package(package)
    (award,) = releases_tagged(package, "award")
    assert award["id"] != first_award["id"]
    assert award["date"] > first_award["date"]
    statuses = {a["id"]: a["status"] for a in award["awards"]}
    assert statuses[f"award-{result.pk}"] == "cancelled"
    assert sorted(statuses.values()) == ["cancelled", "pending"]
    record, _ = get_json(client, record_url(published_call))
    assert_valid_record_package(record)


def test_the_call_page_links_its_open_data(client, english, published_call):
    response = english(None).get(f"/calls/{published_call.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "OCDS release package (JSON)" in page
    assert "OCDS record (JSON)" in page
    assert f'href="{release_url(published_call)}"' in page
    assert f'href="{record_url(published_call)}"' in page
