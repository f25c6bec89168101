"""The ministry's dashboards: figures from SQL, drill-down, region scoping, sealed bids,
the lists behind the figures and a fixed number of queries."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from applications.models import Bid
from competitions.models import Competition, Sphere
from monitoring.services.projects import record_payment
from opendata import dashboards
from opendata.dashboards import Filters, Scope
from tests.evaluation.conftest import (
    BEFORE,
    _after_the_deadline,  # noqa: F401  (autouse: the call's story runs after its deadline)
)
from tests.factories import BidFactory, CompetitionFactory, MunicipalityFactory
from tests.monitoring.conftest import OUR_TITLE, THEIR_TITLE, TODAY

pytestmark = pytest.mark.django_db

COUNTRY = "/ministry/"


@pytest.fixture
def paid(cast, signed):
    """The cast's final call with our project signed and its first tranche paid."""
    with time_machine.travel(datetime.datetime(2027, 1, 11, 6, tzinfo=datetime.UTC), tick=False):
        record_payment(
            signed.tranches.order_by("position").first(),
            amount=Decimal("200000"),
            paid_on=TODAY,
            reference="ПП-77",
            by=cast.officer_a,
        )
    signed.refresh_from_db()
    return signed


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# --- the figures ---------------------------------------------------------------------------


def test_the_country_adds_up_every_stage_of_the_call(cast, paid, final_call):
    board = dashboards.dashboard(Scope(), Filters())
    total = board.total
    assert (total.calls, total.bids, total.organizations) == (1, 2, 2)
    assert total.announced == final_call.total_budget
    assert total.awarded == Decimal("850000")  # both bids selected in full
    assert (total.projects, total.on_track, total.late) == (1, 1, 0)  # the other is a draft
    assert total.disbursed == Decimal("200000")
    assert total.cofinancing == paid.cofinancing
    rows = {row.unit.code: row for row in board.rows}
    assert rows["KG-C"].calls == 1 and rows["KG-C"].awarded == Decimal("850000")
    assert rows["KG-Y"].calls == 0 and rows["KG-Y"].awarded == 0


def test_a_region_lists_its_districts_and_its_cities_without_one(cast, paid):
    board = dashboards.dashboard(Scope(region=cast.region_c), Filters())
    units = {row.unit.code: row for row in board.rows}
    # Municipality A has no district: it stands as a unit of its own, with the call.
    assert units[cast.municipality_a.code].calls == 1
    assert board.total.calls == 1


def test_the_year_and_the_sphere_narrow_every_figure(cast, paid, final_call):
    year = final_call.published_at.year
    assert dashboards.dashboard(Scope(), Filters(year=year)).total.calls == 1
    assert dashboards.dashboard(Scope(), Filters(year=year - 1)).total.awarded == 0
    other_sphere = final_call.sphere_id + 1000
    nothing = dashboards.dashboard(Scope(), Filters(sphere_id=other_sphere)).total
    assert (nothing.calls, nothing.bids, nothing.projects, nothing.disbursed) == (0, 0, 0, 0)


def test_a_project_with_a_milestone_past_its_end_is_late(cast, paid):
    late_day = paid.milestones.order_by("position").first().ends_on + datetime.timedelta(days=1)
    with time_machine.travel(datetime.datetime.combine(late_day, datetime.time(6)), tick=False):
        board = dashboards.dashboard(Scope(), Filters())
        assert (board.total.on_track, board.total.late) == (0, 1)
        assert board.attention["late_projects"] == 1


def test_calls_long_past_the_deadline_without_results_need_attention(cast):
    CompetitionFactory(
        municipality=cast.municipality_b,
        status=Competition.Status.PUBLISHED,
        opens_in_days=-60,
        closes_in_days=-31,
    )
    CompetitionFactory(
        municipality=cast.municipality_b,
        status=Competition.Status.PUBLISHED,
        opens_in_days=-60,
        closes_in_days=-29,
    )
    assert dashboards.attention(Scope())["calls_without_results"] == 1
    assert dashboards.attention(Scope(region=cast.region_c))["calls_without_results"] == 0


# --- the pages -------------------------------------------------------------------------------


def test_the_dashboard_shows_charts_with_tables_and_links_to_the_lists(english, cast, paid):
    page = english(cast.ministry).get(COUNTRY)
    assert page.status_code == 200
    html = text(page)
    assert html.count('<svg class="chart"') == 2 and 'role="img"' in html
    assert "<table" in html and "Chüy" in html and "Issyk-Kul" in html
    assert f'href="/ministry/regions/{cast.region_c.code}/"' in html
    assert "/ministry/projects/?region=KG-C&amp;state=late" in html
    assert "/ministry/calls/?region=KG-C" in html


def test_drilling_down_to_a_municipality(english, cast, paid):
    client = english(cast.ministry)
    region = client.get(f"/ministry/regions/{cast.region_c.code}/")
    assert f'href="/ministry/municipalities/{cast.municipality_a.code}/"' in text(region)
    page = client.get(f"/ministry/municipalities/{cast.municipality_a.code}/")
    assert page.status_code == 200
    assert page.context["board"].total.calls == 1
    assert "/ministry/projects/?municipality=cast-a" in text(page)


def test_oblast_staff_see_their_oblast_only(english, cast, paid):
    client = english(cast.ministry_y)
    response = client.get(COUNTRY, {"year": "2026"})
    assert response.status_code == 302
    assert response["Location"] == f"/ministry/regions/{cast.region_y.code}/?year=2026"
    assert client.get(f"/ministry/regions/{cast.region_y.code}/").status_code == 200
    for url in (
        f"/ministry/regions/{cast.region_c.code}/",
        f"/ministry/municipalities/{cast.municipality_a.code}/",
        "/ministry/calls/?region=KG-C",
        "/ministry/projects/?municipality=cast-a",
        "/ministry/problems/",
    ):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("who", ["officer_a", "ngo_member", "commission_member"])
def test_others_signed_in_are_refused(english, cast, who):
    client = english(getattr(cast, who))
    for url in (COUNTRY, f"/ministry/regions/{cast.region_c.code}/", "/ministry/calls/"):
        assert client.get(url).status_code == 403


def test_visitors_are_asked_to_sign_in(client):
    response = client.get(COUNTRY)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("url", [COUNTRY, "/ministry/regions/KG-C/", "/ministry/projects/"])
def test_the_pages_only_read(english, cast, url):
    assert english(cast.ministry).post(url).status_code == 405


def test_site_administrators_see_the_country(english, cast):
    assert english(cast.site_admin).get(COUNTRY).status_code == 200


# --- the lists behind the figures ----------------------------------------------------------


def test_the_calls_list_counts_bids_and_sums_the_awards(english, cast, paid, final_call):
    page = english(cast.ministry).get("/ministry/calls/", {"region": "KG-C", "state": "results"})
    assert page.status_code == 200
    [call] = page.context["page"].object_list
    assert (call.bids_received, call.awarded_total) == (2, Decimal("850000"))
    # The filter form keeps the scope and the state.
    assert '<input type="hidden" name="region" value="KG-C">' in text(page)
    assert '<input type="hidden" name="state" value="results">' in text(page)


def test_the_projects_list_filters_by_state(english, cast, paid):
    client = english(cast.ministry)
    on_track = client.get("/ministry/projects/", {"state": "on_track"}).context["page"]
    assert [p.pk for p in on_track.object_list] == [paid.pk]
    assert not client.get("/ministry/projects/", {"state": "late"}).context["page"].object_list


def test_before_the_deadline_only_the_number_of_bids_shows(english, cast, our_submission):
    municipality = f"/ministry/municipalities/{cast.municipality_a.code}/"
    with time_machine.travel(BEFORE, tick=False):
        client = english(cast.ministry)
        for url in (COUNTRY, "/ministry/calls/", municipality):
            response = client.get(url)
            assert response.status_code == 200
            html = text(response)
            assert OUR_TITLE not in html and THEIR_TITLE not in html
            assert cast.organization.name_ru not in html and "450 000" not in html
        assert dashboards.dashboard(Scope(), Filters()).total.bids == 1
        [listed] = client.get("/ministry/calls/").context["page"].object_list
        assert listed.bids_received == 1 and listed.awarded_total is None


# --- a fixed number of queries ----------------------------------------------------------------


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def more_calls(region, n: int) -> None:
    for _ in range(n):
        call = CompetitionFactory(
            municipality=MunicipalityFactory(region=region),
            status=Competition.Status.PUBLISHED,
            opens_in_days=-60,
            closes_in_days=-40,
        )
        BidFactory.create_batch(2, competition=call, status=Bid.Status.SUBMITTED)


@pytest.mark.parametrize(
    "url",
    [
        COUNTRY,
        "/ministry/regions/KG-Y/",
        "/ministry/calls/",
        "/ministry/projects/",
        "/ministry/problems/",
    ],
)
def test_the_same_number_of_queries_at_any_size(english, cast, paid, url):
    client = english(cast.ministry)
    queries(client, url)  # the session's first request reads more
    small = queries(client, url)
    more_calls(cast.region_y, 6)
    assert queries(client, url) == small


def test_the_ministry_home_says_what_needs_attention_and_leads_to_the_figures(english, cast):
    CompetitionFactory(
        municipality=cast.municipality_b,
        status=Competition.Status.PUBLISHED,
        opens_in_days=-60,
        closes_in_days=-31,
    )
    national = text(english(cast.ministry).get("/accounts/"))
    assert "1 call without results 30 days after the deadline" in national
    assert 'href="/ministry/"' in national
    issyk_kul = text(english(cast.ministry_y).get("/accounts/"))
    assert "Issyk-Kul: needs attention" in issyk_kul
    assert 'href="/ministry/calls/?region=KG-Y&amp;state=without_results"' in issyk_kul
    assert "needs attention" not in text(english(cast.officer_b).get("/accounts/")).replace(
        "Needs your attention", ""
    )


def test_the_figures_are_kept_a_few_minutes_and_say_as_of_when(english, cast, settings):
    settings.DASHBOARD_CACHE_SECONDS = 60
    from django.core.cache import cache

    with time_machine.travel(datetime.datetime(2031, 3, 3, 4, 5, tzinfo=datetime.UTC)):
        key = f"opendata:dashboard:region:{cast.region_y.pk}:::2031-03-03"
        cache.delete(key)
        client = english(cast.ministry)
        first = client.get(f"/ministry/regions/{cast.region_y.code}/")
        assert "Figures as of 10:05" in text(first)
        CompetitionFactory(municipality=cast.municipality_b, status=Competition.Status.PUBLISHED)
        kept = client.get(f"/ministry/regions/{cast.region_y.code}/")
        assert kept.context["board"].total.calls == first.context["board"].total.calls
        cache.delete(key)
        fresh = client.get(f"/ministry/regions/{cast.region_y.code}/")
        assert fresh.context["board"].total.calls == first.context["board"].total.calls + 1


def test_a_chart_draws_the_units_with_something_to_show(english, cast, paid):
    from opendata.charts import Row, Series, bars

    series = [Series("a", "#000"), Series("b", "#111")]
    svg = bars("t", series, [Row("Chüy", [5, 0]), Row("Talas", [0, 0])])
    assert "Chüy" in svg and "Talas" not in svg
    assert bars("t", series, [Row("Talas", [0, 0])]) == ""
    # Without any project anywhere, the dashboard says so instead of an empty chart.
    other = Sphere.objects.exclude(pk=paid.competition.sphere_id).first()
    page = english(cast.ministry).get(COUNTRY, {"sphere": other.pk})
    assert "No project signed yet." in text(page) and '<svg class="chart"' not in text(page)
