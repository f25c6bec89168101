from django.contrib import admin

from applications.models import Organization, OrganizationMember
from audit.admin import AuditedModelAdmin, ReadOnlyInline


class MemberInline(ReadOnlyInline):
    """Members join by invitation and leave through the organisation's page (audited)."""

    model = OrganizationMember
    fields = ["user", "role", "created_at"]
    readonly_fields = fields


@admin.register(Organization)
class OrganizationAdmin(AuditedModelAdmin):
    list_display = ["name_ru", "legal_form", "inn", "region"]
    list_filter = ["legal_form", "region"]
    search_fields = ["name_ru", "name_ky", "inn"]
    inlines = [MemberInline]
