"""PDF actions that run by themselves — /OpenAction and /AA (additional actions) on
the catalog, pages, annotations and form fields — are refused when they open a web
address, another file or media; the same action behind a link the reader clicks
is accepted."""

from __future__ import annotations

import logging

import pytest
from pypdf.annotations import Link
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from municipal_order.lib.uploads import check_upload
from municipal_order.lib.uploads.pdf import PdfNameScanner
from tests.uploads.builders import (
    CATALOG,
    PAGE,
    PAGES,
    minimal_pdf,
    objstm_pdf,
    raw_pdf,
    refused,
    text,
    upload,
)

AUTOMATIC = (
    "The PDF performs actions by itself when it is opened or viewed (for example, opens a "
    "web address or another file); save it again as a plain PDF."
)
URI = b"<< /S /URI /URI (https://evil.example/track) >>"
GOTO_R = b"<< /S /GoToR /F (\\\\\\\\evil.example\\\\share\\\\x.pdf) /D [0 /Fit] >>"
RENDITION = b"<< /S /Rendition /OP 0 /AN 5 0 R /R << /S /MR /C << /S /MCD /D (x.mp4) >> >> >>"
LINK = b"<< /Type /Annot /Subtype /Link /Rect [10 10 90 30] /A %s >>"


def _catalog(extra: bytes) -> bytes:
    return b"<< /Type /Catalog /Pages 2 0 R %s >>" % extra


def _page(extra: bytes) -> bytes:
    return b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] %s >>" % extra


# Where an automatic action can sit. Each case is a complete set of objects.
TRIGGERS = {
    "open-action-uri": {1: _catalog(b"/OpenAction " + URI), 2: PAGES, 3: PAGE},
    "open-action-goto-remote": {1: _catalog(b"/OpenAction " + GOTO_R), 2: PAGES, 3: PAGE},
    "open-action-rendition": {1: _catalog(b"/OpenAction " + RENDITION), 2: PAGES, 3: PAGE},
    "open-action-reference": {1: _catalog(b"/OpenAction 4 0 R"), 2: PAGES, 3: PAGE, 4: URI},
    "open-action-escaped": {
        1: _catalog(b"/Open#41ction << /S /UR#49 /UR#49 (https://evil.example/) >>"),
        2: PAGES,
        3: PAGE,
    },
    "goto-then-next-uri": {
        1: _catalog(b"/OpenAction << /S /GoTo /D [3 0 R /Fit] /Next [4 0 R] >>"),
        2: PAGES,
        3: PAGE,
        4: URI,
    },
    "catalog-aa": {1: _catalog(b"/AA << /WC " + URI + b" >>"), 2: PAGES, 3: PAGE},
    "page-aa-reference": {1: CATALOG, 2: PAGES, 3: _page(b"/AA << /O 4 0 R >>"), 4: GOTO_R},
    "page-aa-reference-to-events": {
        1: CATALOG,
        2: PAGES,
        3: _page(b"/AA 4 0 R"),
        4: b"<< /O 5 0 R >>",
        5: URI,
    },
    "annotation-aa": {
        1: CATALOG,
        2: PAGES,
        3: _page(b"/Annots [4 0 R]"),
        4: b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /AA << /E " + URI + b" >> >>",
    },
    "form-field-aa": {
        1: _catalog(b"/AcroForm << /Fields [4 0 R] >>"),
        2: PAGES,
        3: PAGE,
        4: b"<< /FT /Tx /T (name) /AA << /Fo 5 0 R >> >>",
        5: RENDITION,
    },
}


@pytest.mark.parametrize("objects", TRIGGERS.values(), ids=TRIGGERS.keys())
def test_an_automatic_action_that_opens_a_link_or_a_file_is_refused(objects, caplog):
    caplog.set_level(logging.WARNING, logger="portal.security")
    error = refused(upload("report.pdf", raw_pdf(objects)))
    assert error.code == "active_content"
    assert text(error) == AUTOMATIC
    assert "evil" not in repr(caplog.records[-1].__dict__)  # the address is content: not logged


@pytest.mark.parametrize("objects", TRIGGERS.values(), ids=TRIGGERS.keys())
def test_the_object_walk_alone_finds_automatic_actions(monkeypatch, objects):
    # Blind the raw scan: pypdf's walk must resolve references and /Next chains itself.
    monkeypatch.setattr(PdfNameScanner, "feed", lambda self, data, final=False: None)
    assert text(refused(upload("report.pdf", raw_pdf(objects)))) == AUTOMATIC


def test_an_automatic_action_in_a_compressed_object_stream_is_refused(monkeypatch, caplog):
    data = objstm_pdf(
        {1: _catalog(b"/OpenAction 4 0 R"), 4: b"<< /S /UR#49 /URI (https://evil.example/) >>"},
        {2: PAGES, 3: PAGE},
    )
    assert b"URI" not in data  # invisible to a byte search
    caplog.set_level(logging.WARNING, logger="portal.security")
    assert text(refused(upload("report.pdf", data))) == AUTOMATIC
    monkeypatch.setattr(PdfNameScanner, "feed", lambda self, data, final=False: None)
    assert text(refused(upload("report.pdf", data))) == AUTOMATIC


def test_an_open_action_written_by_pypdf_is_refused():
    def configure(writer):
        action = DictionaryObject(
            {
                NameObject("/S"): NameObject("/URI"),
                NameObject("/URI"): TextStringObject("https://evil.example/"),
            }
        )
        writer.root_object[NameObject("/OpenAction")] = writer._add_object(action)

    assert text(refused(upload("report.pdf", minimal_pdf(configure)))) == AUTOMATIC


def test_a_chain_of_actions_that_loops_is_checked_once():
    objects = {
        1: _catalog(b"/OpenAction 4 0 R"),
        2: PAGES,
        3: PAGE,
        4: b"<< /S /GoTo /D [3 0 R /Fit] /Next 5 0 R >>",
        5: b"<< /S /GoTo /D [3 0 R /Fit] /Next 4 0 R >>",
    }
    assert check_upload(upload("report.pdf", raw_pdf(objects))).kind == "pdf"


# --- what stays accepted --------------------------------------------------------------------


def test_a_link_the_reader_must_click_is_accepted():
    objects = {
        # Opening at the first page and a base for relative links are ordinary.
        1: _catalog(b"/OpenAction [3 0 R /Fit] /URI << /Base (https://example.kg/) >>"),
        2: PAGES,
        3: _page(b"/Annots [4 0 R " + LINK % URI + b"]"),
        4: LINK % b"5 0 R",
        5: b"<< /S /URI /URI (https://example.kg/report) >>",
    }
    assert check_upload(upload("report.pdf", raw_pdf(objects))).kind == "pdf"


def test_an_open_action_that_goes_to_a_page_with_links_is_accepted():
    # The destination's page is not an action: its links must not be mistaken for one.
    objects = {
        1: _catalog(b"/OpenAction << /S /GoTo /D [3 0 R /FitH 200] >> /PageMode /UseNone"),
        2: PAGES,
        3: _page(b"/Annots [" + LINK % URI + b"] /AA << /O << /S /GoTo /D [3 0 R /Fit] >> >>"),
    }
    assert check_upload(upload("report.pdf", raw_pdf(objects))).kind == "pdf"


def test_a_link_written_by_pypdf_is_accepted():
    def configure(writer):
        writer.add_annotation(0, Link(rect=(10, 10, 90, 30), url="https://example.kg/"))
        destination = ArrayObject([writer.pages[0].indirect_reference, NameObject("/Fit")])
        writer.root_object[NameObject("/OpenAction")] = destination

    assert check_upload(upload("report.pdf", minimal_pdf(configure))).kind == "pdf"


# --- the raw scanner ------------------------------------------------------------------------


def _scan(data: bytes, size: int) -> list[str | None]:
    scanner = PdfNameScanner()
    hits = [scanner.feed(data[i : i + size]) for i in range(0, len(data), size)]
    return [*hits, scanner.feed(b"", final=True)]


@pytest.mark.parametrize(
    "data",
    [
        b"1 0 obj << /Type /Catalog /OpenAction << /S /UR#49 /URI (x) >> >> endobj ",
        b"1 0 obj << /Type /Catalog /Open#41ction <</S/GoTo/D[3 0 R/Fit]/Next<</S/GoT#6FR>>>> >>"
        b" endobj ",
        b"3 0 obj << /Type /Page /A#41 << /O << /S /Rendition >> >> >> endobj ",
    ],
    ids=["open-action", "escaped-key-and-next", "escaped-aa"],
)
def test_the_raw_scanner_finds_automatic_actions_across_chunks(data):
    for size in (1, 2, 3, 7, 64, len(data)):
        assert {"URI", "GoToR", "Rendition"} & set(_scan(data * 3, size)), size


@pytest.mark.parametrize(
    "data",
    [
        # A click-through link next to an automatic GoTo, in the same object.
        b"1 0 obj << /AA << /O << /S /GoTo /D [0 /Fit] >> >> /A << /S /URI /URI (x) >> >> endobj",
        # An /OpenAction destination, then the catalog's /URI base dictionary.
        b"1 0 obj << /OpenAction [3 0 R /Fit] /URI << /Base (https://example.kg/) >> >> endobj",
        # An indirect /OpenAction: the object it names is for the object walk to judge.
        b"1 0 obj << /OpenAction 4 0 R >> endobj 2 0 obj << /S /URI /URI (x) >> endobj",
        # An /AA left open by a broken object does not reach into the next object.
        b"1 0 obj << /AA << /O << /S /GoTo endobj 2 0 obj << /A << /S /URI >> >> endobj",
    ],
    ids=["link-beside-aa", "destination-and-base", "indirect", "unclosed"],
)
def test_the_raw_scanner_leaves_links_alone(data):
    for size in (1, 5, 64, len(data)):
        assert set(_scan(data + bytes(200), size)) == {None}, size
