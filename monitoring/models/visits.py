"""Site visits: an officer's visit to a project under way — who went, what they found,
a rating and photos; the visit act is a PDF (`monitoring.documents`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from evaluation.models.admission import ApplicantFile
from monitoring.models.projects import Project


class SiteVisit(models.Model):
    class Rating(models.TextChoices):
        GOOD = "good", _("as planned")
        CONCERNS = "concerns", _("minor concerns")
        PROBLEMS = "problems", _("serious problems")

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="visits")
    visited_on = models.DateField(_("date of the visit"))
    participants = models.TextField(_("participants"), max_length=2000)
    findings = models.TextField(_("findings"), max_length=8000)
    recommendations = models.TextField(_("recommendations"), blank=True, max_length=4000)
    rating = models.CharField(_("rating"), max_length=16, choices=Rating.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("site visit")
        verbose_name_plural = _("site visits")
        ordering = ["-visited_on", "-id"]

    def __str__(self) -> str:
        return f"{self.project.number} · {self.visited_on:%d.%m.%Y}"


class VisitPhoto(ApplicantFile):
    """A photo of the visit (JPEG or PNG, checked by content, stored privately)."""

    visit = models.ForeignKey(SiteVisit, on_delete=models.PROTECT, related_name="photos")

    class Meta(ApplicantFile.Meta):
        verbose_name = _("photo of a visit")
        verbose_name_plural = _("photos of visits")
