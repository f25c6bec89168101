"""The call's phase: one vocabulary for Python, the ORM and the templates.

A call's *status* is what an officer decided (draft, announced, cancelled); its
*phase* adds what the clock says about an announced call and, past the deadline,
how far the commission's work has gone (`Competition.stage`, written only by
evaluation's services). The phase itself is derived, never stored:
`Competition.phase` computes it for one call and `Competition.objects.in_phase(...)`
filters by it in SQL. The two are tested to agree at every boundary instant.

Past the deadline: CLOSED (admission of bids: stage "") → SCORING → DELIBERATION →
RESULTS (published, appeal window) → FINAL. The stage counts only past the
deadline; before it the clock alone decides. Templates read the named flags below,
never a phase string.
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
    # The value stays "closed" (the public list's ?phase=closed, older links).
    CLOSED = "closed", _("admission of bids")
    SCORING = "scoring", _("scoring by the commission")
    DELIBERATION = "deliberation", _("commission deliberating")
    RESULTS = "results", _("results published")
    FINAL = "final", _("final results")

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
        """The deadline has passed (and the call was not cancelled): any later phase."""
        return self in AFTER_DEADLINE

    @property
    def in_admission(self) -> bool:
        """Past the deadline, evaluation not started: bids are admitted or not."""
        return self is Phase.CLOSED

    @property
    def scoring(self) -> bool:
        return self is Phase.SCORING

    @property
    def deliberation(self) -> bool:
        return self is Phase.DELIBERATION

    @property
    def results_published(self) -> bool:
        return self in {Phase.RESULTS, Phase.FINAL}

    @property
    def is_final(self) -> bool:
        return self is Phase.FINAL

    @property
    def before_deadline(self) -> bool:
        """Announced and not past the deadline: bids are prepared and sealed, questions
        are asked, the conditions may still be amended."""
        return self in BEFORE_DEADLINE

    @property
    def is_public(self) -> bool:
        return self is not Phase.DRAFT


BEFORE_DEADLINE = frozenset({Phase.UPCOMING, Phase.ACCEPTING})
AFTER_DEADLINE = frozenset(
    {Phase.CLOSED, Phase.SCORING, Phase.DELIBERATION, Phase.RESULTS, Phase.FINAL}
)
# Competition.stage → the phase it means past the deadline ("" is admission).
STAGE_PHASES = {
    "": Phase.CLOSED,
    "scoring": Phase.SCORING,
    "deliberation": Phase.DELIBERATION,
    "results": Phase.RESULTS,
    "final": Phase.FINAL,
}


def phase_of(
    status: str,
    opens_at: datetime.datetime,
    closes_at: datetime.datetime,
    now: datetime.datetime,
    stage: str = "",
) -> Phase:
    """The phase of a call with these fields at `now` (the Python twin of `phase_q`)."""
    if status != "published":
        return Phase(status)
    if now < opens_at:
        return Phase.UPCOMING
    if now < closes_at:
        return Phase.ACCEPTING
    return STAGE_PHASES[stage]


def phase_q(*phases: Phase, now: datetime.datetime, prefix: str = "") -> Q:
    """Calls in any of `phases` at `now`, as a filter (the SQL twin of `phase_of`).

    `prefix` filters through a relation, e.g. `prefix="competition__"` on bids.
    """
    published = Q(**{f"{prefix}status": "published"})
    conditions = {
        Phase.DRAFT: Q(**{f"{prefix}status": "draft"}),
        Phase.CANCELLED: Q(**{f"{prefix}status": "cancelled"}),
        # closes_at > now follows from opens_at > now (the database checks closes_at >
        # opens_at); said here, it bounds the scan of the open-calls index.
        Phase.UPCOMING: published
        & Q(**{f"{prefix}opens_at__gt": now, f"{prefix}closes_at__gt": now}),
        Phase.ACCEPTING: published
        & Q(**{f"{prefix}opens_at__lte": now, f"{prefix}closes_at__gt": now}),
    }
    past_deadline = published & Q(**{f"{prefix}closes_at__lte": now})
    for stage, phase in STAGE_PHASES.items():
        conditions[phase] = past_deadline & Q(**{f"{prefix}stage": stage})
    found = Q(pk__in=[])
    for phase in phases:
        found |= conditions[Phase(phase)]
    return found
