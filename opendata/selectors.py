"""The read queries behind the OCDS packages: a call with everything its releases
need, in a fixed number of queries whatever the number of bids, results or payments.

The same queryset serves one call (`public_call_for_ocds`) and the bulk package
(`calls_published_between`, iterated in chunks with the prefetches done per chunk).
What is loaded is not what is published: `opendata.ocds` decides what the moment
allows (no bid before the deadline, no award before the results).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.conf import settings
from django.db.models import Prefetch, QuerySet

from applications.models import Bid
from competitions.models import Competition, PriorityProblem
from evaluation.models import BidResult, ResultChange
from monitoring.models import Payment, Project, Tranche
from municipal_order.lib.dates import BISHKEK
from municipal_order.lib.db import reporting

# Calls per round trip in the bulk package: each chunk is one query for the calls and
# one per prefetch, and only one chunk is held in memory at a time.
CHUNK_SIZE = 100


def ocid_prefix() -> str:
    return settings.OCDS_OCID_PREFIX


def ocid_for(call: Competition) -> str:
    """The call's Open Contracting ID: the publisher's prefix and the call's id."""
    return f"{ocid_prefix()}-{call.pk}"


def call_pk_from_ocid(ocid: str) -> int | None:
    """The call's id in one of our ocids, None for anything else (another prefix, junk)."""
    head, _, tail = ocid.rpartition("-")
    if head != ocid_prefix() or not tail.isdigit() or tail != str(int(tail)):
        return None
    return int(tail)


def _ocds_calls() -> QuerySet[Competition]:
    """Public calls (drafts never) with what their releases read, prefetched."""
    projects = (
        Project.objects.exclude(status=Project.Status.DRAFT)
        .select_related("organization", "submission__result")
        .prefetch_related(
            "milestones",
            Prefetch(
                "tranches",
                queryset=Tranche.objects.prefetch_related(
                    Prefetch("payments", queryset=Payment.objects.order_by("paid_on", "id"))
                ),
            ),
        )
        .order_by("number")
    )
    return (
        Competition.objects.using(reporting())
        .public()
        .select_related(
            "municipality__region",
            "municipality__district",
            "programme",
            "evaluation",
        )
        .prefetch_related(
            Prefetch(
                "problems",
                queryset=PriorityProblem.objects.exclude(
                    status=PriorityProblem.Status.DRAFT
                ).order_by("pk"),
                to_attr="public_problems",
            ),
            "criteria",
            "amendments",
            # The applicants, as the call page counts and (after the deadline) lists them.
            Prefetch(
                "bids",
                queryset=Bid.objects.submitted().select_related("organization").order_by("pk"),
                to_attr="submitted_bids",
            ),
            Prefetch(
                "evaluation__results",
                queryset=BidResult.objects.select_related("submission__bid__organization"),
                to_attr="all_results",
            ),
            # Corrections of published results (an upheld appeal): what was selected once.
            Prefetch(
                "evaluation__changes",
                queryset=ResultChange.objects.order_by("edition", "created_at", "pk"),
                to_attr="all_changes",
            ),
            Prefetch("projects", queryset=projects, to_attr="signed_projects"),
        )
    )


def public_call_for_ocds(pk: int) -> Competition | None:
    return _ocds_calls().filter(pk=pk).first()


def _bishkek_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=BISHKEK)


def published_between(first: datetime.date, last: datetime.date) -> QuerySet[Competition]:
    """Public calls announced from `first` to `last` (Bishkek calendar days, both
    included)."""
    return (
        Competition.objects.using(reporting())
        .public()
        .filter(
            published_at__gte=_bishkek_midnight(first),
            published_at__lt=_bishkek_midnight(last + datetime.timedelta(days=1)),
        )
    )


def calls_published_between(
    first: datetime.date, last: datetime.date, *, chunk_size: int = CHUNK_SIZE
) -> Iterator[Competition]:
    """`published_between`, oldest first, with what the releases need, fetched
    `chunk_size` calls at a time (a query each, plus one per prefetch)."""
    return (
        _ocds_calls()
        .filter(pk__in=published_between(first, last).values("pk"))
        .order_by("published_at", "pk")
        .iterator(chunk_size=chunk_size)
    )
