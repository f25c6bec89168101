"""The call's phase: one vocabulary for Python, the ORM and the templates.

A call's *status* is what an officer decided (draft, announced, cancelled); its
*phase* adds what the clock says about an announced call. The phase is derived,
never stored: `Competition.phase` computes it for one call and
`Competition.objects.in_phase(...)` filters by it in SQL. The two are tested to
agree at every boundary instant.

Evaluation (admission, scoring, results, appeals) adds its phases here when it
lands; templates read the named flags below, never a phase string.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Phase(models.TextChoices):
    DRAFT = "draft", _("draft")
    CANCELLED = "cancelled", _("cancelled")
    UPCOMING = "upcoming", _("opens soon")
    ACCEPTING = "accepting", _("accepting bids")
    CLOSED = "closed", _("deadline passed")

    # Named flags for templates (`{% if phase.accepting %}`) and code alike.
    @property
    def is_draft(self) -> bool:
        return self is Phase.DRAFT

    @property
    def is_cancelled(self) -> bool:
        return self is Phase.CANCELLED

    @property
    def is_upcoming(self) -> bool:
        return self is Phase.UPCOMING

    @property
    def accepting(self) -> bool:
        return self is Phase.ACCEPTING

    @property
    def is_closed(self) -> bool:
        """The deadline has passed (and the call was not cancelled)."""
        return self is Phase.CLOSED

    @property
    def before_deadline(self) -> bool:
        """Announced and not past the deadline: bids are prepared and sealed, questions
        are asked, the conditions may still be amended."""
        return self in BEFORE_DEADLINE

    @property
    def is_public(self) -> bool:
        return self is not Phase.DRAFT


BEFORE_DEADLINE = frozenset({Phase.UPCOMING, Phase.ACCEPTING})


def phase_of(
    status: str, opens_at: datetime.datetime, closes_at: datetime.datetime, now: datetime.datetime
) -> Phase:
    """The phase of a call with these fields at `now` (the Python twin of `phase_q`)."""
    if status != "published":
        return Phase(status)
    if now < opens_at:
        return Phase.UPCOMING
    return Phase.ACCEPTING if now < closes_at else Phase.CLOSED


def phase_q(*phases: Phase, now: datetime.datetime, prefix: str = "") -> Q:
    """Calls in any of `phases` at `now`, as a filter (the SQL twin of `phase_of`).

    `prefix` filters through a relation, e.g. `prefix="competition__"` on bids.
    """
    published = Q(**{f"{prefix}status": "published"})
    conditions = {
        Phase.DRAFT: Q(**{f"{prefix}status": "draft"}),
        Phase.CANCELLED: Q(**{f"{prefix}status": "cancelled"}),
        Phase.UPCOMING: published & Q(**{f"{prefix}opens_at__gt": now}),
        Phase.ACCEPTING: published
        & Q(**{f"{prefix}opens_at__lte": now, f"{prefix}closes_at__gt": now}),
        Phase.CLOSED: published & Q(**{f"{prefix}closes_at__lte": now}),
    }
    found = Q(pk__in=[])
    for phase in phases:
        found |= conditions[Phase(phase)]
    return found
