"""DOCX and XLSX: macros, ActiveX controls, embedded objects, external links that fetch
something on opening, zip bombs and damaged packages are refused (the parts are judged
in office_parts)."""

from __future__ import annotations

import zipfile
import zlib
from typing import IO

from django.utils.translation import gettext_lazy as _

from municipal_order.lib.uploads.errors import MB, UploadRejected
from municipal_order.lib.uploads.office_parts import (
    EMBEDDED,
    EXTERNAL,
    MACRO,
    DamagedPackage,
    inspect_parts,
    is_package_xml,
)

# ZIP (DOCX/XLSX) limits. The ratio limit applies to members that unpack to
# more than ZIP_RATIO_FLOOR: a small, very repetitive XML part is no bomb.
ZIP_MAX_MEMBERS = 1000


ZIP_MAX_TOTAL = 100 * MB


ZIP_MAX_RATIO = 100


ZIP_RATIO_FLOOR = 1 * MB


# The package XML that is parsed (relationship parts and [Content_Types].xml,
# ~40 MB/s) all together: real packages have some kilobytes of it; 16 MB is
# ~100,000 relationships.
ZIP_MAX_PACKAGE_XML = 16 * MB


OFFICE_MAIN_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}

# All "active_content", like macros; the words say what to change.
_REFUSALS = {
    MACRO: _(
        "The document contains macros or ActiveX controls; save it as a plain .docx or .xlsx file."
    ),
    EMBEDDED: _(
        "The document contains embedded objects (other files or OLE objects inside it); "
        "remove them or insert them as pictures, then save it as a plain .docx or .xlsx file."
    ),
    EXTERNAL: _(
        "The document loads a template, an object or data from another location when it "
        "is opened; remove these links and save it as a plain .docx or .xlsx file."
    ),
}


def check_office(stream: IO[bytes], office: list[str]) -> str | None:
    """``docx``/``xlsx`` for a sound Office package, None for another ZIP; refusals otherwise."""
    damaged = UploadRejected(_("The file is damaged."), code="damaged", detail="corrupt zip")
    bomb = _("The file is packed suspiciously (it would unpack to far more than its size).")
    stream.seek(0)
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        raise damaged from exc
    with archive:
        members = archive.infolist()
        if len(members) > ZIP_MAX_MEMBERS:
            raise UploadRejected(bomb, code="suspicious_archive", detail=f"{len(members)} members")
        total = package_xml = 0
        for member in members:
            total += member.file_size
            if is_package_xml(member.filename):
                package_xml += member.file_size
            ratio = member.file_size / max(member.compress_size, 1)
            if member.file_size > ZIP_RATIO_FLOOR and ratio > ZIP_MAX_RATIO:
                raise UploadRejected(bomb, code="suspicious_archive", detail=f"ratio {ratio:.0f}")
        if total > ZIP_MAX_TOTAL:
            raise UploadRejected(bomb, code="suspicious_archive", detail=f"unpacks to {total}")
        if package_xml > ZIP_MAX_PACKAGE_XML:
            detail = f"package XML unpacks to {package_xml}"
            raise UploadRejected(bomb, code="suspicious_archive", detail=detail)

        names = {m.filename for m in members}
        if "[Content_Types].xml" not in names:
            return None
        kind = next((k for k in office if OFFICE_MAIN_PART[k] in names), None)
        if kind is None:
            return None

        try:
            # Reads every member once: CRCs, declared types, relationships, OLE headers.
            finding = inspect_parts(archive, members)
        except (
            zipfile.BadZipFile,
            zlib.error,
            OSError,
            EOFError,
            ValueError,
            RuntimeError,  # an encrypted member or an unsupported compression method
            DamagedPackage,
        ) as exc:
            raise damaged from exc
        if finding is not None:
            raise UploadRejected(
                _REFUSALS[finding.kind], code="active_content", detail=finding.detail
            )
    return kind
