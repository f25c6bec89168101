from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from competitions.models import Region, Sphere


class Summary(models.Model):
    """The parameters of a ministry summary PDF: the country or an oblast, a year (or
    every year) and a sphere (or every sphere). One row per combination: the documents
    rendered for it (`ministry-summary`, one per language and request) point here."""

    key = models.CharField(max_length=64, unique=True, editable=False)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("oblast")
    )
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    sphere = models.ForeignKey(
        Sphere, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("sphere")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("ministry summary")
        verbose_name_plural = _("ministry summaries")

    def __str__(self) -> str:
        return self.key

    @staticmethod
    def key_for(region_id: int | None, year: int | None, sphere_id: int | None) -> str:
        return f"r{region_id or '-'}|y{year or '-'}|s{sphere_id or '-'}"
