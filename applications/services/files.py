"""A bid's documents: checked by content, stored under random names, removed by marking."""

from __future__ import annotations

from typing import Any

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.exceptions import (
    ApplicationsError,
)
from applications.models import (
    Bid,
    BidDocument,
)
from applications.services.drafting import lock_draft, refuse_if_frozen
from audit.services import record
from municipal_order.lib.actors import By, acting_user
from municipal_order.lib.uploads import check_upload

DOCUMENT_KINDS = ("pdf", "jpeg", "png", "docx", "xlsx")


DOCUMENT_MAX_MB = 20


DOCUMENTS_PER_BID = 20


def add_document(bid: Bid, *, upload: Any, requirement: str, by: By) -> BidDocument:
    """Attach a file to a draft: checked by content first, nothing stored if refused."""
    refuse_if_frozen(bid)  # before reading 20 MB; checked again under the lock below
    checked = check_upload(upload, kinds=DOCUMENT_KINDS, max_mb=DOCUMENT_MAX_MB)
    if requirement and requirement not in bid.competition.required_document_list:
        raise ApplicationsError(_("Choose one of the call's required documents, or “Other”."))
    document = BidDocument(
        bid=bid,
        requirement=requirement,
        name=checked.display_name,
        kind=checked.kind,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=acting_user(by),
    )
    # The file goes to storage before the row: if the row is refused, the file is removed.
    # Only the extension of this name is used: files are stored as <uuid4>.<ext> (T37).
    document.file.save("upload" + checked.extension, upload, save=False)
    try:
        with transaction.atomic():
            locked = lock_draft(bid)
            if locked.documents.current().count() >= DOCUMENTS_PER_BID:
                raise ApplicationsError(
                    _("A bid may have at most %(count)s files. Remove one to add another.")
                    % {"count": DOCUMENTS_PER_BID}
                )
            document.save()
            record(
                "bid.document_added",
                locked,
                by=by,
                after={
                    "document": str(document.pk),
                    "requirement": requirement,
                    "name": document.name,
                    "sha256": document.sha256,
                    "size": document.size,
                },
            )
    except BaseException:
        document.file.storage.delete(document.file.name)
        raise
    return document


def charter_attached(bid: Bid) -> bool:
    """Whether the draft already holds the organisation's charter (the same bytes)."""
    sha256 = bid.organization.charter_sha256
    return bool(sha256) and bid.documents.current().filter(sha256=sha256).exists()


def attach_charter(bid: Bid, *, requirement: str, by: By) -> BidDocument:
    """Attach the charter kept in the organisation's profile instead of uploading it again.

    The bid gets its own copy (a sealed bid must not change when the profile does),
    checked like any upload and audited as one.
    """
    organization = bid.organization
    if not organization.charter:
        raise ApplicationsError(_("The organisation's profile has no charter to attach."))
    if charter_attached(bid):
        raise ApplicationsError(_("The organisation's charter is already attached to this bid."))
    with organization.charter.open("rb") as stored:
        return add_document(
            bid,
            upload=File(stored, name=organization.charter_name or "charter.pdf"),
            requirement=requirement,
            by=by,
        )


@transaction.atomic
def remove_document(document: BidDocument, *, by: By) -> None:
    """Take a file off the draft; the stored file stays for the record of earlier submissions."""
    bid = lock_draft(document.bid)
    updated = BidDocument.objects.filter(pk=document.pk, removed_at__isnull=True).update(
        removed_at=timezone.now()
    )
    if updated:
        record(
            "bid.document_removed",
            bid,
            by=by,
            before={"document": str(document.pk), "name": document.name},
        )
