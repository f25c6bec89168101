from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = _("Projects and monitoring")

    def ready(self) -> None:
        from monitoring import (
            documents,  # noqa: F401  (registers document kinds)
            hooks,
        )

        hooks.register()
