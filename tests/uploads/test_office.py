"""DOCX and XLSX: macros and zip bombs are refused."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest

from municipal_order.lib.uploads import (
    MB,
    check_upload,
)
from municipal_order.lib.uploads import office as upload_office
from tests.uploads.builders import (
    DOCM_MAIN,
    OFFICE,
    docx_members,
    refused,
    text,
    upload,
    xlsx_members,
    zip_bytes,
)

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
    monkeypatch.setattr(upload_office, "ZIP_MAX_TOTAL", 100_000)
    noise = hashlib.sha256(b"x").digest() * 4000  # 128 KB that does not compress
    data = zip_bytes({**docx_members(), "word/media/photo.bin": noise})
    assert refused(upload("plan.docx", data), kinds=OFFICE).code == "suspicious_archive"


def test_package_xml_past_its_limit_is_a_bomb(monkeypatch):
    # Relationship parts and content types are parsed, so they have a bound of their own.
    monkeypatch.setattr(upload_office, "ZIP_MAX_PACKAGE_XML", 1000)
    assert check_upload(upload("plan.docx", zip_bytes(docx_members())), kinds=OFFICE)
    for part in ("word/_rels/document.xml.rels", "[CONTENT_TYPES].XML"):
        data = zip_bytes({**docx_members(), part: b"<Relationships/>" * 70})
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
