"""The municipality directory and "my municipalities" at national scale.

About 500 municipalities (5,000 in a later variant) must not make either page heavier
or slower: each shows one page of MUNICIPALITIES_PER_PAGE, in a number of queries that
does not depend on how many municipalities there are.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from competitions.models import Municipality
from competitions.views.territories import MUNICIPALITIES_PER_PAGE as PER_PAGE
from municipal_order.lib.i18n import kyrgyz_collation_key, kyrgyz_sort_key
from tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db

DIRECTORY = "/municipalities/"
MINE = "/municipalities/mine/"
# A page of 50 is about 30 KB; the whole country on one page was 200 KB and more.
BYTE_BUDGET = 120_000


def add_municipalities(region, count: int, **names) -> None:
    """`count` more municipalities in `region`, in one INSERT."""
    rows = MunicipalityFactory.build_batch(count, region=region, **names)
    for row in rows:
        row.refresh_listing()  # what save() does, which bulk_create skips
    Municipality.objects.bulk_create(rows)


def queries(client, url: str, **params) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured)


def codes(response) -> list[str]:
    """The codes the page lists, whichever of the two pages it is."""
    if "groups" in response.context:
        return [m.code for _region, items in response.context["groups"] for m in items]
    return [m.code for m in response.context["page"].object_list]


@pytest.fixture
def anonymous(client):
    client.cookies["mo_language"] = "en"
    return client


@pytest.fixture
def ministry(cast, english):
    """National ministry staff: every municipality of the country is theirs."""
    return english(cast.ministry)


def page_client(request, who: str):
    return request.getfixturevalue({"directory": "anonymous", "mine": "ministry"}[who])


URLS = {"directory": DIRECTORY, "mine": MINE}
both_pages = pytest.mark.parametrize("who", ["directory", "mine"])


# --- the number of queries and the size of the page -------------------------------


@both_pages
def test_the_same_number_of_queries_at_any_size(cast, request, who):
    client, url = page_client(request, who), URLS[who]
    add_municipalities(cast.region_c, 1)  # 3 in all
    queries(client, url)  # the first request of a session reads more
    small = queries(client, url)
    add_municipalities(cast.region_c, 117)  # 120 in all
    assert queries(client, url) == small
    assert queries(client, url, page=2) == small
    assert queries(client, url, q="айыл") == small


@both_pages
def test_a_page_lists_at_most_the_page_size_and_stays_small(cast, request, who):
    client, url = page_client(request, who), URLS[who]
    add_municipalities(cast.region_c, 118)
    response = client.get(url)
    assert len(codes(response)) == PER_PAGE
    assert response.context["total"] == 120
    assert len(response.content) < BYTE_BUDGET
    assert 'aria-label="Pages"' in response.content.decode()
    assert "120 municipalities" in response.content.decode()


@both_pages
def test_the_pages_together_list_every_municipality_once(cast, request, who):
    client, url = page_client(request, who), URLS[who]
    add_municipalities(cast.region_c, 118)
    pages = [codes(client.get(url, {"page": n})) for n in (1, 2, 3)]
    assert [len(p) for p in pages] == [50, 50, 20]
    listed = [code for page in pages for code in page]
    assert sorted(listed) == sorted(Municipality.objects.values_list("code", flat=True))
    assert 'href="?page=1"' in client.get(url, {"page": 2}).content.decode()


@both_pages
def test_an_out_of_range_page_gives_the_last_and_a_bad_one_the_first(cast, request, who):
    client, url = page_client(request, who), URLS[who]
    add_municipalities(cast.region_c, 118)
    last = client.get(url, {"page": 999})
    assert last.status_code == 200
    assert last.context["page"].number == 3
    assert codes(last) == codes(client.get(url, {"page": 3}))
    assert client.get(url, {"page": "abc"}).context["page"].number == 1


# --- search -------------------------------------------------------------------------


@both_pages
def test_search_narrows_and_survives_in_the_page_links(cast, request, who):
    client, url = page_client(request, who), URLS[who]
    add_municipalities(cast.region_c, 60)
    add_municipalities(
        cast.region_c, 70, name_ky="Өрүктү айыл аймагы", name_ru="Орюкту", name_en="Oryukty"
    )
    # Upper-case Kyrgyz letters find the lower-case name.
    response = client.get(url, {"q": "ӨРҮКТҮ"})
    assert response.context["total"] == 70
    assert len(codes(response)) == PER_PAGE
    html = response.content.decode()
    assert f'href="?q={quote("ӨРҮКТҮ")}&amp;page=2"' in html
    second = client.get(url, {"q": "ӨРҮКТҮ", "page": 2})
    assert len(codes(second)) == 20
    assert set(codes(second)).isdisjoint(codes(response))
    assert 'value="ӨРҮКТҮ"' in second.content.decode()
    assert cast.municipality_a.code not in codes(response) + codes(second)


def test_the_directory_keeps_its_filters_in_the_page_links(cast, anonymous):
    add_municipalities(cast.region_c, 60)
    params = {"q": "ayil", "region": cast.region_c.pk, "kind": "ayil_aimak"}
    response = anonymous.get(DIRECTORY, params)
    assert response.context["total"] == 60
    assert f"?q=ayil&amp;region={cast.region_c.pk}&amp;kind=ayil_aimak&amp;page=2" in (
        response.content.decode()
    )


def test_a_search_that_finds_nothing_says_so(cast, ministry, anonymous):
    add_municipalities(cast.region_c, 20)
    for client, url in ((ministry, MINE), (anonymous, DIRECTORY)):
        response = client.get(url, {"q": "atlantis"})
        assert codes(response) == []
        assert "No municipality matches the filter." in response.content.decode()


# --- the directory's groups -----------------------------------------------------------


def test_region_headings_repeat_on_the_next_page_with_the_regions_count(cast, anonymous):
    add_municipalities(cast.region_c, 79)  # Chüy: 80 with municipality A
    first = anonymous.get(DIRECTORY)
    assert [region.code for region, _ in first.context["groups"]] == ["KG-C"]
    second = anonymous.get(DIRECTORY, {"page": 2})
    groups = second.context["groups"]
    # Chüy goes on from page 1, then Issyk-Kul (Karakol) begins.
    assert [(region.code, len(items)) for region, items in groups] == [("KG-C", 30), ("KG-Y", 1)]
    html = second.content.decode()
    assert "(continued)" in html
    assert '<span class="badge text-bg-light border">80</span>' in html
    assert "(continued)" not in first.content.decode()


# --- whose municipalities -------------------------------------------------------------


def test_regional_ministry_staff_page_and_search_only_their_region(cast, english):
    add_municipalities(cast.region_y, 59, name_ru="Каракольский АА")  # 60 with Karakol
    add_municipalities(cast.region_c, 30, name_ru="Каракольский АА")
    client = english(cast.ministry_y)
    response = client.get(MINE, {"q": "каракол"})
    assert response.context["total"] == 60
    assert all(m.region == cast.region_y for m in response.context["page"].object_list)
    assert len(codes(client.get(MINE, {"q": "каракол", "page": 2}))) == 10


def test_an_officer_sees_their_own_without_a_search_box(cast, english):
    add_municipalities(cast.region_c, 60)
    response = english(cast.officer_a).get(MINE)
    assert codes(response) == [cast.municipality_a.code]
    html = response.content.decode()
    assert 'name="q"' not in html
    assert 'aria-label="Pages"' not in html


def test_ministry_staff_get_a_labelled_search_box(ministry, cast):
    add_municipalities(cast.region_c, 20)
    html = ministry.get(MINE).content.decode()
    assert '<label class="form-label" for="id_q">Search</label>' in html
    assert 'role="search"' in html


# --- the Kyrgyz order and search, in SQL ------------------------------------------------

LETTERS = "абвгдеёжзийклмнңоөпрстуүфхцчшщъыьэюяАНҢОӨУҮ aZ09-ʼ\U0001f600"


@given(st.lists(st.text(alphabet=LETTERS, max_size=12), min_size=2, max_size=20))
def test_the_collation_key_sorts_as_the_kyrgyz_key(names):
    assert sorted(names, key=kyrgyz_collation_key) == sorted(names, key=kyrgyz_sort_key)


@pytest.mark.parametrize(
    "language, field", [("ky", "name_ky"), ("ru", "name_ru"), ("en", "name_en")]
)
def test_the_directory_lists_in_the_kyrgyz_alphabet_in_each_language(cast, client, language, field):
    names = ["Үч-Терек", "Уч-Кайнар", "Өзгөн", "Ош", "Ноокат", "Ңа", "Ак-Суу", "Zhany-Aryk"]
    for n, name in enumerate(names):
        own = {"name_ru": "", "name_ky": "-", "name_en": "", field: name}
        MunicipalityFactory(region=cast.region_y, code=f"ORD-{n}", **own)
    client.cookies["mo_language"] = language
    response = client.get(DIRECTORY, {"region": cast.region_y.pk, "q": "", "page": 1})
    listed = [m.code for m in response.context["page"].object_list if m.code.startswith("ORD-")]
    expected = sorted(range(len(names)), key=lambda n: kyrgyz_sort_key(names[n]))
    assert listed == [f"ORD-{n}" for n in expected]


def test_renaming_refreshes_the_order_and_the_search(cast):
    municipality = cast.municipality_a
    municipality.name_ky = "Өрнөк айыл аймагы"
    municipality.save(update_fields=["name_ky"])  # as the territory import saves
    municipality.refresh_from_db()
    assert municipality.sort_key_ky == kyrgyz_collation_key("Өрнөк айыл аймагы")
    assert Municipality.objects.matching("  ӨРНӨК   айыл ").get() == municipality
    assert not Municipality.objects.matching("орнок").exists()


def test_a_search_never_spans_two_names(cast):
    municipality = cast.municipality_a
    tail, head = municipality.name_ru[-3:], municipality.name_ky[:3]
    assert not Municipality.objects.matching(f"{tail}\n{head}").exists()
