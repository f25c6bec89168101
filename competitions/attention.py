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
from django.utils.translation import ngettext

from competitions.extensions import NEEDS_ATTENTION
from competitions.models import Competition, Municipality, PriorityProblem, Question
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
    # Until evaluation lands, a call past its deadline waits for the commission's work;
    # evaluation narrows this to calls whose evaluation has not started.
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


def register() -> None:
    from accounts.extensions import DASHBOARD

    NEEDS_ATTENTION.register(TaskProvider("calls_past_deadline", calls_past_deadline, order=20))
    NEEDS_ATTENTION.register(TaskProvider("unanswered_questions", unanswered_questions, order=30))
    NEEDS_ATTENTION.register(TaskProvider("draft_calls", draft_calls, order=40))
    NEEDS_ATTENTION.register(TaskProvider("draft_problems", draft_problems, order=50))
    DASHBOARD.register(
        Panel(
            "officer_tasks", "competitions/panels/_dashboard_tasks.html", dashboard_panel, order=10
        )
    )
