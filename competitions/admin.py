from django.contrib import admin

from audit.admin import AuditedModelAdmin, ReadOnlyModelAdmin
from competitions.models import District, MinistryStaff, Municipality, MunicipalStaff, Region


@admin.register(Region)
class RegionAdmin(AuditedModelAdmin):
    list_display = ["code", "name_ru", "name_ky", "kind"]


@admin.register(District)
class DistrictAdmin(AuditedModelAdmin):
    list_display = ["code", "name_ru", "name_ky", "region"]
    list_filter = ["region"]
    search_fields = ["name_ru", "name_ky", "code"]


@admin.register(Municipality)
class MunicipalityAdmin(AuditedModelAdmin):
    list_display = [
        "code",
        "name_ru",
        "name_ky",
        "kind",
        "region",
        "district",
        "valid_from",
        "valid_to",
    ]
    list_filter = ["kind", "region"]
    search_fields = ["name_ru", "name_ky", "name_en", "code"]
    raw_id_fields = ["successor"]
    list_select_related = ["region", "district"]


@admin.register(MunicipalStaff)
class MunicipalStaffAdmin(ReadOnlyModelAdmin):
    """Officers are added and removed by the head in the workspace (audited, notified)."""

    list_display = ["user", "municipality", "position"]
    raw_id_fields = ["user", "municipality"]


@admin.register(MinistryStaff)
class MinistryStaffAdmin(AuditedModelAdmin):
    list_display = ["user", "region", "position"]
    raw_id_fields = ["user"]
