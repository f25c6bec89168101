from django.contrib import admin

from audit.admin import ReadOnlyModelAdmin
from evaluation.models import (
    Admission,
    ClarificationRequest,
    ConfidentialityDeclaration,
    ConflictDeclaration,
)


@admin.register(Admission)
class AdmissionAdmin(ReadOnlyModelAdmin):
    """Decisions change only through the audited services (evaluation.services)."""

    list_display = ["submission", "decision", "reason", "decided_at"]
    list_filter = ["decision", "reason"]


@admin.register(ClarificationRequest)
class ClarificationRequestAdmin(ReadOnlyModelAdmin):
    list_display = ["submission", "asked_at", "due_at", "answered_at", "closed_at"]


@admin.register(ConfidentialityDeclaration)
class ConfidentialityDeclarationAdmin(ReadOnlyModelAdmin):
    """Signed through the audited service only (evaluation.services.declarations)."""

    list_display = ["seat", "signed_at", "text_version", "language"]


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(ReadOnlyModelAdmin):
    list_display = ["seat", "submission", "has_conflict", "declared_at", "revised_at"]
    list_filter = ["has_conflict"]
