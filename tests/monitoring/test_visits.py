"""Site visits: an officer records who went, what they found, a rating and photos
(checked by content); the organisation is told; the public sees the date and the
rating, the parties the findings, the photos and the visit act PDF."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from PIL import Image

from audit.models import AuditEvent
from documents.models import GeneratedDocument
from documents.services import render_and_store, request_document
from monitoring.exceptions import MonitoringError, OutOfOrder
from monitoring.models import SiteVisit, VisitPhoto
from monitoring.services.visits import record_visit
from notifications.models import Notification
from tests.documents.conftest import pdf_text
from tests.files import pdf_upload

FINDINGS = "Помещение отремонтировано, занятия идут по расписанию; журнал посещений ведётся."


def png(name="зал.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (30, 120, 200)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def form(**extra):
    return {
        "visited_on": timezone.localdate().isoformat(),
        "participants": "Специалист айыл окмоту, руководитель проекта",
        "findings": FINDINGS,
        "recommendations": "Повесить расписание у входа.",
        "rating": "good",
        **extra,
    }


def visit_url(project) -> str:
    return f"/municipalities/{project.municipality.code}/workspace/projects/{project.pk}/visits/"


def test_an_officer_records_a_visit_with_a_photo(cast, english, signed):
    response = english(cast.officer_a).post(visit_url(signed), {**form(), "photos": [png()]})
    assert response.status_code == 302
    visit = SiteVisit.objects.get()
    assert (visit.rating, visit.findings) == ("good", FINDINGS)
    assert [p.name for p in visit.photos.all()] == ["зал.png"]
    assert AuditEvent.objects.filter(action="project.visit_recorded").count() == 1
    assert Notification.objects.filter(event="site_visit_recorded", user=cast.ngo_member).exists()


def test_the_public_sees_the_date_and_rating_the_parties_the_findings_and_photos(
    cast, english, signed
):
    record_visit(
        signed,
        visited_on=timezone.localdate(),
        participants="Специалист",
        findings=FINDINGS,
        rating="concerns",
        photos=[png()],
        by=cast.officer_a,
    )
    photo = VisitPhoto.objects.get()
    anonymous = english(None).get(f"/projects/{signed.pk}/").content.decode()
    assert "Site visits" in anonymous and "minor concerns" in anonymous
    assert FINDINGS not in anonymous and str(photo.pk) not in anonymous
    member = english(cast.ngo_member)
    page = member.get(f"/projects/{signed.pk}/").content.decode()
    assert FINDINGS in page and f"/projects/{signed.pk}/photos/{photo.pk}/" in page
    response = member.get(f"/projects/{signed.pk}/photos/{photo.pk}/")
    assert response.status_code == 200
    other = english(cast.other_ngo_member).get(f"/projects/{signed.pk}/photos/{photo.pk}/")
    assert other.status_code == 404


def test_a_photo_that_is_not_an_image_is_refused_and_nothing_is_kept(cast, english, signed):
    response = english(cast.officer_a).post(
        visit_url(signed), {**form(), "photos": [pdf_upload("зал.png")]}
    )
    assert response.status_code == 400
    assert FINDINGS in response.content.decode()  # the typing is kept
    assert not SiteVisit.objects.exists() and not VisitPhoto.objects.exists()


def test_a_visit_needs_findings_and_a_date_not_in_the_future(cast, english, signed):
    client = english(cast.officer_a)
    assert client.post(visit_url(signed), form(findings="")).status_code == 400
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = client.post(visit_url(signed), form(visited_on=tomorrow))
    assert response.status_code == 400
    assert "cannot be in the future" in response.content.decode()
    assert not SiteVisit.objects.exists()


def test_no_visit_before_the_agreement_is_signed(cast, english, ours):
    with translation.override("en"), pytest.raises(OutOfOrder):
        record_visit(
            ours,
            visited_on=timezone.localdate(),
            participants="Специалист",
            findings=FINDINGS,
            rating="good",
            by=cast.officer_a,
        )
    assert english(cast.officer_a).post(visit_url(ours), form()).status_code == 409


@pytest.mark.parametrize(
    ("who", "status"), [("ministry", 403), ("officer_b", 404), ("ngo_member", 404)]
)
def test_only_the_municipality_s_officers_record_visits(cast, english, signed, who, status):
    assert english(getattr(cast, who)).post(visit_url(signed), form()).status_code == status
    assert not SiteVisit.objects.exists()


def test_the_service_refuses_someone_who_is_not_an_officer(cast, signed):
    with translation.override("en"), pytest.raises(MonitoringError, match="Only an officer"):
        record_visit(
            signed,
            visited_on=timezone.localdate(),
            participants="x",
            findings="y",
            rating="good",
            by=cast.ngo_member,
        )


def test_a_visit_is_posted_never_got(cast, english, signed):
    assert english(cast.officer_a).get(visit_url(signed)).status_code == 405


@pytest.mark.parametrize("language", ["ru", "ky"])
def test_the_visit_act_is_a_pdf_with_the_findings_and_the_photo(
    cast, signed, language, django_capture_on_commit_callbacks
):
    visit = record_visit(
        signed,
        visited_on=timezone.localdate(),
        participants="Специалист айыл окмоту",
        findings=FINDINGS,
        rating="good",
        photos=[png()],
        by=cast.officer_a,
    )
    with django_capture_on_commit_callbacks(execute=True):
        doc = request_document("visit-act", visit, language=language, by=None)
    doc.refresh_from_db()
    if doc.status == GeneratedDocument.Status.PENDING:
        render_and_store(doc.pk)
        doc.refresh_from_db()
    assert doc.status == GeneratedDocument.Status.READY, doc.error
    data = doc.file.read()
    text = " ".join(pdf_text(data).split())
    assert "Помещение отремонтировано" in text and signed.number in text
    assert b"/Subtype /Image" in data or b"/Image" in data
