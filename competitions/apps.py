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
