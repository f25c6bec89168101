from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.services import reset_two_factor
from audit.admin import AuditedModelAdmin
from audit.services import record

# django-otp's own admin pages show and edit the authenticators' secrets unaudited:
# administrators reset a person's two-step login with the audited action below instead.
for _device in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_device):
        admin.site.unregister(_device)


@admin.register(User)
class UserAdmin(AuditedModelAdmin, BaseUserAdmin):
    """Accounts, with every change audited (superuser and staff flags above all)."""

    ordering = ["email"]
    list_display = ["email", "full_name", "language", "is_active", "is_staff", "date_joined"]
    list_filter = ["is_active", "is_staff", "is_superuser", "language"]
    search_fields = ["email", "full_name", "phone"]
    readonly_fields = ["date_joined", "last_login", "email_confirmed_at"]
    actions = ["reset_second_factor"]
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

    @admin.action(description=_("Reset two-step login (lost phone)"))
    def reset_second_factor(self, request, queryset):
        for user in queryset:
            reset_two_factor(user, by=request)
        count = len(queryset)
        self.message_user(
            request,
            ngettext(
                "Two-step login reset for %(count)d account: set up again at the next login.",
                "Two-step login reset for %(count)d accounts: set up again at the next login.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
