"""UX item 7: evidence is linked by its original name through a permission check;
no storage path reaches a page."""

from __future__ import annotations

import pytest

from competitions.models import PriorityProblem
from tests.files import pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def with_minutes(cast, client_for):
    data = {
        "title": "Нет пандусов у школы",
        "description": "Дети на колясках не попадают в школу.",
        "sphere": "",
        "assessment_method": "pra",
        "assessment_date": "2025-03-14",
    }
    from competitions.models import Sphere

    data["sphere"] = Sphere.objects.get(code="disability").pk
    response = client_for(cast.officer_a).post(
        f"/municipalities/{cast.municipality_a.code}/workspace/problems/new/",
        {**data, "minutes": pdf_upload("протокол собрания.pdf")},
    )
    assert response.status_code == 302, response.context["form"].errors
    return PriorityProblem.objects.get()


def workspace_minutes(problem):
    return f"/municipalities/{problem.municipality.code}/workspace/problems/{problem.pk}/minutes/"


def test_the_edit_form_names_the_file_and_links_it_without_its_storage_path(
    cast, client_for, with_minutes
):
    page = client_for(cast.officer_a).get(
        f"/municipalities/{cast.municipality_a.code}/workspace/problems/{with_minutes.pk}/"
    )
    html = page.content.decode()
    assert "uploads/" not in html and with_minutes.minutes.name not in html
    assert "протокол собрания.pdf" in html
    assert workspace_minutes(with_minutes) in html


def test_a_drafts_minutes_open_to_its_officers_only(cast, client_for, with_minutes):
    url = workspace_minutes(with_minutes)
    response = client_for(cast.officer_a_weak).get(url)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert client_for(cast.officer_b).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 302  # to the login page
    assert client_for(None).get(f"/problems/{with_minutes.pk}/minutes/").status_code == 404
    assert client_for(cast.officer_a).post(url).status_code == 405


def test_a_published_problem_links_its_evidence_for_everyone(cast, client_for, with_minutes):
    from competitions.services.problems import publish_problem

    publish_problem(with_minutes, by=cast.officer_a)
    page = client_for(None).get(f"/problems/{with_minutes.pk}/").content.decode()
    assert f"/problems/{with_minutes.pk}/minutes/" in page
    assert "протокол собрания.pdf" in page
    download = client_for(None).get(f"/problems/{with_minutes.pk}/minutes/")
    assert download.status_code == 200
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_the_organisation_form_links_the_charter_by_its_name(cast, client_for):
    from applications.services.organizations import update_organization

    update_organization(
        cast.organization, data={}, charter=pdf_upload("устав.pdf"), by=cast.ngo_member
    )
    html = (
        client_for(cast.ngo_member)
        .get(f"/organizations/{cast.organization.pk}/edit/")
        .content.decode()
    )
    assert "uploads/" not in html
    assert "устав.pdf" in html
    assert f"/organizations/{cast.organization.pk}/charter/" in html
