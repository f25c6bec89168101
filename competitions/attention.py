"""An officer's tasks: competitions' own, and the panel that lists everyone's.

`NEEDS_ATTENTION` (competitions.extensions) collects, per municipality, what
competitions and the later apps registered; the panel puts the list on the
signed-in home (`accounts.extensions.DASHBOARD`), the officer's landing page
after login. Registered from `CompetitionsConfig.ready()`.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from accounts.models import normalize_email
from competitions.extensions import NEEDS_ATTENTION
from competitions.models import (
    CommissionInvitation,
    Competition,
    Municipality,
    PriorityProblem,
    Question,
)
from competitions.phases import Phase
from municipal_order.lib.attention import Task, TaskProvider
from municipal_order.lib.panels import Panel


def _calls_url(municipality: Municipality) -> str:
    return reverse("competitions:workspace_calls", args=[municipality.code])


def draft_calls(request: HttpRequest, municipality: Municipality) -> Task | None:
    n = municipality.competitions.filter(status=Competition.Status.DRAFT).count()
    label = ngettext(
        "%(n)d draft call to finish and announce",
        "%(n)d draft calls to finish and announce",
        n,
    ) % {"n": n}
    return Task("draft_calls", label, n, _calls_url(municipality))


def calls_past_deadline(request: HttpRequest, municipality: Municipality) -> Task | None:
    # CLOSED is admission (evaluation not started); evaluation lists the bids waiting
    # for a decision and the clarification answers itself.
    n = Competition.objects.filter(municipality=municipality).in_phase(Phase.CLOSED).count()
    label = ngettext(
        "%(n)d call past its deadline: bids to evaluate",
        "%(n)d calls past their deadline: bids to evaluate",
        n,
    ) % {"n": n}
    return Task("calls_past_deadline", label, n, _calls_url(municipality))


def unanswered_questions(request: HttpRequest, municipality: Municipality) -> Task | None:
    waiting = Question.objects.filter(
        competition__municipality=municipality,
        competition__status=Competition.Status.PUBLISHED,
        answered_at__isnull=True,
    )
    calls = set(waiting.values_list("competition_id", flat=True))
    n = waiting.count()
    if len(calls) == 1:
        url = reverse("competitions:call_manage", args=[municipality.code, calls.pop()])
    else:
        url = _calls_url(municipality)
    label = ngettext(
        "%(n)d question on a call awaiting an answer",
        "%(n)d questions on calls awaiting an answer",
        n,
    ) % {"n": n}
    return Task("unanswered_questions", label, n, url)


def draft_problems(request: HttpRequest, municipality: Municipality) -> Task | None:
    n = municipality.problems.filter(status=PriorityProblem.Status.DRAFT).count()
    label = ngettext(
        "%(n)d draft priority problem to publish",
        "%(n)d draft priority problems to publish",
        n,
    ) % {"n": n}
    return Task(
        "draft_problems",
        label,
        n,
        reverse("competitions:workspace_problems", args=[municipality.code]),
    )


def dashboard_panel(request: HttpRequest, user: Any) -> dict[str, Any] | None:
    """For each municipality the person works for: what needs doing there."""
    municipalities = list(
        Municipality.objects.filter(staff__user=user).distinct().order_by("name_ru")
    )
    if not municipalities:
        return None
    groups = [
        {"municipality": m, "tasks": NEEDS_ATTENTION.collect(request, m)} for m in municipalities
    ]
    return {"groups": groups, "total": sum(len(g["tasks"]) for g in groups)}


def invitations_panel(request: HttpRequest, user: Any) -> dict[str, Any] | None:
    """Commission seats waiting for this address: found by e-mail, so an invitee who
    signed up without following the link still finds them."""
    invitations = list(
        CommissionInvitation.objects.filter(
            email=normalize_email(user.email),
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
            competition__status=Competition.Status.DRAFT,
        ).select_related("competition__municipality")
    )
    return {"invitations": invitations} if invitations else None


def register() -> None:
    from accounts.extensions import DASHBOARD

    NEEDS_ATTENTION.register(TaskProvider("calls_past_deadline", calls_past_deadline, order=20))
    NEEDS_ATTENTION.register(TaskProvider("unanswered_questions", unanswered_questions, order=30))
    NEEDS_ATTENTION.register(TaskProvider("draft_calls", draft_calls, order=40))
    NEEDS_ATTENTION.register(TaskProvider("draft_problems", draft_problems, order=50))
    DASHBOARD.register(
        Panel(
            "commission_invitations",
            "competitions/panels/_dashboard_invitations.html",
            invitations_panel,
            order=5,
        )
    )
    DASHBOARD.register(
        Panel(
            "officer_tasks", "competitions/panels/_dashboard_tasks.html", dashboard_panel, order=10
        )
    )
