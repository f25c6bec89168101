"""Checking uploaded files by their content, never by their name.

``check_upload`` decides what a file is from its bytes (magic numbers, then a
structural check per kind) and refuses what the portal must never store or hand
on to the commission:

* PDFs with active content — JavaScript, launch actions, attached files, rich
  media, XFA forms, form submission/import and embedded go-to actions — found
  both by a cheap scan of the raw bytes (with ``#xx`` escapes in names undone)
  and by walking every indirect object with pypdf, including the objects packed
  in compressed object streams; password-protected and damaged PDFs;
* DOCX/XLSX packages that carry macros or ActiveX controls, that unpack to far
  more than they weigh (zip bombs), or that are damaged;
* empty and oversized files.

Every refusal is a ``ValidationError`` (an ``UploadRejected``) with a code and a
translated message, and is logged on ``portal.security`` without file content.
"""

from __future__ import annotations

import hashlib
import logging
import posixpath
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

MB = 1024 * 1024
CHUNK = MB

security_log = logging.getLogger("portal.security")


ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class Kind:
    label: str
    extensions: tuple[str, ...]  # the first one is the canonical extension
    content_type: str
    # How the content starts. DOCX and XLSX share the ZIP magic; the package's
    # parts tell them apart (see _check_office).
    magic: bytes


KINDS: dict[str, Kind] = {
    "pdf": Kind("PDF", (".pdf",), "application/pdf", b"%PDF-"),
    "jpeg": Kind("JPEG", (".jpg", ".jpeg", ".jpe"), "image/jpeg", b"\xff\xd8\xff"),
    "png": Kind("PNG", (".png",), "image/png", b"\x89PNG\r\n\x1a\n"),
    "docx": Kind(
        "DOCX",
        (".docx",),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ZIP_MAGIC,
    ),
    "xlsx": Kind(
        "XLSX",
        (".xlsx",),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ZIP_MAGIC,
    ),
}
ALL_KINDS: tuple[str, ...] = tuple(KINDS)
DEFAULT_KINDS: tuple[str, ...] = ("pdf", "jpeg", "png")

# ZIP (DOCX/XLSX) limits. The ratio limit applies to members that unpack to
# more than ZIP_RATIO_FLOOR: a small, very repetitive XML part is no bomb.
ZIP_MAX_MEMBERS = 1000
ZIP_MAX_TOTAL = 100 * MB
ZIP_MAX_RATIO = 100
ZIP_RATIO_FLOOR = 1 * MB
ZIP_MAX_CONTENT_TYPES = 1 * MB
OFFICE_MAIN_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}

# PDF limits. pypdf parses some 15,000 plain objects a second on the 2-core
# box (~50,000 packed in object streams), so the object count bounds the time a
# check can take: ~7 s at worst. Real documents have a few thousand objects; a
# 1,000-page report from Word some 50,000. More cross-reference entries than
# PDF_MAX_BAD_OFFSETS that point at the wrong object (pypdf repairs each one by
# searching the whole file) and the file is refused as damaged.
PDF_MAX_OBJECTS = 100_000
PDF_MAX_BAD_OFFSETS = 100
# Names that make a PDF "active": scripts, actions that run or fetch something,
# attached files, rich media and XFA forms. Compared after #xx escapes are undone.
PDF_ACTIVE_NAMES = frozenset(
    {
        "JS",
        "JavaScript",
        "Launch",
        "EmbeddedFile",
        "EmbeddedFiles",
        "RichMedia",
        "XFA",
        "SubmitForm",
        "ImportData",
        "GoToE",
    }
)

DISPLAY_NAME_MAX = 120


# ---------------------------------------------------------------------------
# Results and errors


@dataclass(frozen=True)
class CheckedUpload:
    kind: str
    sha256: str
    size: int
    display_name: str

    @property
    def extension(self) -> str:
        """The canonical extension for the content, e.g. ``.pdf`` (for stored names)."""
        return KINDS[self.kind].extensions[0]

    @property
    def content_type(self) -> str:
        return KINDS[self.kind].content_type


class UploadRejected(ValidationError):
    """A refused upload; ``detail`` says why in words for the log, never shown to users."""

    def __init__(self, message: Any, *, code: str, params: dict | None = None, detail: str = ""):
        super().__init__(message, code=code, params=params)
        self.detail = detail


def _join_labels(kinds: tuple[str, ...]) -> str:
    labels = [KINDS[k].label for k in kinds]
    if len(labels) == 1:
        return labels[0]
    return gettext("%(first)s or %(last)s") % {
        "first": ", ".join(labels[:-1]),
        "last": labels[-1],
    }


# ---------------------------------------------------------------------------
# Display names


_UNSAFE_IN_NAME = re.compile(r'[<>:|?*;"]')
_SPACES = re.compile(r"\s+")
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,10}$")


def safe_display_name(name: str | None, *, kind: str | None = None) -> str:
    """The user's file name for display and Content-Disposition only; never a path.

    Drops directories (``/`` and ``\\``), control, format (bidi overrides such as
    U+202E), private-use and unassigned characters; replaces quotes and
    characters that are special in headers or on Windows; removes leading and
    trailing dots and spaces; keeps at most 120 characters, the extension
    included. With ``kind`` the name is made to end in an extension of that kind
    (``report.exe`` holding a PDF becomes ``report.exe.pdf``), because browsers
    and ``FileResponse`` go by the extension. Never empty.
    """
    text = unicodedata.normalize("NFC", name or "")
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    text = _UNSAFE_IN_NAME.sub(lambda m: "'" if m.group() == '"' else "_", text)
    text = _SPACES.sub(" ", text).strip(" .")
    if kind is not None:
        extensions = KINDS[kind].extensions
        if not text.lower().endswith(extensions):
            text = f"{text or 'file'}{extensions[0]}"
    match = _EXTENSION.search(text)
    extension = match.group() if match and match.start() > 0 else ""
    stem = text[: len(text) - len(extension)]
    stem = stem[: DISPLAY_NAME_MAX - len(extension)].rstrip(" .")
    return f"{stem or 'file'}{extension}"


# ---------------------------------------------------------------------------
# The check


def check_upload(
    upload: UploadedFile,
    *,
    kinds: tuple[str, ...] = DEFAULT_KINDS,
    max_mb: int = 20,
) -> CheckedUpload:
    """Check an upload by its content; return what it is or raise ``UploadRejected``.

    ``kinds`` is a subset of ``ALL_KINDS`` (pdf, jpeg, png, docx, xlsx). Codes:
    ``empty``, ``too_big``, ``bad_type``, ``damaged``, ``encrypted``,
    ``active_content``, ``suspicious_archive``, ``too_complex``. The file is
    left at position 0.
    """
    unknown = [k for k in kinds if k not in KINDS]
    if unknown or not kinds:
        raise ValueError(f"Unknown upload kinds {unknown!r}; use some of {ALL_KINDS!r}.")
    claimed = safe_display_name(getattr(upload, "name", None))
    try:
        try:
            return _check(upload, claimed, tuple(kinds), max_mb)
        finally:
            upload.seek(0)
    except UploadRejected as exc:
        security_log.warning(
            "upload_rejected",
            extra={
                "code": exc.code,
                "upload_name": claimed,
                "size": getattr(upload, "size", None),
                "kinds": ",".join(kinds),
                "detail": exc.detail,
            },
        )
        raise


def _check(
    upload: UploadedFile, claimed: str, kinds: tuple[str, ...], max_mb: int
) -> CheckedUpload:
    # Read through the underlying file (a temporary file or BytesIO): the File
    # proxy's per-call overhead adds up in pypdf's many small reads.
    stream: IO[bytes] = getattr(upload, "file", None) or upload
    limit = max_mb * MB
    too_big = UploadRejected(
        _("The file is larger than %(limit)s MB."),
        params={"limit": max_mb},
        code="too_big",
        detail="size over the limit",
    )
    empty = UploadRejected(_("The file is empty."), code="empty", detail="0 bytes")
    declared = getattr(upload, "size", None)
    if declared is not None and declared > limit:
        raise too_big
    if declared == 0:
        raise empty

    # One pass for the size actually read and the digest.
    digest = hashlib.sha256()
    size = 0
    for chunk in _read_chunks(stream):
        size += len(chunk)
        if size > limit:
            raise too_big
        digest.update(chunk)
    if size == 0:
        raise empty

    stream.seek(0)
    head = stream.read(8)
    kind = _sniff(stream, head, kinds, claimed)
    if kind == "pdf":
        _check_pdf(stream, size)
    return CheckedUpload(kind, digest.hexdigest(), size, safe_display_name(claimed, kind=kind))


def _read_chunks(stream: IO[bytes]) -> Iterator[bytes]:
    stream.seek(0)
    while chunk := stream.read(CHUNK):
        yield chunk


def _sniff(stream: IO[bytes], head: bytes, kinds: tuple[str, ...], claimed: str) -> str:
    """The accepted kind the content is, or a ``bad_type`` refusal."""
    found: str | None = None
    if head.startswith(ZIP_MAGIC):
        office = [k for k in kinds if k in OFFICE_MAIN_PART]
        if office:
            found = _check_office(stream, office)
    else:
        found = next(
            (k for k in kinds if k not in OFFICE_MAIN_PART and head.startswith(KINDS[k].magic)),
            None,
        )
    if found is not None:
        return found
    # Name the kind the user believed they were sending when it is one we take
    # ("budget.pdf" → "is not a PDF file"); otherwise list what we take.
    lowered = claimed.lower()
    meant = next((k for k in kinds if lowered.endswith(KINDS[k].extensions)), None)
    raise UploadRejected(
        _("The file “%(name)s” is not a %(kinds)s file."),
        params={"name": claimed, "kinds": _join_labels((meant,) if meant else kinds)},
        code="bad_type",
        detail=_describe(head),
    )


def _describe(head: bytes) -> str:
    """What the content looks like, for the log (no bytes of it)."""
    if head.startswith(ZIP_MAGIC):
        return "a ZIP that is not an accepted Office document"
    known = next((k for k, kind in KINDS.items() if head.startswith(kind.magic)), None)
    return f"{known} content, not accepted here" if known else "unrecognised content"


# ---------------------------------------------------------------------------
# DOCX / XLSX


def _check_office(stream: IO[bytes], office: list[str]) -> str | None:
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


# ---------------------------------------------------------------------------
# PDF


def _active_content(detail: str) -> UploadRejected:
    return UploadRejected(
        _(
            "The PDF contains active content (scripts, launch actions or attached files); "
            "save it again as a plain PDF."
        ),
        code="active_content",
        detail=detail,
    )


def _damaged_pdf(detail: str) -> UploadRejected:
    return UploadRejected(_("The PDF file is damaged."), code="damaged", detail=detail)


def _check_pdf(stream: IO[bytes], size: int) -> None:
    # A complete PDF ends with %%EOF (readers look in the last 1024 bytes): a
    # truncated upload does not.
    stream.seek(max(0, size - 1024))
    if b"%%EOF" not in stream.read(1024):
        raise _damaged_pdf("no %%EOF in the last 1024 bytes")

    # First, cheap pass: names in the raw bytes outside streams.
    scanner = PdfNameScanner()
    for chunk in _read_chunks(stream):
        if hit := scanner.feed(chunk):
            raise _active_content(f"raw name /{hit}")
    if hit := scanner.feed(b"", final=True):
        raise _active_content(f"raw name /{hit}")

    # Second pass: every indirect object, including those in object streams.
    stream.seek(0)
    _walk_pdf(stream)


_PDF_DELIMITERS = rb"\x00\t\n\x0c\r ()<>\[\]{}/%"
# A name (up to 64 bytes: the longest active name fully #xx-escaped is 39) or
# the keyword that opens a stream's data.
_PDF_TOKEN = re.compile(rb"/([^" + _PDF_DELIMITERS + rb"]{1,64})|(?<![A-Za-z])stream[\r\n]")
_PDF_HEX = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_ENDSTREAM = b"endstream"
_SCAN_TAIL = 128  # > the longest token; tokens ending this close to a chunk's end wait
_SCAN_CONTEXT = 16  # bytes kept before the resume point for the look-behind


def pdf_name(raw: bytes) -> str:
    """A PDF name's characters with ``#xx`` escapes undone (``J#61vaScript`` → ``JavaScript``)."""
    if b"#" in raw:
        raw = _PDF_HEX.sub(lambda m: bytes((int(m.group(1), 16),)), raw)
    return raw.decode("latin-1")


class PdfNameScanner:
    """Finds active-content names in PDF bytes fed in chunks, skipping stream data.

    Linear in the input: each byte is searched once, and at most ~150 bytes are
    carried from one chunk to the next. Stream data (compressed images, fonts,
    page contents) is skipped because random bytes would match ``/JS`` by
    chance; the objects packed in object streams are checked by ``_walk_pdf``.
    """

    def __init__(self) -> None:
        self._carry = b""
        self._pos = 0
        self._in_stream = False

    def feed(self, data: bytes, *, final: bool = False) -> str | None:
        buf = self._carry + data
        pos = self._pos
        limit = len(buf) if final else len(buf) - _SCAN_TAIL
        while True:
            if self._in_stream:
                end = buf.find(_PDF_ENDSTREAM, pos)
                if end < 0:
                    pos = max(pos, len(buf) - len(_PDF_ENDSTREAM))
                    break
                pos = end + len(_PDF_ENDSTREAM)
                self._in_stream = False
            match = _PDF_TOKEN.search(buf, pos)
            if match is None:
                pos = max(pos, len(buf) - _SCAN_TAIL)
                break
            if match.end() > limit:
                pos = match.start()
                break
            pos = match.end()
            raw = match.group(1)
            if raw is None:
                self._in_stream = True
            elif len(raw) <= 40 and (name := pdf_name(raw)) in PDF_ACTIVE_NAMES:
                return name
        keep = max(0, pos - _SCAN_CONTEXT)
        self._carry = buf[keep:]
        self._pos = pos - keep
        return None


_OBJECT_HEADER = re.compile(rb"\s*(\d+)\s+(\d+)\s+obj")


def _walk_pdf(stream: IO[bytes]) -> None:
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError
    from pypdf.generic import IndirectObject

    try:
        reader = PdfReader(stream, strict=False)
        encrypted = reader.is_encrypted
    except FileNotDecryptedError:
        encrypted = True
    except Exception as exc:
        raise _damaged_pdf(f"pypdf: {type(exc).__name__}") from exc
    if encrypted:
        raise UploadRejected(
            _("Password-protected PDFs are not accepted."),
            code="encrypted",
            detail="/Encrypt in the trailer",
        )

    try:
        refs = [(number, 0) for number in reader.xref_objStm]  # packed in object streams
        refs += [
            (number, generation)
            for generation, table in reader.xref.items()
            if generation != 65535
            for number in table
        ]
        if len(refs) > PDF_MAX_OBJECTS:
            raise UploadRejected(
                _(
                    "The PDF is too complex to check (over %(limit)s objects); "
                    "save it again as a simpler PDF, for example by printing it to PDF."
                ),
                params={"limit": PDF_MAX_OBJECTS},
                code="too_complex",
                detail=f"{len(refs)} objects",
            )
        _check_offsets(stream, reader.xref)
        for number, generation in refs:
            obj = reader.get_object(IndirectObject(number, generation, reader))
            if hit := _active_name_in(obj):
                raise _active_content(f"object {number} {generation}: {hit}")
        if hit := _active_name_in(reader.trailer):
            raise _active_content(f"trailer: {hit}")
        if len(reader.pages) == 0:
            raise _damaged_pdf("no pages")
    except UploadRejected:
        raise
    except Exception as exc:
        raise _damaged_pdf(f"pypdf: {type(exc).__name__}") from exc


def _check_offsets(stream: IO[bytes], xref: dict[int, dict[Any, Any]]) -> None:
    """Refuse a PDF whose xref points many objects at the wrong place.

    pypdf repairs each such entry by searching the whole file, which is cheap
    once and quadratic for a crafted file with thousands of them.
    """
    bad = 0
    for generation, table in xref.items():
        if generation == 65535:
            continue
        for number, offset in table.items():
            stream.seek(offset)
            match = _OBJECT_HEADER.match(stream.read(48))
            if match is None or (int(match.group(1)), int(match.group(2))) != (number, generation):
                bad += 1
                if bad > PDF_MAX_BAD_OFFSETS:
                    raise _damaged_pdf("cross-reference table points at the wrong objects")


def _active_name_in(obj: Any) -> str | None:
    """The first active-content name among the keys and values of a (direct) PDF object.

    References to other indirect objects are not followed: every indirect
    object is walked on its own. Object streams are also scanned after
    decoding, so objects they hold that the xref does not list are seen too.
    """
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, StreamObject

    stack = [obj]
    while stack:
        item = stack.pop()
        if isinstance(item, NameObject):
            if item[1:] in PDF_ACTIVE_NAMES:
                return str(item)
        elif isinstance(item, DictionaryObject):
            for key, value in dict.items(item):
                if isinstance(key, str) and key[1:] in PDF_ACTIVE_NAMES:
                    return str(key)
                stack.append(value)
            if isinstance(item, StreamObject) and dict.get(item, "/Type") == "/ObjStm":
                scanner = PdfNameScanner()
                if hit := scanner.feed(item.get_data(), final=True):
                    return f"/{hit} in an object stream"
        elif isinstance(item, ArrayObject):
            stack.extend(list.__iter__(item))
    return None
