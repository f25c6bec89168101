"""DOCX and XLSX: what the package's parts, content types and relationships say, not
their names, decides — remote templates and other external links that fetch or run
something, embedded objects and renamed macro parts are refused; hyperlinks and
images are not."""

from __future__ import annotations

import io
import logging
import warnings
import zipfile

import pytest

from municipal_order.lib.uploads import check_upload
from tests.uploads.builders import (
    CFB_MAGIC,
    DOCX_MAIN,
    MS_REL,
    OFFICE,
    OFFICE_REL,
    OLE_OBJECT,
    VBA_PROJECT,
    XLSX_MAIN,
    content_types,
    docx_members,
    refused,
    rels,
    text,
    upload,
    xlsx_members,
    zip_bytes,
)

DOCX_TYPES = {"word/document.xml": DOCX_MAIN.decode()}
XLSX_TYPES = {"xl/workbook.xml": XLSX_MAIN.decode()}
PRINTER_SETTINGS = "application/vnd.openxmlformats-officedocument.spreadsheetml.printerSettings"
MACROS = "The document contains macros or ActiveX controls; save it as a plain .docx or .xlsx file."
EMBEDDED = (
    "The document contains embedded objects (other files or OLE objects inside it); "
    "remove them or insert them as pictures, then save it as a plain .docx or .xlsx file."
)
EXTERNAL = (
    "The document loads a template, an object or data from another location when it is "
    "opened; remove these links and save it as a plain .docx or .xlsx file."
)


def template_link(target: str, mode: str | None = "External") -> bytes:
    """A DOCX whose settings attach the template at ``target``."""
    return zip_bytes(
        {
            **docx_members(),
            "word/settings.xml": b"<settings><attachedTemplate id='rId1'/></settings>",
            "word/_rels/settings.xml.rels": rels((OFFICE_REL + "attachedTemplate", target, mode)),
        }
    )


# --- 1. remote templates and other external links ----------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/normal.dotm",
        "\\\\evil.example\\share\\normal.dotm",
        "file://evil.example/share/normal.dotm",
        "normal.dotm",
    ],
    ids=["https", "unc", "file-on-a-host", "relative"],
)
def test_a_remote_template_link_is_refused(target, caplog):
    caplog.set_level(logging.WARNING, logger="portal.security")
    error = refused(upload("plan.docx", template_link(target)), kinds=OFFICE)
    assert error.code == "active_content"
    assert text(error) == EXTERNAL
    detail = caplog.records[-1].detail
    assert detail == "word/_rels/settings.xml.rels: external attachedTemplate"
    assert "evil" not in repr(caplog.records[-1].__dict__)  # the target is content: not logged


def test_a_template_link_without_target_mode_but_with_a_url_is_refused():
    # Word only fetches External targets, but a URL is never a part of the package.
    data = template_link("https://evil.example/normal.dotm", mode=None)
    assert refused(upload("plan.docx", data), kinds=OFFICE).code == "active_content"


def test_a_template_on_the_authors_own_disk_is_accepted():
    # Documents made from a template keep its local path; nothing is fetched from it.
    for target in ("file:///C:\\Users\\aigul\\Templates\\Report.dotx", "D:/Templates/r.dotx"):
        assert check_upload(upload("plan.docx", template_link(target)), kinds=OFFICE).kind == "docx"


@pytest.mark.parametrize(
    ("members", "kind"),
    [
        (
            {
                "word/_rels/document.xml.rels": rels(
                    (OFFICE_REL + "oleObject", "https://evil.example/x.xls", "External")
                )
            },
            "oleObject",
        ),
        (
            {
                "word/_rels/webSettings.xml.rels": rels(
                    (OFFICE_REL + "frame", "https://evil.example/frame.docx", "External")
                )
            },
            "frame",
        ),
        (
            {
                "word/_rels/document.xml.rels": rels(
                    (OFFICE_REL + "subDocument", "\\\\evil.example\\s\\part.docx", "External")
                )
            },
            "subDocument",
        ),
    ],
    ids=["linked-ole-object", "frame", "sub-document"],
)
def test_external_relationships_that_fetch_or_run_something_are_refused(members, kind, caplog):
    caplog.set_level(logging.WARNING, logger="portal.security")
    error = refused(upload("plan.docx", zip_bytes({**docx_members(), **members})), kinds=OFFICE)
    assert (error.code, text(error)) == ("active_content", EXTERNAL)
    assert caplog.records[-1].detail.endswith(f"external {kind}")


@pytest.mark.parametrize(
    "relationship",
    [
        (OFFICE_REL + "externalLinkPath", "file:///\\\\evil.example\\s\\book.xlsx", "External"),
        (MS_REL + "xlExternalLinkPath/xlPathMissing", "book.xlsx", "External"),
        (OFFICE_REL + "externalLink", "https://evil.example/book.xlsx", "External"),
    ],
    ids=["external-link-path", "path-missing", "external-link"],
)
def test_a_spreadsheet_with_external_workbook_links_is_refused(relationship):
    members = {
        **xlsx_members(),
        "xl/externalLinks/externalLink1.xml": b"<externalLink/>",
        "xl/externalLinks/_rels/externalLink1.xml.rels": rels(relationship),
    }
    error = refused(upload("budget.xlsx", zip_bytes(members)), kinds=OFFICE)
    assert (error.code, text(error)) == ("active_content", EXTERNAL)


def test_external_hyperlinks_are_accepted():
    members = {
        **docx_members(),
        "word/_rels/document.xml.rels": rels(
            (OFFICE_REL + "hyperlink", "https://example.kg/report?a=1&b=2", "External"),
            (OFFICE_REL + "hyperlink", "mailto:ngo@example.kg", "External"),
            (OFFICE_REL + "styles", "styles.xml", None),
            (OFFICE_REL + "image", "media/image1.png", None),
        ),
        "word/styles.xml": b"<styles/>",
        "word/media/image1.png": b"\x89PNG\r\n\x1a\n" + bytes(64),
    }
    assert check_upload(upload("plan.docx", zip_bytes(members)), kinds=OFFICE).kind == "docx"


# --- 2. embedded objects ------------------------------------------------------------------


@pytest.mark.parametrize(
    "members",
    [
        {"word/embeddings/oleObject1.bin": CFB_MAGIC + bytes(504)},
        {"word/embeddings/Microsoft_Excel_Worksheet.xlsx": b"PK\x03\x04 a workbook"},
        {"word/objects/thing.bin": CFB_MAGIC + bytes(504)},  # an OLE file by its bytes
        {
            "[Content_Types].xml": content_types({**DOCX_TYPES, "word/thing.dat": OLE_OBJECT}),
            "word/thing.dat": b"an object",
        },
        {
            "word/_rels/document.xml.rels": rels((OFFICE_REL + "package", "x/report.docx", None)),
            "word/x/report.docx": b"PK\x03\x04 a document",
        },
    ],
    ids=[
        "ole-object",
        "embedded-workbook",
        "ole-bytes",
        "ole-content-type",
        "package-relationship",
    ],
)
def test_a_document_with_embedded_objects_is_refused(members):
    error = refused(upload("plan.docx", zip_bytes({**docx_members(), **members})), kinds=OFFICE)
    assert (error.code, text(error)) == ("active_content", EMBEDDED)


def test_a_spreadsheet_with_embedded_objects_is_refused():
    members = {**xlsx_members(), "xl/embeddings/oleObject1.bin": CFB_MAGIC + bytes(504)}
    error = refused(upload("budget.xlsx", zip_bytes(members)), kinds=OFFICE)
    assert (error.code, text(error)) == ("active_content", EMBEDDED)


def test_images_and_printer_settings_are_not_embedded_objects():
    members = {
        **xlsx_members(),
        "[Content_Types].xml": content_types(
            XLSX_TYPES,
            {
                "png": "image/png",
                "bin": PRINTER_SETTINGS,
            },
        ),
        "xl/media/image1.png": b"\x89PNG\r\n\x1a\n" + bytes(64),
        "xl/printerSettings/printerSettings1.bin": b"Microsoft Print to PDF" + bytes(200),
    }
    assert check_upload(upload("budget.xlsx", zip_bytes(members)), kinds=OFFICE).kind == "xlsx"


# --- 3. macros under another name ---------------------------------------------------------


@pytest.mark.parametrize(
    "members",
    [
        {
            "[Content_Types].xml": content_types({**DOCX_TYPES, "word/data.bin": VBA_PROJECT}),
            "word/data.bin": b"not an OLE header, still declared a VBA project",
        },
        {
            "[Content_Types].xml": content_types(DOCX_TYPES, {"dat": VBA_PROJECT}),
            "word/data.dat": b"declared by its extension",
        },
        {
            "word/_rels/document.xml.rels": rels((MS_REL + "vbaProject", "data.bin", None)),
            "word/data.bin": b"referenced as a VBA project",
        },
        {
            "[Content_Types].xml": content_types(
                {**DOCX_TYPES, "word/x.xml": "application/vnd.ms-office.activeX+xml"}
            ),
            "word/x.xml": b"<ocx/>",
        },
    ],
    ids=["content-type-override", "content-type-default", "relationship", "activex-type"],
)
def test_a_renamed_macro_part_is_refused(members):
    error = refused(upload("plan.docx", zip_bytes({**docx_members(), **members})), kinds=OFFICE)
    assert (error.code, text(error)) == ("active_content", MACROS)


def test_an_excel_4_macro_sheet_is_refused():
    members = {
        **xlsx_members(),
        "[Content_Types].xml": content_types(
            {**XLSX_TYPES, "xl/macrosheets/sheet1.xml": "application/vnd.ms-excel.macrosheet+xml"}
        ),
        "xl/_rels/workbook.xml.rels": rels(
            (MS_REL + "xlMacrosheet", "macrosheets/sheet1.xml", None)
        ),
        "xl/macrosheets/sheet1.xml": b"<xm:macrosheet/>",
    }
    error = refused(upload("budget.xlsx", zip_bytes(members)), kinds=OFFICE)
    assert (error.code, text(error)) == ("active_content", MACROS)


def test_a_macro_enabled_type_in_utf16_content_types_is_refused():
    # A byte search for "macroEnabled" misses UTF-16; the XML is parsed instead.
    xml = content_types(
        {"word/document.xml": "application/vnd.ms-word.document.macroEnabled.main+xml"}
    )
    utf16 = xml.decode().replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    data = zip_bytes({**docx_members(), "[Content_Types].xml": utf16})
    assert refused(upload("plan.docx", data), kinds=OFFICE).code == "active_content"


def test_every_content_types_entry_counts():
    # A clean [Content_Types].xml beside a second spelling, or a second entry of the
    # same name: which one a reader takes is not guessed, both are read.
    declared = content_types({**DOCX_TYPES, "word/data.bin": VBA_PROJECT})
    members = {**docx_members(), "[content_types].xml": declared, "word/data.bin": b"vba"}
    assert refused(upload("plan.docx", zip_bytes(members)), kinds=OFFICE).code == "active_content"
    out = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(out, "w") as archive:
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name
        for name, data in {**docx_members(), "word/data.bin": b"vba"}.items():
            archive.writestr(name, data)
        archive.writestr("[Content_Types].xml", declared)
    assert refused(upload("plan.docx", out.getvalue()), kinds=OFFICE).code == "active_content"


@pytest.mark.parametrize(
    "part",
    ["word/_rels/document.xml.rels", "[Content_Types].xml"],
)
def test_package_xml_with_a_doctype_or_broken_xml_is_damaged(part):
    # Office refuses DTDs in package XML; refusing them also rules out entity expansion.
    doctype = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><Relationships>&a;</Relationships>'
    )
    for bad in (doctype, b"<Relationships><Relationship"):
        error = refused(upload("plan.docx", zip_bytes({**docx_members(), part: bad})), kinds=OFFICE)
        assert error.code == "damaged"
