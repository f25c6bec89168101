from __future__ import annotations

from django.core.files.storage import Storage, storages


def private_storage() -> Storage:
    """Uploads and generated documents: never served directly (see STORAGES["private"])."""
    return storages["private"]
