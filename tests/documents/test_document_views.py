from __future__ import annotations

import pytest

from documents.models import GeneratedDocument
from documents.services import request_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready_doc(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        doc = request_document(
            "municipality-profile", cast.municipality_a, language="ru", by=cast.officer_a
        )
    doc.refresh_from_db()
    assert doc.is_ready
    return doc


def request_url(cast):
    return f"/documents/request/municipality-profile/{cast.municipality_a.pk}/"


def test_an_officer_requests_a_profile(cast, client_for, django_capture_on_commit_callbacks):
    client = client_for(cast.officer_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(request_url(cast), {"language": "ky"})
    doc = GeneratedDocument.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/documents/{doc.pk}/"
    assert doc.language == "ky"
    assert doc.requested_by == cast.officer_a


@pytest.mark.parametrize("who", ["officer_b", "ngo_member", "commission_member"])
def test_outsiders_cannot_request(cast, client_for, who):
    response = client_for(getattr(cast, who)).post(request_url(cast))
    assert response.status_code == 404
    assert not GeneratedDocument.objects.exists()


def test_request_rejects_get(cast, client_for):
    assert client_for(cast.officer_a).get(request_url(cast)).status_code == 405


def test_an_unknown_kind_is_404(cast, client_for):
    response = client_for(cast.officer_a).post(
        f"/documents/request/no-such-kind/{cast.municipality_a.pk}/"
    )
    assert response.status_code == 404


def test_the_owner_downloads_an_attachment(cast, client_for, ready_doc):
    response = client_for(cast.officer_a).get(f"/documents/{ready_doc.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize("who", ["ministry", "site_admin"])
def test_oversight_roles_may_download(cast, client_for, ready_doc, who):
    response = client_for(getattr(cast, who)).get(f"/documents/{ready_doc.pk}/download/")
    assert response.status_code == 200


@pytest.mark.parametrize("who", ["officer_b", "ngo_member", "ministry_y"])
def test_outsiders_get_404_for_the_document(cast, client_for, ready_doc, who):
    client = client_for(getattr(cast, who))
    assert client.get(f"/documents/{ready_doc.pk}/").status_code == 404
    assert client.get(f"/documents/{ready_doc.pk}/download/").status_code == 404


def test_anonymous_gets_404_for_a_private_document(client, ready_doc):
    assert client.get(f"/documents/{ready_doc.pk}/").status_code == 404
    assert client.get(f"/documents/{ready_doc.pk}/download/").status_code == 404


def test_a_pending_document_page_refreshes(cast, client_for, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        doc = request_document(
            "municipality-profile", cast.municipality_a, language="ru", by=cast.officer_a
        )
    client = client_for(cast.officer_a)
    page = client.get(f"/documents/{doc.pk}/").content.decode()
    assert 'http-equiv="refresh"' in page
    response = client.get(f"/documents/{doc.pk}/download/")
    assert response.status_code == 302
