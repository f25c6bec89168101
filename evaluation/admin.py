from django.contrib import admin

from audit.admin import ReadOnlyModelAdmin
from evaluation.models import Admission, ClarificationRequest


@admin.register(Admission)
class AdmissionAdmin(ReadOnlyModelAdmin):
    """Decisions change only through the audited services (evaluation.services)."""

    list_display = ["submission", "decision", "reason", "decided_at"]
    list_filter = ["decision", "reason"]


@admin.register(ClarificationRequest)
class ClarificationRequestAdmin(ReadOnlyModelAdmin):
    list_display = ["submission", "asked_at", "due_at", "answered_at", "closed_at"]
