"""Checking uploaded files by their content, never by their name.

``check_upload`` decides what a file is from its bytes (magic numbers, then a
structural check per kind) and refuses what the portal must never store or hand
on to the commission:

* PDFs with active content — JavaScript, launch actions, attached files, rich
  media, XFA forms, form submission/import and embedded go-to actions — and
  PDFs whose /OpenAction or /AA actions open a web address, another file or
  media by themselves (the same action behind a link the reader clicks is
  fine), found both by a cheap scan of the raw bytes (with ``#xx`` escapes in
  names undone) and by walking every indirect object with pypdf, including the
  objects packed in compressed object streams; password-protected and damaged
  PDFs;
* DOCX/XLSX packages that carry macros or ActiveX controls (found by declared
  content type, relationship type and OLE header as well as by name), embedded
  objects, or external relationships that fetch something on opening (a remote
  template, a linked OLE object, frame, sub-document or workbook); packages
  that unpack to far more than they weigh (zip bombs), or that are damaged;
* empty and oversized files.

Every refusal is a ``ValidationError`` (an ``UploadRejected``) with a code and a
translated message, and is logged on ``portal.security`` without file content.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from typing import IO

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from municipal_order.lib.uploads.errors import MB, UploadRejected, read_chunks, security_log
from municipal_order.lib.uploads.office import OFFICE_MAIN_PART, check_office
from municipal_order.lib.uploads.pdf import check_pdf

__all__ = [
    "ALL_KINDS",
    "DEFAULT_KINDS",
    "KINDS",
    "MB",
    "CheckedUpload",
    "Kind",
    "UploadRejected",
    "check_upload",
    "safe_display_name",
]

ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class Kind:
    label: str
    extensions: tuple[str, ...]  # the first one is the canonical extension
    content_type: str
    # How the content starts. DOCX and XLSX share the ZIP magic; the package's
    # parts tell them apart (see check_office).
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
    for chunk in read_chunks(stream):
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
        check_pdf(stream, size)
    return CheckedUpload(kind, digest.hexdigest(), size, safe_display_name(claimed, kind=kind))


def _sniff(stream: IO[bytes], head: bytes, kinds: tuple[str, ...], claimed: str) -> str:
    """The accepted kind the content is, or a ``bad_type`` refusal."""
    found: str | None = None
    if head.startswith(ZIP_MAGIC):
        office = [k for k in kinds if k in OFFICE_MAIN_PART]
        if office:
            found = check_office(stream, office)
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


# ---------------------------------------------------------------------------
# PDF
