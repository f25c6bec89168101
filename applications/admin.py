from django.contrib import admin

from applications.models import Organization, OrganizationMember


class MemberInline(admin.TabularInline):
    model = OrganizationMember
    raw_id_fields = ["user"]
    extra = 0


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name_ru", "legal_form", "inn", "region"]
    list_filter = ["legal_form", "region"]
    search_fields = ["name_ru", "name_ky", "inn"]
    inlines = [MemberInline]
