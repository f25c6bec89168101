"""Security item 10: identifiers take the digits 0–9 only, never look-alikes."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from applications.models import Organization
from tests.applications.test_organizations import org_data

pytestmark = pytest.mark.django_db

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@pytest.mark.parametrize("digits", [FULL_WIDTH, ARABIC_INDIC], ids=["full-width", "arabic-indic"])
def test_a_look_alike_of_a_registered_inn_is_refused(cast, client_for, digits):
    look_alike = cast.organization.inn.translate(digits)
    assert look_alike != cast.organization.inn and look_alike.isdigit()
    before = Organization.objects.count()
    response = client_for(cast.commission_member).post(
        "/organizations/new/", org_data(cast, inn=look_alike)
    )
    assert response.status_code == 400
    assert "0–9" in response.content.decode()
    assert Organization.objects.count() == before


def test_bank_details_and_phone_take_ascii_digits_and_keep_their_spaces_out(cast, client_for):
    data = org_data(cast, bank_bic="128 001", bank_account="1280 0160 0000 1234")
    response = client_for(cast.commission_member).post("/organizations/new/", data)
    assert response.status_code == 302
    organization = Organization.objects.get(inn="01204201710099")
    assert (organization.bank_bic, organization.bank_account) == ("128001", "1280016000001234")


@pytest.mark.parametrize(
    "field, value",
    [
        ("bank_account", "１２８００１６０"),
        ("bank_bic", "١٢٨٠٠١"),
        ("phone", "+996 ５５５ 123 456"),
    ],
)
def test_other_identifiers_refuse_other_digits(cast, client_for, field, value):
    response = client_for(cast.commission_member).post(
        "/organizations/new/", org_data(cast, **{field: value})
    )
    assert response.status_code == 400
    assert not Organization.objects.filter(inn="01204201710099").exists()


def test_the_database_refuses_a_non_ascii_inn(cast):
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.filter(pk=cast.organization.pk).update(
            inn=cast.organization.inn.translate(FULL_WIDTH)
        )
