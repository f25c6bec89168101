from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from audit.models import object_type_of
from municipal_order.lib.storage import private_storage


def document_path(instance: GeneratedDocument, filename: str) -> str:
    # Deterministic per row: a re-run overwrites its own file instead of adding one.
    return f"documents/{instance.created_at:%Y/%m}/{instance.pk}.pdf"


class GeneratedDocumentQuerySet(models.QuerySet["GeneratedDocument"]):
    def for_object(
        self,
        obj: models.Model,
        *,
        kind: str | Iterable[str] | None = None,
        language: str | None = None,
    ) -> GeneratedDocumentQuerySet:
        """The documents of `obj`: by its type and id, the leading columns of the
        (object_type, object_id, kind) index (an object id alone is ambiguous across
        types and uses no index), optionally of a kind (or kinds) and in a language."""
        found = self.filter(object_type=object_type_of(obj), object_id=str(obj.pk))
        if isinstance(kind, str):
            found = found.filter(kind=kind)
        elif kind is not None:
            found = found.filter(kind__in=list(kind))
        if language is not None:
            found = found.filter(language=language)
        return found


class GeneratedDocument(models.Model):
    """A PDF rendered by a worker: pending until the task stores it, then ready (or failed)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("being prepared")
        READY = "ready", _("ready")
        FAILED = "failed", _("failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=64)
    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.CharField(_("object id"), max_length=64)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    title = models.CharField(_("title"), max_length=255)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    file = models.FileField(
        _("file"), storage=private_storage, upload_to=document_path, blank=True, max_length=255
    )
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, blank=True)
    content_sha256 = models.CharField(_("SHA-256 of the content"), max_length=64, blank=True)
    size = models.PositiveIntegerField(_("size in bytes"), null=True, blank=True)
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    queued_at = models.DateTimeField(_("last queued"), null=True, blank=True)
    rendered_at = models.DateTimeField(_("rendered"), null=True, blank=True)

    objects = GeneratedDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("generated document")
        verbose_name_plural = _("generated documents")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "kind"]),
            models.Index(fields=["status", "queued_at"]),
        ]
        constraints = [
            # At most one document of a kind per object and language is being prepared.
            models.UniqueConstraint(
                fields=["kind", "object_type", "object_id", "language"],
                condition=models.Q(status="pending"),
                name="one_pending_document_per_object",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY

    @property
    def download_name(self) -> str:
        return f"{self.kind}-{self.object_id}-{self.language}.pdf"
