from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = _("Evaluation of bids")

    def ready(self) -> None:
        from evaluation import (
            documents,  # noqa: F401  (registers document kinds)
            hooks,
        )

        hooks.register()
