from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("Organisations and bids")

    def ready(self) -> None:
        from applications import (
            documents,  # noqa: F401  (registers document kinds)
            hooks,
        )

        hooks.register()
