from __future__ import annotations

import pytest

from competitions.models import Municipality, Region
from competitions.services.territories import import_territories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def territories():
    import_territories()


def names(response) -> list[str]:
    return [m.code for _region, items in response.context["groups"] for m in items]


def test_the_list_groups_current_municipalities_by_region(client):
    response = client.get("/municipalities/")
    assert response.status_code == 200
    regions = [region.code for region, _ in response.context["groups"]]
    # Oblasts in alphabet order, then Bishkek and Osh.
    assert regions[:7] == ["KG-B", "KG-J", "KG-Y", "KG-N", "KG-O", "KG-T", "KG-C"]
    assert regions[7:] == ["KG-GB", "KG-GO"]
    assert "karakol" in names(response)
    assert "prigorodnoe" not in names(response)  # abolished in the 2023–2024 reform
    assert response.context["total"] == Municipality.objects.valid_on().count()


def test_search_is_case_insensitive_for_kyrgyz_letters(client):
    client.cookies["mo_language"] = "ky"
    response = client.get("/municipalities/", {"q": "ӨЗГӨН"})
    assert names(response) == ["uzgen"]
    response = client.get("/municipalities/", {"q": "аламүдүн"})
    assert names(response) == ["alamudun"]


def test_search_finds_russian_and_english_names(client):
    assert names(client.get("/municipalities/", {"q": "каракол"})) == ["karakol"]
    assert names(client.get("/municipalities/", {"q": "Karakol"})) == ["karakol"]


def test_the_region_and_kind_filters(client):
    naryn = Region.objects.get(code="KG-N")
    response = client.get("/municipalities/", {"region": naryn.pk, "kind": "ayil_aimak"})
    codes = names(response)
    assert codes
    assert all(
        Municipality.objects.get(code=c).region == naryn
        and Municipality.objects.get(code=c).kind == "ayil_aimak"
        for c in codes
    )


def test_abolished_municipalities_on_request(client):
    assert "prigorodnoe" in names(client.get("/municipalities/", {"abolished": "on"}))


def test_kyrgyz_sort_order(client):
    client.cookies["mo_language"] = "ky"
    response = client.get("/municipalities/", {"region": Region.objects.get(code="KG-O").pk})
    shown = [m.name_ky for _r, items in response.context["groups"] for m in items]
    # Өзгөн comes after Ноокат (Ө sorts right after О), not after every Я-word.
    assert shown.index("Ноокат шаары") < shown.index("Өзгөн шаары")


def test_the_detail_page_shows_the_successor(client):
    response = client.get("/municipalities/prigorodnoe/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/municipalities/karakol/"' in html
    page = client.get("/municipalities/karakol/").content.decode()
    assert 'href="/municipalities/prigorodnoe/"' in page


def test_the_detail_page_speaks_kyrgyz(client):
    client.cookies["mo_language"] = "ky"
    html = client.get("/municipalities/chaek/").content.decode()
    assert "Чаек айыл аймагы" in html
    assert "Кыргызча аталышы" in html


def test_unknown_code_is_404(client):
    assert client.get("/municipalities/atlantis/").status_code == 404


def test_post_is_405(client):
    assert client.post("/municipalities/").status_code == 405
    assert client.post("/municipalities/karakol/").status_code == 405
