"""Upload fixtures built in code: PDFs with pypdf or by hand (for escaped names and
object streams), DOCX/XLSX with zipfile."""

from __future__ import annotations

import io
import zipfile
import zlib
from xml.sax.saxutils import quoteattr

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject

from municipal_order.lib.uploads import (
    UploadRejected,
    check_upload,
)

ALL = ("pdf", "jpeg", "png", "docx", "xlsx")
OFFICE = ("pdf", "docx", "xlsx")
# Not a PDF, whatever the name says: a Windows executable and a page with a script.
PE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(48) + b"PE\x00\x00"
HTML = b"<!DOCTYPE html><html><script>alert(1)</script></html>"


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


# Relationship types: the ISO/ECMA ones and Microsoft's extensions.
OFFICE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
MS_REL = "http://schemas.microsoft.com/office/2006/relationships/"
RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
RELS_TYPE = "application/vnd.openxmlformats-package.relationships+xml"
VBA_PROJECT = "application/vnd.ms-office.vbaProject"
OLE_OBJECT = "application/vnd.openxmlformats-officedocument.oleObject"
# The first bytes of an OLE compound file: VBA projects, OLE objects, ActiveX binaries.
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def rels(*relationships: tuple[str, str, str | None]) -> bytes:
    """A relationships part from (type, target, target mode or None) triples."""
    items = "".join(
        f'<Relationship Id="rId{i}" Type={quoteattr(kind)} Target={quoteattr(target)}'
        + (f" TargetMode={quoteattr(mode)}" if mode else "")
        + "/>"
        for i, (kind, target, mode) in enumerate(relationships, 1)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<Relationships xmlns="{RELS_NS}">{items}</Relationships>'
    ).encode()


def content_types(overrides: dict[str, str], defaults: dict[str, str] | None = None) -> bytes:
    """``[Content_Types].xml`` with ``Default`` (by extension) and ``Override`` (by part)."""
    entries = {"xml": "application/xml", "rels": RELS_TYPE, **(defaults or {})}
    items = "".join(
        f"<Default Extension={quoteattr(ext)} ContentType={quoteattr(kind)}/>"
        for ext, kind in entries.items()
    ) + "".join(
        f"<Override PartName={quoteattr('/' + name)} ContentType={quoteattr(kind)}/>"
        for name, kind in overrides.items()
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{TYPES_NS}">{items}</Types>'.encode()
    )


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
