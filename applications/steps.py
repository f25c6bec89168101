"""The steps of the bid form and what each still lacks before the bid can be submitted."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.budget import totals
from applications.models import Bid, BidDocument


class Step:
    """A page of the bid form."""

    def __init__(self, key: str, title: Any, fields: tuple[str, ...] = ()) -> None:
        self.key, self.title, self.fields = key, title, fields


STEPS = (
    Step("project", gettext_lazy("The project"), ("problem", "title", "summary")),
    Step(
        "goal",
        gettext_lazy("Goal and target group"),
        ("goal", "tasks", "target_group", "beneficiaries"),
    ),
    Step("plan", gettext_lazy("Calendar plan")),
    Step("results", gettext_lazy("Results and team"), ("team", "partners")),
    Step("budget", gettext_lazy("Budget")),
    Step("documents", gettext_lazy("Documents")),
)


STEP_KEYS = [step.key for step in STEPS]


def for_missing_by_step(bids: QuerySet[Bid]) -> QuerySet[Bid]:
    """`bids` with what `missing_by_step` reads fetched in a fixed number of queries, so
    a list of drafts costs the same whatever its length."""
    return bids.select_related("competition").prefetch_related(
        "competition__problems",
        "activities",
        "indicators",
        "budget_lines",
        Prefetch(
            "documents",
            queryset=BidDocument.objects.current().only("id", "bid_id", "requirement"),
            to_attr="current_documents",
        ),
    )


def missing_by_step(bid: Bid) -> dict[str, list[str]]:
    """What still stops the bid from being submitted, per step, in the applicant's words.

    Reads the bid's rows through `.all()`, so a bid from `for_missing_by_step` costs no
    query; a single bid costs one query per collection."""
    call = bid.competition
    found: dict[str, list[str]] = {key: [] for key in STEP_KEYS}
    if not bid.problem_id:
        found["project"].append(_("Choose the problem the project addresses."))
    elif all(p.pk != bid.problem_id for p in call.problems.all()):
        found["project"].append(_("The chosen problem is not one of this call's problems."))
    for step, field, label in (
        ("project", "title", _("project title")),
        ("project", "summary", _("summary")),
        ("goal", "goal", _("goal")),
        ("goal", "tasks", _("tasks")),
        ("goal", "target_group", _("target group")),
    ):
        if not getattr(bid, field).strip():
            found[step].append(_("Fill in: %(field)s.") % {"field": label})
    if not bid.beneficiaries:
        found["goal"].append(_("Give the number of beneficiaries."))
    activities = list(bid.activities.all())
    if not activities:
        found["plan"].append(_("Add the activities of the calendar plan."))
    elif any(
        a.starts_on < call.implementation_start or a.ends_on > call.implementation_end
        for a in activities
    ):
        found["plan"].append(
            _("Activities must fall within the call's implementation period (%(start)s – %(end)s).")
            % {
                "start": date_format(call.implementation_start, "d.m.Y"),
                "end": date_format(call.implementation_end, "d.m.Y"),
            }
        )
    if not bid.indicators.all():
        found["results"].append(_("Add at least one indicator with its baseline and target."))
    lines = list(bid.budget_lines.all())
    if not lines:
        found["budget"].append(_("Add the budget lines."))
    else:
        sums = totals(lines)
        if sums["requested"] > call.max_per_bid:
            found["budget"].append(_("The requested amount exceeds the call's maximum per bid."))
        if sums["own_pct"] < call.min_cofinancing_pct:
            found["budget"].append(
                _("Own contribution is %(share)s%%; the call requires at least %(min)s%%.")
                % {"share": sums["own_pct"], "min": call.min_cofinancing_pct}
            )
    current = getattr(bid, "current_documents", None)
    if current is None:
        current = bid.documents.current().only("requirement")
    attached = {d.requirement for d in current}
    for requirement in call.required_document_list:
        if requirement not in attached:
            found["documents"].append(
                _("Attach the required document: %(name)s.") % {"name": requirement}
            )
    return found


def missing_items(bid: Bid) -> list[str]:
    return [item for items in missing_by_step(bid).values() for item in items]
