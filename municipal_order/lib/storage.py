from __future__ import annotations

from django.core.files.storage import Storage, storages


def private_storage() -> Storage:
    """Uploads and generated documents: never served directly (see STORAGES["private"])."""
    return storages["private"]


def random_upload_path(instance: object, filename: str) -> str:
    """uploads/<model>/<yyyy>/<mm>/<uuid4><ext>: never the user's file name (T37)."""
    import uuid
    from pathlib import PurePosixPath

    from django.utils import timezone

    ext = PurePosixPath(filename).suffix.lower()
    if not ext.isascii() or len(ext) > 8 or not ext[1:].isalnum():
        ext = ""
    label = instance._meta.label_lower.replace(".", "-")  # type: ignore[attr-defined]
    today = timezone.localdate()
    return f"uploads/{label}/{today:%Y/%m}/{uuid.uuid4()}{ext}"
