"""Who is behind a bid or a call's bids: read-only queries the services share."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from applications.models import Bid
from applications.permissions import WRITE_ROLES  # who can act on a bid; a viewer reads
from competitions.models import Competition


def editors_of(bid: Bid) -> QuerySet:
    """The people who can act on a bid: its organisation's admins and editors."""
    return (
        get_user_model()
        .objects.filter(
            organization_roles__organization=bid.organization_id,
            organization_roles__role__in=WRITE_ROLES,
        )
        .distinct()
    )


def applicants_of(call: Competition) -> list:
    """Active admins and editors of the organisations that started a bid to the call."""
    return list(
        get_user_model()
        .objects.filter(
            organization_roles__organization__bids__competition=call,
            organization_roles__role__in=WRITE_ROLES,
            is_active=True,
        )
        .distinct()
    )
