"""Requesting, rendering and re-queueing generated documents."""

from __future__ import annotations

import datetime
import hashlib
import logging
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from audit.models import object_type_of
from audit.services import record
from documents.models import GeneratedDocument
from documents.registry import get_kind
from municipal_order.lib.actors import Actor, By, as_actor
from municipal_order.lib.pdf import render_pdf
from municipal_order.lib.tasks import enqueue

logger = logging.getLogger(__name__)

Status = GeneratedDocument.Status
# A pending document not picked up for this long is queued again by the sweeper.
STALE_AFTER = datetime.timedelta(minutes=3)
WORKER = Actor.system("worker")


def _queue(doc_id: Any) -> None:
    """Render after commit; a dead broker leaves the row pending for the sweeper."""
    from documents.tasks import render_document

    enqueue(render_document, str(doc_id))


def request_document(
    kind_key: str, obj: models.Model, *, language: str, by: By
) -> GeneratedDocument:
    """Create (or reuse the pending) document row and queue its rendering after commit."""
    kind = get_kind(kind_key)
    actor = as_actor(by)
    lookup = {
        "kind": kind.key,
        "object_type": object_type_of(obj),
        "object_id": str(obj.pk),
        "language": language,
    }
    with transaction.atomic():
        pending = (
            GeneratedDocument.objects.for_object(obj, kind=kind.key, language=language)
            .filter(status=Status.PENDING)
            .first()
        )
        if pending is not None:
            return pending  # a double click or a second tab: one document
        with translation.override(language):
            title = str(kind.title(obj))
        try:
            with transaction.atomic():
                doc = GeneratedDocument.objects.create(
                    title=title[:255],
                    requested_by=actor.user,
                    queued_at=timezone.now(),
                    **lookup,
                )
        except IntegrityError:  # a concurrent request created it first
            return GeneratedDocument.objects.for_object(obj, kind=kind.key, language=language).get(
                status=Status.PENDING
            )
        record(
            "document.requested",
            doc,
            by=actor,
            after={"kind": kind.key, "object": f"{lookup['object_type']}:{lookup['object_id']}"},
        )
        _queue(doc.pk)
    return doc


def build_html(doc: GeneratedDocument) -> tuple[str, str]:
    """(full html, sha256 of the content) for the document, in its language."""
    kind = get_kind(doc.kind)
    obj = kind.model._default_manager.get(pk=doc.object_id)
    with translation.override(doc.language):
        context = {"document": doc, "object": obj, **kind.context(obj)}
        body = render_to_string(kind.template, context)
        content_sha256 = hashlib.sha256(body.encode()).hexdigest()
        html = render_to_string(
            "pdf/base.html",
            {
                "body": body,
                "document": doc,
                "title": doc.title,
                "issuer": kind.issuer(obj),
                "content_sha256": content_sha256,
                "generated_at": timezone.now(),
                "LANGUAGE_CODE": doc.language,
            },
        )
    return html, content_sha256


def render_and_store(doc_id: Any) -> GeneratedDocument | None:
    """The task's body. Idempotent: a ready document is left alone, a re-run overwrites
    its own deterministic file name, so redelivery never produces a second file."""
    doc = GeneratedDocument.objects.filter(pk=doc_id).first()
    if doc is None or doc.status != Status.PENDING:
        return doc
    GeneratedDocument.objects.filter(pk=doc.pk).update(attempts=models.F("attempts") + 1)
    try:
        html, content_sha256 = build_html(doc)
        pdf = render_pdf(html)
    except Exception as exc:
        logger.exception("document %s failed to render", doc.pk)
        return _mark_failed(doc.pk, exc)

    with transaction.atomic():
        doc = GeneratedDocument.objects.select_for_update().get(pk=doc.pk)
        if doc.status != Status.PENDING:
            return doc  # another delivery finished first
        name = doc.file.field.generate_filename(doc, "document.pdf")
        storage = doc.file.storage
        if storage.exists(name):
            storage.delete(name)
        doc.file.save(name, ContentFile(pdf.content), save=False)
        doc.sha256 = hashlib.sha256(pdf.content).hexdigest()
        doc.content_sha256 = content_sha256
        doc.size = len(pdf.content)
        doc.pages = pdf.pages
        doc.status = Status.READY
        doc.rendered_at = timezone.now()
        doc.error = ""
        doc.save(
            update_fields=[
                "file",
                "sha256",
                "content_sha256",
                "size",
                "pages",
                "status",
                "rendered_at",
                "error",
            ]
        )
        record(
            "document.ready",
            doc,
            by=WORKER,
            after={"sha256": doc.sha256, "pages": doc.pages, "size": doc.size},
        )
        _after_ready(doc)
    return doc


def _after_ready(doc: GeneratedDocument) -> None:
    """The kind's own callback (the documents app knows no notifications)."""
    on_ready = get_kind(doc.kind).on_ready
    if on_ready is not None:
        on_ready(doc)


def _mark_failed(doc_id: Any, exc: Exception) -> GeneratedDocument:
    with transaction.atomic():
        doc = GeneratedDocument.objects.select_for_update().get(pk=doc_id)
        if doc.status == Status.PENDING:
            doc.status = Status.FAILED
            doc.error = f"{type(exc).__name__}: {exc}"[:2000]
            doc.save(update_fields=["status", "error"])
            record("document.failed", doc, by=WORKER, after={"error": doc.error})
    return doc


def sweep_pending(*, now: datetime.datetime | None = None) -> int:
    """Re-queue pending documents that no worker has picked up (broker was down,
    a message was lost). Claims each row with a conditional update, so two sweepers
    running at once queue a document once."""
    now = now or timezone.now()
    cutoff = now - STALE_AFTER
    stale = GeneratedDocument.objects.filter(status=Status.PENDING).filter(
        models.Q(queued_at__lt=cutoff) | models.Q(queued_at__isnull=True)
    )
    requeued = 0
    for doc_id, queued_at in stale.values_list("pk", "queued_at")[:500]:
        claimed = GeneratedDocument.objects.filter(
            pk=doc_id, status=Status.PENDING, queued_at=queued_at
        ).update(queued_at=now)
        if claimed:
            with transaction.atomic():
                _queue(doc_id)
            requeued += 1
    return requeued
