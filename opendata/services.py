"""The one write of the read-side app: a ministry summary's parameters, so that its
PDF (`ministry-summary`) has an object to belong to."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from audit.services import record
from competitions.models import Region
from municipal_order.lib.actors import By, acting_user
from opendata.dashboards import Filters
from opendata.models import Summary


def summary_for(region: Region | None, filters: Filters, *, by: By) -> Summary:
    """The Summary of these parameters, made (and audited) the first time it is asked."""
    key = Summary.key_for(region.pk if region else None, filters.year, filters.sphere_id)
    found = Summary.objects.filter(key=key).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            summary = Summary.objects.create(
                key=key,
                region=region,
                year=filters.year,
                sphere_id=filters.sphere_id,
                created_by=acting_user(by),
            )
            record(
                "opendata.summary_created",
                summary,
                by=by,
                after={"region": region.code if region else None, "year": filters.year},
            )
            return summary
    except IntegrityError:  # asked twice at once: the other request made it
        return Summary.objects.get(key=key)
