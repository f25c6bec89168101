from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompetitionsConfig(AppConfig):
    name = "competitions"
    verbose_name = _("Territories and competitions")

    def ready(self) -> None:
        from competitions import documents  # noqa: F401  (registers document kinds)
        from notifications.events import Event, register
        from notifications.models import Category

        register(Event("municipal_staff_added", Category.ACCOUNT))

        from competitions import attention

        # An officer's tasks on the signed-in home, later apps adding theirs.
        attention.register()

        from accounts.two_factor import register_requirement
        from competitions.models import CommissionMember, MinistryStaff, MunicipalStaff

        # Officers, commission members and ministry staff log in with a second factor (T29).
        register_requirement("municipal_staff", lambda: MunicipalStaff.objects.values("user_id"))
        register_requirement("commission", lambda: CommissionMember.objects.values("user_id"))
        register_requirement("ministry_staff", lambda: MinistryStaff.objects.values("user_id"))
