"""Site visits: recorded by an officer while the project is under way (or to close it
out), with up to five photos checked by content; the organisation is told."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import record
from evaluation.services.files import discard, store_checked
from monitoring.exceptions import MonitoringError, OutOfOrder
from monitoring.models import Project, SiteVisit, VisitPhoto
from monitoring.services.projects import lock_project, require_officer, tell_organization, today
from municipal_order.lib.actors import By, acting_user

PHOTO_KINDS = ("jpeg", "png")


def record_visit(
    project: Project,
    *,
    visited_on: datetime.date,
    participants: str,
    findings: str,
    rating: str,
    recommendations: str = "",
    photos: Sequence[Any] = (),
    by: By,
) -> SiteVisit:
    participants, findings = participants.strip(), findings.strip()
    if not participants or not findings:
        raise MonitoringError(_("Name who took part and write what you found."))
    if rating not in SiteVisit.Rating.values:
        raise MonitoringError(_("Choose the rating of the visit."))
    require_officer(project.municipality, by)
    stored = store_checked(
        photos, lambda **facts: VisitPhoto(**facts), stem="visit", kinds=PHOTO_KINDS
    )
    try:
        with transaction.atomic():
            project = lock_project(project)
            if project.status not in (Project.Status.ACTIVE, Project.Status.COMPLETED):
                raise OutOfOrder(_("Visits are recorded once the agreement is signed."))
            if visited_on > today():
                raise MonitoringError(_("The visit's date cannot be in the future."))
            if visited_on < project.starts_on - datetime.timedelta(days=60):
                raise MonitoringError(_("The visit's date is long before the project starts."))
            visit = SiteVisit.objects.create(
                project=project,
                visited_on=visited_on,
                participants=participants,
                findings=findings,
                recommendations=recommendations.strip(),
                rating=rating,
                created_by=acting_user(by),
            )
            for row in stored:
                row.visit = visit
                row.save()
            record(
                "project.visit_recorded",
                project,
                by=by,
                after={
                    "visited_on": visited_on,
                    "rating": rating,
                    "photos": [{"name": r.name, "sha256": r.sha256} for r in stored],
                },
            )
            tell_organization(project, "site_visit_recorded", visit=visit)
    except BaseException:
        discard(stored)
        raise
    return visit
