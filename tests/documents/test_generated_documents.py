from __future__ import annotations

import datetime
import hashlib
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core import mail

from audit.models import AuditEvent
from documents.models import GeneratedDocument
from documents.services import render_and_store, request_document, sweep_pending
from notifications.models import Notification
from tests.documents.conftest import pdf_text

pytestmark = pytest.mark.django_db


def request_profile(cast, capture, language="ky"):
    with capture(execute=True):
        doc = request_document(
            "municipality-profile", cast.municipality_a, language=language, by=cast.officer_a
        )
    doc.refresh_from_db()
    return doc


def stored_files() -> list[Path]:
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*.pdf")]


def test_a_requested_document_is_rendered_after_commit(cast, django_capture_on_commit_callbacks):
    doc = request_profile(cast, django_capture_on_commit_callbacks)
    assert doc.status == GeneratedDocument.Status.READY
    data = doc.file.read()
    assert data.startswith(b"%PDF")
    assert doc.sha256 == hashlib.sha256(data).hexdigest()
    assert doc.size == len(data)
    assert doc.pages >= 1
    text = pdf_text(data)
    # Kyrgyz letters survive into the PDF text layer.
    assert "Аламүдүн айыл аймагы" in text
    assert "Officer A (head)" in text
    assert doc.content_sha256 in text.replace("\n", "")
    assert [e.action for e in AuditEvent.objects.order_by("id")] == [
        "document.requested",
        "document.ready",
    ]


def test_the_file_is_stored_privately_under_a_random_name(cast, django_capture_on_commit_callbacks):
    doc = request_profile(cast, django_capture_on_commit_callbacks)
    assert str(doc.pk) in doc.file.name
    assert "alam" not in doc.file.name.lower()
    path = Path(settings.MEDIA_ROOT) / doc.file.name
    assert path.is_file()


def test_the_requester_is_notified_in_their_language(cast, django_capture_on_commit_callbacks):
    cast.officer_a.language = "ky"
    cast.officer_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        request_document(
            "municipality-profile", cast.municipality_a, language="ru", by=cast.officer_a
        )
    notification = Notification.objects.get(user=cast.officer_a)
    assert notification.event == "document_ready"
    assert notification.email.status == notification.email.Status.SENT
    assert len(mail.outbox) == 1
    # Kyrgyz subject although the document itself is Russian.
    assert mail.outbox[0].subject.startswith("Документ даяр")


def test_a_second_run_changes_nothing(cast, django_capture_on_commit_callbacks):
    doc = request_profile(cast, django_capture_on_commit_callbacks)
    first = (doc.file.name, doc.sha256, doc.rendered_at)
    again = render_and_store(doc.pk)
    assert (again.file.name, again.sha256, again.rendered_at) == first
    assert len(stored_files()) == 1


def test_a_redelivery_after_a_crash_overwrites_its_own_file(
    cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        doc = request_document(
            "municipality-profile", cast.municipality_a, language="ru", by=cast.officer_a
        )
    # A worker wrote the file and died before committing the row.
    name = doc.file.field.generate_filename(doc, "x.pdf")
    doc.file.storage.save(name, __import__("io").BytesIO(b"%PDF-partial"))
    render_and_store(doc.pk)
    render_and_store(doc.pk)
    doc.refresh_from_db()
    assert doc.status == GeneratedDocument.Status.READY
    assert doc.file.name == name
    assert len(stored_files()) == 1
    assert doc.file.read() != b"%PDF-partial"


def test_a_double_click_makes_one_document(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        first = request_document(
            "municipality-profile", cast.municipality_a, language="ru", by=cast.officer_a
        )
        second = request_document(
            "municipality-profile", cast.municipality_a, language="ru", by=cast.officer_a
        )
    assert first.pk == second.pk
    assert GeneratedDocument.objects.count() == 1


def test_a_rendering_error_marks_the_document_failed(
    cast, django_capture_on_commit_callbacks, monkeypatch
):
    from documents import services

    def boom(html):
        raise RuntimeError("fonts on fire")

    monkeypatch.setattr(services, "render_pdf", boom)
    doc = request_profile(cast, django_capture_on_commit_callbacks)
    assert doc.status == GeneratedDocument.Status.FAILED
    assert "fonts on fire" in doc.error


def test_with_the_broker_down_the_request_succeeds_and_the_sweeper_renders_later(
    cast, client_for, broker_down, django_capture_on_commit_callbacks
):
    client = client_for(cast.officer_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/documents/request/municipality-profile/{cast.municipality_a.pk}/", {"language": "ru"}
        )
    assert response.status_code == 302
    doc = GeneratedDocument.objects.get()
    assert doc.status == GeneratedDocument.Status.PENDING
    assert client.get(response["Location"]).status_code == 200

    # Too early: the sweeper leaves fresh rows alone.
    assert sweep_pending() == 0

    # The broker is back (eager here; tests/test_services.py does it with a real worker).
    broker_down.conf.task_always_eager = True
    later = doc.queued_at + datetime.timedelta(minutes=5)
    with time_machine.travel(later, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert sweep_pending() == 1
    doc.refresh_from_db()
    assert doc.status == GeneratedDocument.Status.READY
    assert len(stored_files()) == 1


def test_the_sweep_command_reports(cast, capsys):
    from django.core.management import call_command

    call_command("sweep_documents")
    assert "re-queued 0" in capsys.readouterr().out


def test_documents_render_before_collectstatic_under_the_manifest_storage(
    cast, django_capture_on_commit_callbacks, settings, tmp_path
):
    """DEBUG=0 demo data loaded before collectstatic: the manifest storage has no
    entries yet, and the documents must still find their fonts (issue: every demo
    PDF failed without a word)."""
    settings.STATIC_ROOT = tmp_path / "not-collected-yet"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    doc = request_profile(cast, django_capture_on_commit_callbacks)
    assert doc.status == GeneratedDocument.Status.READY, doc.error
    import io

    from pypdf import PdfReader

    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in PdfReader(io.BytesIO(doc.file.read())).pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any("Portal-Sans" in name for name in fonts), fonts
