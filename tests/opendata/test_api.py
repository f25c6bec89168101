"""The public API at /api/v1/: its OpenAPI description holds, every documented path
answers with the documented shape, drafts and sealed bids stay out, the filters,
pages and rate limits work, nothing is written, and lists cost a fixed number of
queries. And the "Open data" page that explains it."""

from __future__ import annotations

import datetime
import ipaddress
import json
import random
import re
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from drf_spectacular.validation import validate_schema
from openapi_spec_validator import validate as validate_openapi

from applications.models import Bid
from competitions.models import Competition, District, Region
from monitoring.models import Milestone, Payment, Project, Tranche
from monitoring.services.projects import record_payment
from opendata.api.pagination import PublicPagination
from tests.competitions.conftest import make_call
from tests.evaluation.conftest import (
    _after_the_deadline,  # noqa: F401  (autouse)
)
from tests.factories import (
    BidFactory,
    BidSubmissionFactory,
    CompetitionFactory,
    OrganizationFactory,
)
from tests.monitoring.conftest import OUR_TITLE, SIGNATORIES, TODAY

pytestmark = pytest.mark.django_db

API = "/api/v1/"
SECRET_ORGANIZATION = "ОО «Тайная заявка»"
SECRET_TITLE = "Секретный проект"
PAYMENT_ORDER = "ПП-77"


@pytest.fixture(autouse=True)
def _generous_rates(settings):
    """Other tests' requests (the same address, often the same frozen instant) never
    throttle these; the rate limit has its own test."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100000/min", "user": "100000/min"},
    }


def get(client, url: str, **extra: Any) -> tuple[dict[str, Any], str]:
    response = client.get(url, **extra)
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    text = response.content.decode()
    return json.loads(text), text


def ids(client, url: str) -> set[int]:
    body, _ = get(client, url)
    return {row["id"] for row in body["results"]}


def schema(client) -> dict[str, Any]:
    response = client.get(API + "schema/?format=json")
    assert response.status_code == 200
    assert "json" in response["Content-Type"]  # application/vnd.oai.openapi+json
    return json.loads(response.content)


# --- the OpenAPI description ---------------------------------------------------------


def test_the_schema_is_valid_openapi_and_lists_every_endpoint(client, cast):
    document = schema(client)
    validate_openapi(document)
    validate_schema(document)
    assert document["info"]["title"] == "Municipal social order — public API"
    assert document["info"]["version"] == "1"
    assert set(document["paths"]) == {
        f"{API}{tail}"
        for tail in (
            "regions/",
            "regions/{code}/",
            "districts/",
            "districts/{code}/",
            "municipalities/",
            "municipalities/{code}/",
            "calls/",
            "calls/{id}/",
            "calls/{id}/results/",
            "projects/",
            "projects/{id}/",
        )
    }
    # GET only, and the filters are documented with their types.
    assert {method for item in document["paths"].values() for method in item} == {"get"}
    calls = {p["name"]: p for p in document["paths"][f"{API}calls/"]["get"]["parameters"]}
    assert {"region", "year", "status", "municipality", "sphere", "page", "page_size"} <= set(calls)
    assert calls["year"]["schema"]["type"] == "integer"
    assert sorted(calls["status"]["schema"]["enum"]) == ["cancelled", "published"]


def test_the_schema_generates_without_warnings(tmp_path):
    call_command(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--file",
        str(tmp_path / "schema.yaml"),
    )
    assert (tmp_path / "schema.yaml").read_text().startswith("openapi: 3")


def test_the_schema_is_also_served_as_yaml(client, db):
    for url in (API + "schema/", API + "schema/?format=yaml"):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.oai.openapi;")
        assert response.content.startswith(b"openapi: 3")


def _resolve(document: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node or "allOf" in node:
        if "allOf" in node:
            node = node["allOf"][0]
            continue
        name = node["$ref"].rsplit("/", 1)[-1]
        node = document["components"]["schemas"][name]
    return node


def _keys(document: dict[str, Any], node: dict[str, Any]) -> set[str]:
    return set(_resolve(document, node)["properties"])


def test_every_documented_path_answers_with_the_documented_shape(client, cast, signed):
    district = District.objects.create(
        region=cast.region_c, code="KG-C-alamudun", name_ru="Аламудунский район", name_ky="Аламүдүн"
    )
    fill = {
        "regions": cast.region_c.code,
        "districts": district.code,
        "municipalities": cast.municipality_a.code,
        "calls": str(signed.competition_id),  # its results are published: the call is final
        "projects": str(signed.pk),
    }
    document = schema(client)
    for path, item in document["paths"].items():
        section = path.split("/")[3]
        url = path.replace("{code}", fill[section]).replace("{id}", fill[section])
        body, _ = get(client, url)
        response = item["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        documented = _resolve(document, response)
        assert set(documented["properties"]) <= set(body), url
        assert set(documented.get("required", [])) <= set(body), url
        if "results" in documented["properties"]:
            assert body["results"], f"{url}: the fixtures give every list a row"
            item_keys = _keys(document, documented["properties"]["results"]["items"])
            assert item_keys <= set(body["results"][0]), url


def test_the_base_url_lists_the_endpoints(client, db):
    body, _ = get(client, API)
    assert body["calls"] == django_settings.SITE_URL + API + "calls/"
    assert set(body) == {"regions", "districts", "municipalities", "calls", "projects", "schema"}


# --- what stays out ------------------------------------------------------------------


def test_a_draft_call_is_neither_listed_nor_found(client, cast):
    draft = make_call(cast)
    announced = make_call(cast, status="published")
    listed = ids(client, API + "calls/")
    assert announced.pk in listed
    assert draft.pk not in listed
    for tail in ("", "results/"):
        assert client.get(f"{API}calls/{draft.pk}/{tail}").status_code == 404
    assert client.get(f"{API}calls/999999/").status_code == 404


def test_results_are_not_found_until_they_are_published(client, call, our_submission):
    assert call.phase.in_admission
    assert client.get(f"{API}calls/{call.pk}/results/").status_code == 404
    body, _ = get(client, f"{API}calls/{call.pk}/")
    assert body["links"]["results"] is None
    assert body["bids_received"] == 1


def test_before_the_deadline_a_call_says_how_many_bids_and_nothing_else(client, cast):
    accepting = make_call(cast, status="published")
    bid = BidFactory(
        competition=accepting,
        organization=OrganizationFactory(name_ru=SECRET_ORGANIZATION),
        status=Bid.Status.SUBMITTED,
        title=SECRET_TITLE,
    )
    BidSubmissionFactory(
        bid=bid, requested_total=Decimal("300000"), content={"title": SECRET_TITLE}
    )
    BidFactory(competition=accepting, status=Bid.Status.DRAFT, title=SECRET_TITLE)
    assert accepting.phase.accepting
    detail, detail_text = get(client, f"{API}calls/{accepting.pk}/")
    assert detail["bids_received"] == 1
    assert detail["phase"] == "accepting"
    _, list_text = get(client, f"{API}calls/?municipality={cast.municipality_a.code}")
    _, projects_text = get(client, f"{API}projects/")
    for text in (detail_text, list_text, projects_text):
        for secret in (SECRET_ORGANIZATION, SECRET_TITLE, "300000"):
            assert secret not in text
    assert client.get(f"{API}calls/{accepting.pk}/results/").status_code == 404


def test_published_results_show_what_the_results_page_shows(client, cast, published_call):
    body, text = get(client, f"{API}calls/{published_call.pk}/results/")
    assert body["edition"] == 1
    assert body["final"] is False
    rows = body["results"]
    assert [r["rank"] for r in rows] == [1, 2]
    assert rows[0]["organization"] == cast.organization.name_ru
    assert rows[0]["project_title"] == OUR_TITLE
    assert {r["status"] for r in rows} == {"selected"}
    assert sorted(r["awarded"] for r in rows) == ["400000.00", "450000.00"]
    # Not each member's scores (the call does not publish them), nobody's name, no INN.
    for secret in ("Chair", "Secretary", "Commission member", cast.organization.inn, "receipt"):
        assert secret not in text
    call, _ = get(client, f"{API}calls/{published_call.pk}/")
    assert call["links"]["results"].endswith(f"{API}calls/{published_call.pk}/results/")
    assert call["links"]["ocds_release_package"].endswith(
        f"/opendata/ocds/{call['ocid']}/releases.json"
    )


def test_projects_are_the_signed_ones_with_their_payments_but_no_payment_order(
    client, cast, signed, projects
):
    record_payment(
        signed.tranches.order_by("position").first(),
        amount=Decimal("200000"),
        paid_on=TODAY,
        reference=PAYMENT_ORDER,
        by=cast.officer_a,
    )
    draft = next(p for p in projects if p.pk != signed.pk)
    assert draft.status == Project.Status.DRAFT
    assert ids(client, API + "projects/") == {signed.pk}
    assert client.get(f"{API}projects/{draft.pk}/").status_code == 404
    body, text = get(client, f"{API}projects/{signed.pk}/")
    assert body["payments"] == [{"paid_on": TODAY.isoformat(), "amount": "200000.00"}]
    assert body["paid_total"] == "200000.00"
    assert body["organization"] == cast.organization.name_ru
    assert body["region"] == cast.region_c.code
    assert [m["status"] for m in body["milestones"]] == ["planned"] * 3
    for secret in (PAYMENT_ORDER, *SIGNATORIES.values(), cast.organization.inn):
        assert secret not in text
    # The list is the summary: the plan and the payments are the project's own.
    page, _ = get(client, API + "projects/")
    [listed] = page["results"]
    assert listed["progress"] == body["progress"] and listed["paid_total"] == "200000.00"
    assert not {"milestones", "payments", "goal"} & set(listed)


# --- filters and pages ---------------------------------------------------------------


def test_calls_filter_by_region_year_status_phase_and_municipality(client, cast):
    this_year = make_call(cast, status="published")  # announced 2027-01-01 (Bishkek)
    older = make_call(
        cast, status="published", now=datetime.datetime(2025, 6, 1, 6, tzinfo=datetime.UTC)
    )
    cancelled = CompetitionFactory(municipality=cast.municipality_b, status="cancelled")
    url = API + "calls/"
    assert ids(client, url) == {this_year.pk, older.pk, cancelled.pk}
    assert ids(client, url + "?region=KG-C") == {this_year.pk, older.pk}
    assert ids(client, url + "?region=KG-Y") == {cancelled.pk}
    assert ids(client, url + "?year=2025") == {older.pk}
    assert ids(client, url + "?year=2027") == {this_year.pk, cancelled.pk}
    assert ids(client, url + "?year=2027&region=KG-C") == {this_year.pk}
    assert ids(client, url + "?status=cancelled") == {cancelled.pk}
    assert ids(client, url + "?phase=accepting") == {this_year.pk}
    assert ids(client, url + "?municipality=cast-b") == {cancelled.pk}
    assert ids(client, url + f"?sphere={this_year.sphere_id}") >= {this_year.pk}
    for wrong in ("status=draft", "year=twenty", "year=1900", "phase=draft", "sphere=x"):
        response = client.get(f"{url}?{wrong}")
        assert response.status_code == 400, wrong
        assert wrong.split("=")[0] in response.json()


def test_projects_filter_by_region_year_and_status(client, cast, signed):
    url = API + "projects/"
    assert ids(client, url + "?region=KG-C") == {signed.pk}
    assert ids(client, url + "?region=KG-Y") == set()
    announced = signed.competition.published_at.astimezone(datetime.UTC).year
    assert ids(client, url + f"?year={announced}") == {signed.pk}
    assert ids(client, url + f"?year={announced + 1}") == set()
    assert ids(client, url + "?status=active") == {signed.pk}
    assert ids(client, url + "?status=completed") == set()
    assert client.get(url + "?status=draft").status_code == 400


def test_territories_filter_by_region_and_are_found_by_code(client, cast):
    municipalities, _ = get(client, API + "municipalities/?region=KG-Y")
    assert [m["code"] for m in municipalities["results"]] == ["cast-b"]
    (city,) = municipalities["results"]
    assert city["name_ky"] == "Каракол шаары"
    assert city["district"] is None
    assert city["successor"] is None
    region, _ = get(client, f"{API}regions/KG-C/")
    assert region == {
        "code": "KG-C",
        "kind": "oblast",
        "name_ru": "Чуйская область",
        "name_ky": "Чүй облусу",
        "name_en": "Chüy",
    }
    assert client.get(f"{API}regions/KG-NOPE/").status_code == 404
    assert len(get(client, API + "municipalities/?current=true")[0]["results"]) == 2
    assert get(client, API + "municipalities/?current=false")[0]["results"] == []
    assert client.get(API + "municipalities/?current=maybe").status_code == 400


def test_lists_come_in_pages_of_50_and_at_most_200(client, cast):
    Region.objects.bulk_create(
        Region(code=f"T-{n:03d}", kind="oblast", name_ru=f"Область {n}", name_ky=f"Облус {n}")
        for n in range(205)
    )
    total = Region.objects.count()
    first, _ = get(client, API + "regions/")
    assert first["count"] == total
    assert len(first["results"]) == 50
    assert first["previous"] is None
    assert "page=2" in first["next"]
    capped, _ = get(client, API + "regions/?page_size=1000")
    assert len(capped["results"]) == PublicPagination.max_page_size == 200
    last, _ = get(client, API + "regions/?page_size=200&page=2")
    assert len(last["results"]) == total - 200
    assert last["next"] is None
    assert client.get(API + "regions/?page=99").status_code == 404


# --- nothing is written; the rate limit --------------------------------------------------

WRITE = re.compile(r"^\s*(?:INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
SESSION = re.compile(r'"?django_session"?', re.IGNORECASE)


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_other_methods_are_refused_and_write_nothing(client_for, cast, method):
    call = make_call(cast, status="published")
    for who in (None, cast.ngo_member):
        client = client_for(who)
        for url in (f"{API}calls/", f"{API}calls/{call.pk}/", f"{API}projects/"):
            with CaptureQueriesContext(connection) as queries:
                response = getattr(client, method)(
                    url, data={"title": "Изменено"}, content_type="application/json"
                )
            assert response.status_code == 405, (method, url, who)
            writes = [
                q["sql"]
                for q in queries.captured_queries
                if WRITE.match(q["sql"]) and not SESSION.search(q["sql"])
            ]
            assert writes == []
    call.refresh_from_db()
    assert call.title != "Изменено"


def _address() -> str:
    """An address no other test uses: the cache may be shared (Redis in CI)."""
    return str(ipaddress.IPv4Address((10 << 24) | random.getrandbits(24)))


def test_an_address_over_its_rate_gets_429_until_the_minute_is_over(client_for, cast, settings):
    cache.clear()
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/min", "user": "5/min"},
    }
    address, other = _address(), _address()
    client = client_for(None)
    for _ in range(3):
        assert client.get(API + "regions/", REMOTE_ADDR=address).status_code == 200
    refused = client.get(API + "calls/", REMOTE_ADDR=address)
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    assert client.get(API + "regions/", REMOTE_ADDR=other).status_code == 200
    # A signed-in person is counted as a person, not as the address.
    client = client_for(cast.ngo_member)
    assert client.get(API + "regions/", REMOTE_ADDR=address).status_code == 200


def test_a_visitor_is_held_to_the_visitors_rate_only(client_for, cast, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "6/min", "user": "3/min"},
    }
    address = _address()
    client = client_for(None)
    statuses = [client.get(API + "regions/", REMOTE_ADDR=address).status_code for _ in range(7)]
    assert statuses == [200] * 6 + [429]


# --- queries -------------------------------------------------------------------------


def _queries(client, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        body, _ = get(client, url)
    return len(captured.captured_queries), body["count"]


def _announced_call_with_a_bid(cast) -> Competition:
    call = make_call(cast, status="published")
    bid = BidFactory(competition=call, status=Bid.Status.SUBMITTED)
    BidSubmissionFactory(bid=bid)
    return call


def test_the_list_of_calls_costs_the_same_queries_for_2_or_8_calls(client, cast):
    for _ in range(2):
        _announced_call_with_a_bid(cast)
    with_two = _queries(client, API + "calls/")
    for _ in range(6):
        _announced_call_with_a_bid(cast)
    with_eight = _queries(client, API + "calls/")
    assert (with_two[1], with_eight[1]) == (2, 8)
    assert with_two[0] == with_eight[0]


def _signed_project(call: Competition, n: int) -> Project:
    organization = OrganizationFactory()
    bid = BidFactory(competition=call, organization=organization, status=Bid.Status.SUBMITTED)
    project = Project.objects.create(
        submission=BidSubmissionFactory(bid=bid),
        competition=call,
        municipality=call.municipality,
        organization=organization,
        number=f"API-{n}",
        title=f"Проект {n}",
        amount=Decimal("100000"),
        starts_on=datetime.date(2027, 2, 1),
        ends_on=datetime.date(2027, 9, 30),
        signed_on=datetime.date(2027, 1, 1),
        status=Project.Status.ACTIVE,
    )
    for position in range(2):
        Milestone.objects.create(
            project=project,
            position=position,
            activity=f"Этап {position}",
            starts_on=datetime.date(2027, 2, 1),
            ends_on=datetime.date(2027, 3, 1),
        )
    tranche = Tranche.objects.create(
        project=project,
        amount=Decimal("100000"),
        due_on=datetime.date(2027, 2, 1),
        condition="signing",
    )
    Payment.objects.create(
        tranche=tranche,
        amount=Decimal("50000"),
        paid_on=datetime.date(2027, 1, 1),
        reference=f"P{n}",
    )
    return project


def test_the_list_of_projects_costs_the_same_queries_for_2_or_8_projects(client, cast):
    call = make_call(cast, status="published")
    for n in range(2):
        _signed_project(call, n)
    with_two = _queries(client, API + "projects/")
    for n in range(2, 8):
        _signed_project(call, n)
    with_eight = _queries(client, API + "projects/")
    assert (with_two[1], with_eight[1]) == (2, 8)
    assert with_two[0] == with_eight[0]


# --- the Open data page --------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "heading"),
    [("ru", None), ("ky", None), ("en", "Open data")],
)
def test_the_open_data_page_explains_the_api_and_the_ocds_packages(client, cast, language, heading):
    client.cookies["mo_language"] = language
    response = client.get("/opendata/")
    assert response.status_code == 200
    text = response.content.decode()
    assert f'<html lang="{language}"' in text
    assert django_settings.SITE_URL + API in text
    assert "/opendata/ocds/releases.json?from=YYYY-MM-DD&amp;to=YYYY-MM-DD" in text
    assert django_settings.OCDS_OCID_PREFIX in text
    assert f'href="{API}schema/?format=json"' in text
    assert "creativecommons.org/licenses/by/4.0/" in text
    if heading:
        assert heading in text


def test_the_footer_links_the_open_data_page(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert 'href="/opendata/"' in response.content.decode()
