"""Files the applicant sends with an answer or an appeal: checked by content, stored
under a random name before the transaction, and removed again if it fails."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.utils.translation import gettext as _

from evaluation.exceptions import EvaluationError
from municipal_order.lib.uploads import check_upload

FILE_KINDS = ("pdf", "jpeg", "png", "docx", "xlsx")
FILE_MAX_MB = 20
FILES_PER_MESSAGE = 5

Row = TypeVar("Row")


def store_checked(
    uploads: Sequence[Any],
    make_row: Callable[..., Row],
    *,
    stem: str,
    kinds: tuple[str, ...] = FILE_KINDS,
) -> list[Row]:
    """Check every upload (nothing stored if one is refused), then store each as
    `<uuid4>.<ext>`; returns the unsaved rows `make_row(name=, kind=, size=, sha256=)`."""
    if len(uploads) > FILES_PER_MESSAGE:
        raise EvaluationError(_("Attach at most %(count)s files.") % {"count": FILES_PER_MESSAGE})
    checked = [check_upload(u, kinds=kinds, max_mb=FILE_MAX_MB) for u in uploads]
    rows = []
    for upload, facts in zip(uploads, checked, strict=True):
        row = make_row(
            name=facts.display_name, kind=facts.kind, size=facts.size, sha256=facts.sha256
        )
        # Only the extension of this name is used: files are stored as <uuid4>.<ext>.
        row.file.save(stem + facts.extension, upload, save=False)  # type: ignore[attr-defined]
        rows.append(row)
    return rows


def discard(rows: Sequence[Any]) -> None:
    for row in rows:
        row.file.storage.delete(row.file.name)
