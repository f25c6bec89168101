"""Hostile or mistyped input gets a clean error, never a 500 (security, low items)."""

from __future__ import annotations

import pytest

from applications.models import Organization
from competitions.models import Programme
from tests.applications.test_organizations import org_data
from tests.competitions.test_programmes import data as programme_data
from tests.competitions.test_programmes import new_url as programme_url

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("amount", ["NaN", "-NaN", "Infinity", "1e400", "1e12"])
def test_a_programme_budget_that_is_no_number_is_refused(cast, client_for, amount):
    response = client_for(cast.officer_a).post(
        programme_url(cast), programme_data(budget=f"2026: {amount}")
    )
    assert response.status_code == 400
    assert "budget" in response.context["form"].errors
    assert not Programme.objects.exists()


@pytest.mark.parametrize("year", ["0001", "2999", "9999"])
def test_implausible_years_are_refused_in_dates(cast, client_for, year):
    before = Organization.objects.count()
    response = client_for(cast.commission_member).post(
        "/organizations/new/", org_data(cast, registration_date=f"{year}-05-14")
    )
    assert response.status_code == 400
    assert "registration_date" in response.context["form"].errors
    assert Organization.objects.count() == before


def test_implausible_years_are_refused_in_programme_budgets(cast, client_for):
    response = client_for(cast.officer_a).post(
        programme_url(cast), programme_data(budget="9999: 5")
    )
    assert response.status_code == 400


def test_invisible_characters_are_removed_from_names(cast, client_for):
    name = "ОФ «Жаңы\u200b Доор»\u202e"
    response = client_for(cast.commission_member).post(
        "/organizations/new/", org_data(cast, name_ru=name, head_name="Айгүл\u2066 Асанова\u2069")
    )
    assert response.status_code == 302
    organization = Organization.objects.get(inn="01204201710099")
    assert organization.name_ru == "ОФ «Жаңы Доор»"
    assert organization.head_name == "Айгүл Асанова"


def test_a_document_request_for_a_key_of_the_wrong_shape_is_404(cast, client_for):
    client = client_for(cast.ngo_member)
    assert client.post("/documents/request/bid-receipt/not-a-uuid/").status_code == 404
    assert client.post("/documents/request/municipality-profile/abc/").status_code == 404
