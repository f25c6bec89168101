"""DOCX and XLSX: macros, ActiveX controls, zip bombs and damaged packages are refused."""

from __future__ import annotations

import posixpath
import zipfile
import zlib
from typing import IO

from django.utils.translation import gettext_lazy as _

from municipal_order.lib.uploads.errors import MB, UploadRejected

# ZIP (DOCX/XLSX) limits. The ratio limit applies to members that unpack to
# more than ZIP_RATIO_FLOOR: a small, very repetitive XML part is no bomb.
ZIP_MAX_MEMBERS = 1000


ZIP_MAX_TOTAL = 100 * MB


ZIP_MAX_RATIO = 100


ZIP_RATIO_FLOOR = 1 * MB


ZIP_MAX_CONTENT_TYPES = 1 * MB


OFFICE_MAIN_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}


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
        total = 0
        for member in members:
            total += member.file_size
            ratio = member.file_size / max(member.compress_size, 1)
            if member.file_size > ZIP_RATIO_FLOOR and ratio > ZIP_MAX_RATIO:
                raise UploadRejected(bomb, code="suspicious_archive", detail=f"ratio {ratio:.0f}")
        if total > ZIP_MAX_TOTAL:
            raise UploadRejected(bomb, code="suspicious_archive", detail=f"unpacks to {total}")

        names = {m.filename for m in members}
        if "[Content_Types].xml" not in names:
            return None
        kind = next((k for k in office if OFFICE_MAIN_PART[k] in names), None)
        if kind is None:
            return None

        try:
            with archive.open("[Content_Types].xml") as part:
                content_types = part.read(ZIP_MAX_CONTENT_TYPES + 1)
            bad_member = archive.testzip()  # CRCs of every member; sizes are bounded above
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, RuntimeError) as exc:
            # RuntimeError: an encrypted member or an unsupported compression method
            raise damaged from exc
        if bad_member is not None or len(content_types) > ZIP_MAX_CONTENT_TYPES:
            raise damaged

        macro = next((n for n in names if _is_macro_part(n)), None)
        if macro is None and b"macroenabled" in content_types.lower():
            macro = "[Content_Types].xml: macroEnabled"
        if macro is not None:
            raise UploadRejected(
                _(
                    "The document contains macros or ActiveX controls; "
                    "save it as a plain .docx or .xlsx file."
                ),
                code="active_content",
                detail=macro,
            )
    return kind


def _is_macro_part(name: str) -> bool:
    lowered = name.lower()
    base = posixpath.basename(lowered)
    return base == "vbaproject.bin" or base.startswith("vbadata") or "activex" in lowered
