from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    name = "opendata"
    verbose_name = _("Open data")

    def ready(self) -> None:
        from opendata import (
            documents,  # noqa: F401  (registers the ministry summary)
            hooks,
        )

        hooks.register()
