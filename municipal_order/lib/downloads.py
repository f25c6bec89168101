"""Serving private files: always as an attachment, never sniffed, never cached by proxies."""

from __future__ import annotations

from django.core.files import File
from django.http import FileResponse

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def private_file_response(file: File, *, filename: str, kind: str = "pdf") -> FileResponse:
    """A download of a file from private storage (T5): `filename` is encoded by Django (T37)."""
    response = FileResponse(
        file.open("rb"),
        as_attachment=True,
        filename=filename,
        content_type=CONTENT_TYPES.get(kind, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
