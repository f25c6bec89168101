"""The files of bids are evidence: their stored bytes must keep the hash taken at upload (T26).

`verify_bid_documents` re-reads every stored file, marks the ones whose SHA-256
no longer matches (and clears the mark when a file is restored from backup), and
records each change in the audit trail. It runs nightly (Celery beat) and as
`manage.py verify_documents`, which exits non-zero while any file is broken.
"""

from __future__ import annotations

import hashlib
import logging

from django.db import transaction
from django.utils import timezone

from applications.models import BidDocument
from audit.services import record
from municipal_order.lib.actors import Actor

logger = logging.getLogger("portal.security")
CHECKER = Actor.system("verify_documents")


def file_sha256(document: BidDocument) -> str | None:
    """The hash of the stored bytes, or None when the file is missing."""
    digest = hashlib.sha256()
    try:
        with document.file.storage.open(document.file.name, "rb") as stored:
            for chunk in iter(lambda: stored.read(1024 * 1024), b""):
                digest.update(chunk)
    except OSError:  # missing or unreadable: not the file that was uploaded
        return None
    return digest.hexdigest()


def verify_bid_documents(documents=None) -> list[BidDocument]:
    """Check the files; return the broken ones."""
    documents = BidDocument.objects.all() if documents is None else documents
    broken = []
    for document in documents.select_related("bid").iterator(chunk_size=200):
        actual = file_sha256(document)
        intact = actual == document.sha256
        if not intact:
            broken.append(document)
        if intact == (document.integrity_error_at is None):
            continue  # nothing new
        with transaction.atomic():
            if intact:
                BidDocument.objects.filter(pk=document.pk).update(integrity_error_at=None)
                record(
                    "bid.document_integrity_restored",
                    document.bid,
                    by=CHECKER,
                    after={"document": str(document.pk)},
                )
            else:
                document.integrity_error_at = timezone.now()
                BidDocument.objects.filter(pk=document.pk).update(
                    integrity_error_at=document.integrity_error_at
                )
                record(
                    "bid.document_integrity_failed",
                    document.bid,
                    by=CHECKER,
                    after={
                        "document": str(document.pk),
                        "expected": document.sha256,
                        "actual": actual or "missing",
                    },
                )
                logger.error(
                    "document_integrity_failed",
                    extra={"document": str(document.pk), "bid": str(document.bid_id)},
                )
    return broken
