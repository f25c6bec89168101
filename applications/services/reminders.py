"""One reminder to a draft's editors before the call's deadline."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from applications.models import (
    Bid,
)
from applications.selectors import editors_of
from applications.steps import for_missing_by_step, missing_items
from competitions.phases import Phase, phase_q
from notifications.services import notify

REMIND_BEFORE = datetime.timedelta(hours=48)


def remind_unsubmitted(*, now: datetime.datetime | None = None) -> int:
    """Tell the editors of drafts whose deadline is less than 48 hours away. Once a bid.

    Safe to run often and from several workers: each bid is claimed by an update.
    """
    now = now or timezone.now()
    due = for_missing_by_step(
        Bid.objects.filter(phase_q(Phase.ACCEPTING, now=now, prefix="competition__"))
        .filter(
            status=Bid.Status.DRAFT,
            reminded_at__isnull=True,
            competition__closes_at__lte=now + REMIND_BEFORE,
        )
        .select_related("competition", "organization")
    )
    sent = 0
    for bid in due:
        with transaction.atomic():
            claimed = Bid.objects.filter(pk=bid.pk, reminded_at__isnull=True).update(
                reminded_at=now
            )
            if not claimed:
                continue
            notify(
                editors_of(bid),
                "bid_deadline_reminder",
                {
                    "call": bid.competition,
                    "bid": bid,
                    "missing": len(missing_items(bid)),
                },
                url=reverse("applications:bid_detail", args=[bid.pk]),
            )
            sent += 1
    return sent
