from __future__ import annotations

from decimal import Decimal

import pytest

from audit.models import AuditEvent
from competitions.models import PriorityProblem, Programme, Sphere

pytestmark = pytest.mark.django_db


def data(**extra):
    return {
        "title": "Программа социального заказа Аламүдүн АА",
        "start_year": "2026",
        "end_year": "2027",
        "kenesh_decision_number": "14-3",
        "kenesh_decision_date": "2025-12-20",
        "needs_assessment": "СИНС в 12 сёлах, февраль 2025.",
        "budget": "2026: 500 000\n2027: 650000,50",
        **extra,
    }


def new_url(cast):
    return f"/municipalities/{cast.municipality_a.code}/workspace/programmes/new/"


def test_an_officer_records_a_programme(cast, client_for):
    problem = PriorityProblem.objects.create(
        municipality=cast.municipality_a,
        title="Нет пандусов",
        description="…",
        sphere=Sphere.objects.first(),
        status="published",
    )
    response = client_for(cast.officer_a_weak).post(
        new_url(cast), {**data(), "problems": [problem.pk]}
    )
    assert response.status_code == 302
    programme = Programme.objects.get()
    assert response["Location"] == f"/programmes/{programme.pk}/"
    assert [(y.year, y.amount) for y in programme.years.all()] == [
        (2026, Decimal("500000")),
        (2027, Decimal("650000.50")),
    ]
    assert programme.total_budget == Decimal("1150000.50")
    assert list(programme.problems.all()) == [problem]
    assert AuditEvent.objects.get(action="programme.created").after["budget"]["2027"] == "650000.50"
    page = client_for(None).get(f"/programmes/{programme.pk}/").content.decode()
    assert "1\u00a0150\u00a0000,50" in page
    assert "Нет пандусов" in page


def test_bad_budget_lines_are_explained_and_kept(cast, client_for):
    response = client_for(cast.officer_a).post(
        new_url(cast), data(budget="2026: пятьсот\n2031: 100"), HTTP_ACCEPT_LANGUAGE="ru"
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Строка 1" in html
    assert "2026: пятьсот" in html
    response = client_for(cast.officer_a).post(new_url(cast), data(budget="2031: 100"))
    assert "2031" in str(response.context["form"].errors["budget"])
    assert not Programme.objects.exists()


def test_years_out_of_order_are_refused(cast, client_for):
    response = client_for(cast.officer_a).post(new_url(cast), data(start_year="2028"))
    assert response.status_code == 400
    assert "end_year" in response.context["form"].errors


def test_programme_outsider_404_weak_403(cast, client_for):
    assert client_for(cast.officer_b).post(new_url(cast), data()).status_code == 404
    assert client_for(cast.ngo_member).get(new_url(cast)).status_code == 404
    assert client_for(cast.ministry).post(new_url(cast), data()).status_code == 403
    assert not Programme.objects.exists()


def test_drafts_cannot_be_linked(cast, client_for):
    draft = PriorityProblem.objects.create(
        municipality=cast.municipality_a,
        title="черновик",
        description="…",
        sphere=Sphere.objects.first(),
    )
    response = client_for(cast.officer_a).post(new_url(cast), {**data(), "problems": [draft.pk]})
    assert response.status_code == 400
    assert "problems" in response.context["form"].errors
