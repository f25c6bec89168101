"""Serving private files: always as an attachment, never sniffed, never cached by proxies."""

from __future__ import annotations

from django.core.files import File
from django.http import FileResponse

from municipal_order.lib.uploads import KINDS


def private_file_response(file: File, *, filename: str, kind: str = "pdf") -> FileResponse:
    """A download of a file from private storage (T5): `filename` is encoded by Django (T37)."""
    response = FileResponse(
        file.open("rb"),
        as_attachment=True,
        filename=filename,
        content_type=KINDS[kind].content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def kind_of(name: str) -> str:
    """The upload kind of a stored file, from the canonical extension it was saved with."""
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    for key, kind in KINDS.items():
        if f".{suffix}" in kind.extensions:
            return key
    return "pdf"
