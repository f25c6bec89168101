"""Checking uploaded files by their content, never by their name."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

MB = 1024 * 1024

# kind → (magic prefix, label)
SIGNATURES = {
    "pdf": (b"%PDF-", "PDF"),
    "jpeg": (b"\xff\xd8\xff", "JPEG"),
    "png": (b"\x89PNG\r\n\x1a\n", "PNG"),
    "zip-office": (b"PK\x03\x04", "DOCX/XLSX"),
}


@dataclass(frozen=True)
class CheckedUpload:
    kind: str
    sha256: str
    size: int
    display_name: str


def safe_display_name(name: str) -> str:
    """The user's file name for display only: no paths, no control or bidi characters."""
    import unicodedata

    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    return cleaned.strip()[:120] or "file"


def check_upload(
    upload: UploadedFile, *, kinds: tuple[str, ...] = ("pdf", "jpeg", "png"), max_mb: int = 10
) -> CheckedUpload:
    if upload.size is not None and upload.size > max_mb * MB:
        raise ValidationError(
            _("The file is larger than %(limit)s MB."), params={"limit": max_mb}, code="too_big"
        )
    head = upload.read(16)
    upload.seek(0)
    kind = next((k for k in kinds if head.startswith(SIGNATURES[k][0])), None)
    if kind is None:
        allowed = ", ".join(SIGNATURES[k][1] for k in kinds)
        raise ValidationError(
            _("The file is not one of the accepted types (%(allowed)s)."),
            params={"allowed": allowed},
            code="bad_type",
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedUpload(kind, digest.hexdigest(), upload.size or 0, safe_display_name(upload.name))
