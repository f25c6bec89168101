from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from audit.admin import AuditedModelAdmin
from audit.services import record


@admin.register(User)
class UserAdmin(AuditedModelAdmin, BaseUserAdmin):
    """Accounts, with every change audited (superuser and staff flags above all)."""

    ordering = ["email"]
    list_display = ["email", "full_name", "language", "is_active", "is_staff", "date_joined"]
    list_filter = ["is_active", "is_staff", "is_superuser", "language"]
    search_fields = ["email", "full_name", "phone"]
    readonly_fields = ["date_joined", "last_login", "email_confirmed_at"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal data"), {"fields": ["full_name", "phone", "language"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["date_joined", "last_login", "email_confirmed_at"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "full_name", "language", "password1", "password2"],
            },
        )
    ]

    def user_change_password(self, request, id, form_url=""):
        # The admin's own password form saves outside save_model: audit it here.
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                user = self.get_object(request, unquote(id))
                record("admin.user.password_set", user, by=request)
        return response
