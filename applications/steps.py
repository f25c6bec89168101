"""The steps of the bid form and what each still lacks before the bid can be submitted."""

from __future__ import annotations

from typing import Any

from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.budget import totals
from applications.models import (
    Bid,
)


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


def missing_by_step(bid: Bid) -> dict[str, list[str]]:
    """What still stops the bid from being submitted, per step, in the applicant's words."""
    call = bid.competition
    found: dict[str, list[str]] = {key: [] for key in STEP_KEYS}
    if not bid.problem_id:
        found["project"].append(_("Choose the problem the project addresses."))
    elif not call.problems.filter(pk=bid.problem_id).exists():
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
    if not bid.indicators.exists():
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
    attached = set(bid.documents.current().values_list("requirement", flat=True))
    for requirement in call.required_document_list:
        if requirement not in attached:
            found["documents"].append(
                _("Attach the required document: %(name)s.") % {"name": requirement}
            )
    return found


def missing_items(bid: Bid) -> list[str]:
    return [item for items in missing_by_step(bid).values() for item in items]
