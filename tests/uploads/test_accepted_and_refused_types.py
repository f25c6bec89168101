"""Uploads are checked by content: what is accepted, wrong types (T33), size (T36), names (T37)."""

from __future__ import annotations

import hashlib
import io
import logging

import pytest
from django.http import FileResponse

from municipal_order.lib.uploads import (
    MB,
    CheckedUpload,
    check_upload,
    safe_display_name,
)
from tests.uploads.builders import (
    ALL,
    CATALOG,
    HTML,
    PAGE,
    PAGES,
    PE,
    docx_members,
    minimal_pdf,
    objstm_pdf,
    raw_pdf,
    refused,
    text,
    upload,
    xlsx_members,
    zip_bytes,
)

# --- accepted files ------------------------------------------------------------------------


def test_a_real_pdf_is_accepted_with_its_digest_and_left_rewound():
    data = minimal_pdf()
    file = upload("устав.pdf", data)
    checked = check_upload(file, kinds=("pdf",))
    assert checked == CheckedUpload("pdf", hashlib.sha256(data).hexdigest(), len(data), "устав.pdf")
    assert checked.extension == ".pdf"
    assert checked.content_type == "application/pdf"
    assert file.read() == data  # callers save the file right after the check


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(64), "jpeg"),
        ("scan.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64), "png"),
        ("plan.docx", zip_bytes(docx_members()), "docx"),
        ("budget.xlsx", zip_bytes(xlsx_members()), "xlsx"),
    ],
)
def test_images_and_office_documents_are_accepted(name, data, kind):
    checked = check_upload(upload(name, data), kinds=ALL)
    assert (checked.kind, checked.display_name, checked.size) == (kind, name, len(data))


def test_the_kind_comes_from_the_content_and_the_display_name_follows_it():
    checked = check_upload(upload("budget.docx", zip_bytes(xlsx_members())), kinds=ALL)
    assert checked.kind == "xlsx"
    assert checked.display_name == "budget.docx.xlsx"
    jpeg = check_upload(upload("photo.jpeg", b"\xff\xd8\xff\xdb" + bytes(16)), kinds=ALL)
    assert jpeg.display_name == "photo.jpeg"  # .jpeg is a JPEG extension as well


def test_a_pdf_with_an_object_stream_and_no_active_content_is_accepted():
    data = objstm_pdf({1: CATALOG, 2: PAGES}, {3: PAGE})
    assert check_upload(upload("plain.pdf", data)).kind == "pdf"


def test_active_names_inside_stream_data_are_not_mistaken_for_active_content():
    stream = b"BT /JS 12 Tf (/JavaScript /Launch) Tj ET" + bytes(range(256)) * 64
    data = raw_pdf(
        {
            1: CATALOG,
            2: PAGES,
            3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>",
            4: b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        }
    )
    assert check_upload(upload("text.pdf", data)).kind == "pdf"


def test_a_19_mb_pdf_is_checked_and_accepted():
    # 19 MB of binary stream data (skipped by the raw scan) in an otherwise plain PDF.
    blob = hashlib.sha256(b"seed").digest() * (19 * MB // 32)
    data = raw_pdf(
        {
            1: CATALOG,
            2: PAGES,
            3: PAGE,
            4: b"<< /Length %d >>\nstream\n%s\nendstream" % (len(blob), blob),
        }
    )
    assert check_upload(upload("big.pdf", data)).size == len(data)


# --- T33: wrong type -----------------------------------------------------------------------


@pytest.mark.parametrize("data", [PE, HTML], ids=["windows-executable", "html"])
@pytest.mark.parametrize("kinds", [("pdf",), ALL])
def test_a_file_named_pdf_that_is_not_a_pdf_is_told_so(data, kinds):
    error = refused(upload("budget.pdf", data), kinds=kinds)
    assert error.code == "bad_type"
    assert text(error) == "The file “budget.pdf” is not a PDF file."


def test_a_file_with_another_name_is_told_which_kinds_are_accepted():
    error = refused(upload("setup.exe", PE), kinds=ALL)
    assert error.code == "bad_type"
    assert text(error) == "The file “setup.exe” is not a PDF, JPEG, PNG, DOCX or XLSX file."
    error = refused(upload("page.html", HTML))
    assert text(error) == "The file “page.html” is not a PDF, JPEG or PNG file."


def test_a_kind_the_caller_did_not_accept_is_refused():
    error = refused(upload("scan.pdf", minimal_pdf()), kinds=("jpeg", "png"))
    assert error.code == "bad_type"
    assert text(error) == "The file “scan.pdf” is not a JPEG or PNG file."
    error = refused(upload("plan.docx", zip_bytes(docx_members())), kinds=("pdf",))
    assert error.code == "bad_type"


def test_a_zip_that_is_not_an_office_document_is_refused():
    plain_zip = zip_bytes({"word/document.xml": b"<w:document/>", "readme.txt": b"hi"})
    error = refused(upload("plan.docx", plain_zip), kinds=ALL)
    assert error.code == "bad_type"
    assert text(error) == "The file “plan.docx” is not a DOCX file."
    other = zip_bytes({"[Content_Types].xml": b"<Types/>", "ppt/presentation.xml": b"<p/>"})
    assert refused(upload("slides.pptx", other), kinds=ALL).code == "bad_type"


def test_an_old_zip_office_kind_is_a_programming_error():
    with pytest.raises(ValueError, match="zip-office"):
        check_upload(upload("a.docx", zip_bytes(docx_members())), kinds=("zip-office",))


# --- T36: size ------------------------------------------------------------------------------


def test_a_21_mb_file_is_refused_with_the_limit_in_the_message():
    error = refused(upload("big.pdf", b"%PDF-1.7\n" + bytes(21 * MB)))
    assert error.code == "too_big"
    assert text(error) == "The file is larger than 20 MB."


def test_the_size_read_counts_even_when_the_declared_size_lies():
    file = upload("big.pdf", b"%PDF-1.7\n" + bytes(2 * MB))
    file.size = 10
    error = refused(file, max_mb=1)
    assert error.code == "too_big"
    assert text(error) == "The file is larger than 1 MB."


def test_a_declared_size_over_the_limit_is_refused_before_reading():
    file = upload("big.pdf", minimal_pdf())
    file.size = 21 * MB
    assert refused(file).code == "too_big"


def test_an_empty_file_is_refused():
    error = refused(upload("empty.pdf", b""))
    assert error.code == "empty"
    assert text(error) == "The file is empty."


# --- T37: hostile names ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\Windows\\system.ini.pdf", "system.ini.pdf"),
        ("report\u202efdp.exe", "reportfdp.exe"),
        ('a";b.pdf', "a'_b.pdf"),
        ("line\r\nSet-Cookie: x=1.pdf", "lineSet-Cookie_ x=1.pdf"),
        ("  .hidden.pdf. ", "hidden.pdf"),
        ("устав\u200b организации.pdf", "устав организации.pdf"),
        ("", "file"),
        ("..", "file"),
        ("dir/", "file"),
        (None, "file"),
    ],
)
def test_display_names_are_safe(name, shown):
    assert safe_display_name(name) == shown


def test_a_long_name_keeps_its_extension():
    shown = safe_display_name("я" * 300 + ".pdf")
    assert len(shown) == 120
    assert shown.endswith("я.pdf")


def test_a_display_name_gets_the_extension_of_its_content():
    assert safe_display_name("report\u202efdp.exe", kind="pdf") == "reportfdp.exe.pdf"
    assert safe_display_name("SCAN.PDF", kind="pdf") == "SCAN.PDF"
    assert safe_display_name("", kind="pdf") == "file.pdf"
    assert len(safe_display_name("x" * 300 + ".exe", kind="pdf")) == 120


@pytest.mark.parametrize(
    "name", ["../../etc/passwd.pdf", "x" * 300 + ".pdf", "report\u202efdp.exe", 'a";b.pdf']
)
def test_hostile_names_are_sanitised_on_accepted_uploads(name):
    checked = check_upload(upload(name, minimal_pdf()))
    shown = checked.display_name
    assert "/" not in shown and "\\" not in shown and '"' not in shown
    assert "\u202e" not in shown and len(shown) <= 120 and shown.endswith(".pdf")
    header = FileResponse(io.BytesIO(b""), as_attachment=True, filename=shown)
    assert header["Content-Disposition"].startswith('attachment; filename="')
    assert header["Content-Type"] == "application/pdf"


# --- logging --------------------------------------------------------------------------------


def test_a_refusal_is_logged_without_the_content(caplog):
    caplog.set_level(logging.WARNING, logger="portal.security")
    data = PE + b"SECRET-PAYLOAD"
    refused(upload("../budget\u202e.pdf", data), kinds=("pdf",))
    [record] = [r for r in caplog.records if r.name == "portal.security"]
    assert record.getMessage() == "upload_rejected"
    assert (record.code, record.upload_name, record.size) == ("bad_type", "budget.pdf", len(data))
    assert record.kinds == "pdf"
    assert "SECRET" not in repr(record.__dict__)


def test_an_accepted_upload_is_not_logged(caplog):
    caplog.set_level(logging.WARNING, logger="portal.security")
    check_upload(upload("a.pdf", minimal_pdf()))
    assert not [r for r in caplog.records if r.name == "portal.security"]
