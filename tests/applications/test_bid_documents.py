"""Files of a bid: T1, T3, T5, T33, T34, T36, T37 of shared/reliability.md over HTTP."""

from __future__ import annotations

import datetime
import hashlib
import io
import re

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from applications.models import BidDocument
from applications.services.submission import submit_bid
from applications.steps import missing_items
from audit.models import AuditEvent
from tests.applications.conftest import BEFORE, DEADLINE
from tests.files import pdf_bytes, pdf_upload

pytestmark = pytest.mark.django_db

UUID_PDF = re.compile(r"uploads/applications-biddocument/\d{4}/\d{2}/[0-9a-f-]{36}\.pdf")


def stored_files() -> list[str]:
    root = settings.MEDIA_ROOT
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def upload(client, bid, file, requirement=""):
    return client.post(f"/bids/{bid.pk}/documents/", {"requirement": requirement, "file": file})


def scripted_pdf() -> SimpleUploadedFile:
    """A valid PDF that runs a script when opened: the magic check alone lets it through."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('hi');"),
        }
    )
    out = io.BytesIO()
    writer.write(out)
    return SimpleUploadedFile("budget.pdf", out.getvalue(), "application/pdf")


@time_machine.travel(BEFORE, tick=False)
def test_an_editor_attaches_a_file_stored_under_a_random_name(cast, english, bid):
    content = pdf_bytes("Письмо поддержки")
    response = upload(english(cast.ngo_member), bid, SimpleUploadedFile("письмо.pdf", content))
    assert response.status_code == 302
    assert response["Location"] == f"/bids/{bid.pk}/edit/documents/"
    document = bid.documents.get(name="письмо.pdf")
    assert UUID_PDF.fullmatch(document.file.name)
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    assert (document.kind, document.size, document.requirement) == ("pdf", len(content), "")
    assert AuditEvent.objects.filter(action="bid.document_added").count() == 3


@time_machine.travel(BEFORE, tick=False)
def test_uploads_need_the_right_role_and_a_post(cast, client_for, bid):
    url = f"/bids/{bid.pk}/documents/"
    assert client_for(cast.ngo_member).get(url).status_code == 405
    assert upload(client_for(cast.other_ngo_member), bid, pdf_upload()).status_code == 404
    assert upload(client_for(cast.officer_a), bid, pdf_upload()).status_code == 404
    cast.organization.members.filter(user=cast.ngo_member).update(role="viewer")
    assert upload(client_for(cast.ngo_member), bid, pdf_upload()).status_code == 403
    assert bid.documents.count() == 2


@time_machine.travel(BEFORE, tick=False)
def test_t5_downloads_are_attachments_for_the_organisation_only(cast, client_for, bid):
    submit_bid(bid, idempotency_key="k", by=cast.ngo_member)
    document = bid.documents.first()
    url = f"/bids/{bid.pk}/documents/{document.pk}/"
    response = client_for(cast.ngo_member).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert "default-src 'self'" in response["Content-Security-Policy"]  # T40 on downloads
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    # T1: other NGOs, the ministry and other municipalities: no such file.
    for who in ("other_ngo_member", "ministry", "officer_b", "commission_member"):
        assert client_for(getattr(cast, who)).get(url).status_code == 404, who
    assert client_for(None).get(url).status_code == 302
    # T3: the call's own officers: sealed until the deadline.
    response = client_for(cast.officer_a).get(url)
    assert response.status_code == 403
    assert "31.12.2026 18:00" in response.content.decode()
    # There is no URL that serves the storage directly.
    assert client_for(cast.ngo_member).get("/media/" + document.file.name).status_code == 404


def test_t3_after_the_deadline_the_officers_read_the_files(cast, client_for, bid):
    with time_machine.travel(BEFORE, tick=False):
        submit_bid(bid, idempotency_key="k", by=cast.ngo_member)
    document = bid.documents.first()
    with time_machine.travel(DEADLINE + datetime.timedelta(minutes=1), tick=False):
        client = client_for(cast.officer_a)
        assert client.get(f"/bids/{bid.pk}/documents/{document.pk}/").status_code == 200
        assert client.get(f"/bids/{bid.pk}/").status_code == 200
        assert client_for(cast.officer_b).get(f"/bids/{bid.pk}/").status_code == 404


@time_machine.travel(BEFORE, tick=False)
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "budget.pdf",
            b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64,
            "is not a PDF file",
        ),
        (
            "budget.pdf",
            b"<!doctype html><html><script>alert(1)</script></html>",
            "is not a PDF file",
        ),
        ("budget.docx", b"PK\x03\x04 not really a document", "The file is damaged."),
    ],
)
def test_t33_a_file_that_is_not_what_it_claims_is_refused(
    cast, english, bid, name, content, message
):
    before = stored_files()
    response = upload(english(cast.ngo_member), bid, SimpleUploadedFile(name, content))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert bid.documents.count() == 2
    assert stored_files() == before


@time_machine.travel(BEFORE, tick=False)
def test_t34_a_pdf_with_javascript_is_refused(cast, english, bid):
    before = stored_files()
    response = upload(english(cast.ngo_member), bid, scripted_pdf())
    assert response.status_code == 400
    assert "active content" in response.content.decode()
    assert stored_files() == before


@time_machine.travel(BEFORE, tick=False)
def test_t36_an_oversize_file_is_refused_with_the_limit(cast, english, bid):
    big = SimpleUploadedFile("big.pdf", pdf_bytes() + b"%" * (20 * 1024 * 1024))
    response = upload(english(cast.ngo_member), bid, big)
    assert response.status_code == 400
    assert "20 MB" in response.content.decode()
    assert bid.documents.count() == 2


@time_machine.travel(BEFORE, tick=False)
def test_t36_at_most_twenty_files_a_bid(cast, english, bid):
    client = english(cast.ngo_member)
    for n in range(18):
        assert upload(client, bid, pdf_upload(f"{n}.pdf")).status_code == 302
    response = upload(client, bid, pdf_upload("21.pdf"))
    assert response.status_code == 400
    assert "at most 20 files" in response.content.decode()
    assert bid.documents.current().count() == 20


@time_machine.travel(BEFORE, tick=False)
def test_t36_too_many_files_in_one_request_is_a_bad_request(cast, english, bid):
    files = {f"file{n}": pdf_upload(f"{n}.pdf") for n in range(20)} | {"file": pdf_upload()}
    response = english(cast.ngo_member).post(f"/bids/{bid.pk}/documents/", files)
    assert response.status_code == 400
    assert "at most 20" in response.content.decode()
    assert bid.documents.count() == 2


@time_machine.travel(BEFORE, tick=False)
@pytest.mark.parametrize(
    ("hostile", "shown"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("report\u202efdp.exe.pdf", "reportfdp.exe.pdf"),
        ('a";b.pdf', None),  # the multipart parser already cuts the quoted name
    ],
)
def test_t37_hostile_names_never_reach_the_storage(cast, client_for, bid, hostile, shown):
    response = upload(client_for(cast.ngo_member), bid, pdf_upload(hostile))
    assert response.status_code == 302
    document = bid.documents.get(requirement="")
    assert UUID_PDF.fullmatch(document.file.name)
    assert "\u202e" not in document.name
    assert "/" not in document.name and '"' not in document.name
    download = client_for(cast.ngo_member).get(f"/bids/{bid.pk}/documents/{document.pk}/")
    disposition = download["Content-Disposition"]
    assert "\u202e" not in disposition and "../" not in disposition
    assert shown is None or document.name == shown
    assert document.name.endswith(".pdf")


@time_machine.travel(BEFORE, tick=False)
def test_t37_a_very_long_name_is_shortened_keeping_the_extension(cast, client_for, bid):
    upload(client_for(cast.ngo_member), bid, pdf_upload("ы" * 300 + ".pdf"))
    document = bid.documents.get(requirement="")
    assert len(document.name) <= 120
    assert document.name.endswith(".pdf")


@time_machine.travel(BEFORE, tick=False)
def test_removing_a_file_keeps_it_for_the_record(cast, client_for, bid):
    document = bid.documents.get(requirement="Смета расходов")
    url = f"/bids/{bid.pk}/documents/{document.pk}/remove/"
    assert client_for(cast.ngo_member).get(url).status_code == 405
    assert client_for(cast.other_ngo_member).post(url).status_code == 404
    assert client_for(cast.ngo_member).post(url).status_code == 302
    document.refresh_from_db()
    assert document.removed_at is not None
    assert document.file.storage.exists(document.file.name)
    with translation.override("en"):
        assert "Attach the required document: Смета расходов." in missing_items(bid)
    assert AuditEvent.objects.filter(action="bid.document_removed").count() == 1


@time_machine.travel(BEFORE, tick=False)
def test_a_submitted_bid_takes_no_files_and_its_receipt_lists_their_hashes(cast, english, bid):
    submission = submit_bid(bid, idempotency_key="k", by=cast.ngo_member)
    hashes = {d["sha256"] for d in submission.content["documents"]}
    assert hashes == set(bid.documents.values_list("sha256", flat=True))
    response = upload(english(cast.ngo_member), bid, pdf_upload("поздно.pdf"))
    assert response.status_code == 400
    assert "Withdraw it to change it" in response.content.decode()
    assert not BidDocument.objects.filter(name="поздно.pdf").exists()


@time_machine.travel(BEFORE, tick=False)
def test_the_upload_script_gets_json_for_its_progress_bar(cast, english, bid):
    client = english(cast.ngo_member)
    url = f"/bids/{bid.pk}/documents/"
    ok = client.post(url, {"requirement": "", "file": pdf_upload("отчёт.pdf")}, HTTP_X_UPLOAD="1")
    assert ok.status_code == 200
    assert ok.json() == {"attached": True, "redirect": f"/bids/{bid.pk}/edit/documents/"}
    refused = client.post(
        url, {"requirement": "", "file": SimpleUploadedFile("x.pdf", b"MZ" * 40)}, HTTP_X_UPLOAD="1"
    )
    assert refused.status_code == 400
    assert refused.json()["attached"] is False
    assert any("is not a PDF file" in e for e in refused.json()["errors"])
