"""Files for upload tests, built in code: nothing binary is committed."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile


def pdf_bytes(text: str = "") -> bytes:
    """A small, clean PDF with one blank page."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if text:
        writer.add_metadata({"/Title": text})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_upload(name: str = "document.pdf", text: str = "") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(text), content_type="application/pdf")
