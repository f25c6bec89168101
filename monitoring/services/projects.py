"""Projects from a final call's selected bids, their agreements, tranches and payments.

Every service locks the project row (or, creating projects, the call row) first and
records an audit row; notifications leave after commit (`notify` queues them). An
action at the wrong step is `OutOfOrder` (the views answer 409).
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import is_site_admin
from audit.services import record
from competitions.models import Competition
from competitions.permissions import staff_membership
from evaluation.models import BidResult
from evaluation.selectors import members_of_organization
from monitoring.exceptions import EditConflict, MonitoringError, OutOfOrder
from monitoring.models import (
    AgreementAmendment,
    IndicatorValue,
    Milestone,
    Payment,
    ProgressReport,
    Project,
    ProjectIndicator,
    Tranche,
)
from monitoring.services.schedule import report_for_tranche, sync_schedule
from municipal_order.lib.actors import By, acting_user
from municipal_order.lib.clock import deciding_now
from municipal_order.lib.money import format_som
from notifications.services import notify

Status = Project.Status


@dataclass(frozen=True)
class TrancheRow:
    amount: Decimal
    due_on: datetime.date
    condition: str


def today() -> datetime.date:
    """Today in Bishkek on the deciding clock: dates people type are Bishkek dates."""
    return timezone.localdate(deciding_now())


def require_officer(municipality, by: By) -> None:
    """The municipality's officers manage its projects (site administrators too, as
    they may write its calls)."""
    user = acting_user(by)
    if user is None or (staff_membership(user, municipality) is None and not is_site_admin(user)):
        raise MonitoringError(_("Only an officer of the municipality manages its projects."))


def lock_project(project: Project) -> Project:
    return (
        Project.objects.select_for_update()
        .select_related("municipality", "organization", "competition")
        .get(pk=project.pk)
    )


def project_url(project: Project) -> str:
    return reverse("monitoring:project", args=[project.pk])


def tell_organization(project: Project, event: str, **context: Any) -> None:
    """Everyone in the organisation hears; about a report, the link is the report's."""
    report = context.get("report")
    notify(
        members_of_organization(project.organization_id),
        event,
        {"project": project, **context},
        url=reverse("monitoring:report", args=[project.pk, report.pk])
        if report is not None
        else project_url(project),
    )


def _copy_plan(project: Project, content: dict[str, Any]) -> None:
    """The bid's calendar plan as milestones and its indicators, as the bid froze them."""
    Milestone.objects.bulk_create(
        Milestone(
            project=project,
            position=i,
            activity=row.get("activity", "")[:255],
            responsible=row.get("responsible", "")[:160],
            result=row.get("result", "")[:255],
            starts_on=datetime.date.fromisoformat(row["starts_on"]),
            ends_on=datetime.date.fromisoformat(row["ends_on"]),
        )
        for i, row in enumerate(content.get("activities", []))
    )
    ProjectIndicator.objects.bulk_create(
        ProjectIndicator(
            project=project,
            position=i,
            name=row.get("name", "")[:255],
            unit=row.get("unit", "")[:64],
            baseline=Decimal(str(row.get("baseline") or 0)),
            target=Decimal(str(row.get("target") or 0)),
        )
        for i, row in enumerate(content.get("indicators", []))
    )


def create_projects(call: Competition, *, by: By) -> list[Project]:
    """A project (agreement in preparation) for each selected bid of the final call that
    has none yet; running it again creates nothing new."""
    with transaction.atomic():
        call = (
            Competition.objects.select_for_update().select_related("municipality").get(pk=call.pk)
        )
        require_officer(call.municipality, by)
        if not call.phase_at(deciding_now()).is_final:
            raise OutOfOrder(
                _("Projects are made once the call's results are final (every appeal decided).")
            )
        selected = list(
            BidResult.objects.filter(
                evaluation__competition=call,
                status=BidResult.Status.SELECTED,
                submission__project__isnull=True,
            )
            .select_related("submission__bid__organization")
            .order_by("rank")
        )
        made = []
        year = call.implementation_start.year
        existing = Project.objects.filter(competition=call).count()
        for n, result in enumerate(selected, start=existing + 1):
            if result.awarded is None:  # the database pairs "selected" with an amount
                continue
            submission = result.submission
            content = submission.content
            totals = content.get("totals", {})
            project = Project.objects.create(
                submission=submission,
                competition=call,
                municipality=call.municipality,
                organization=submission.bid.organization,
                number=f"{year}-{call.pk:04d}-{n}",
                title=(content.get("title") or submission.bid.title)[:255],
                goal=content.get("goal", ""),
                amount=result.awarded,
                cofinancing=Decimal(str(totals.get("own", 0) or 0))
                + Decimal(str(totals.get("other", 0) or 0)),
                beneficiaries=content.get("beneficiaries") or None,
                starts_on=call.implementation_start,
                ends_on=call.implementation_end,
            )
            _copy_plan(project, content)
            record(
                "project.created",
                project,
                by=by,
                after={
                    "number": project.number,
                    "receipt": submission.receipt_number,
                    "amount": project.amount,
                },
            )
            tell_organization(project, "project_created")
            made.append(project)
    return made


def _check_tranches(project: Project, rows: Sequence[TrancheRow]) -> None:
    total = sum((r.amount for r in rows), Decimal("0"))
    if total > project.amount:
        raise MonitoringError(
            _("The tranches add up to %(total)s, more than the agreement's %(amount)s.")
            % {"total": format_som(total), "amount": format_som(project.amount)}
        )
    for r in rows:
        if r.amount <= 0:
            raise MonitoringError(_("A tranche must be above zero."))
        if not (project.starts_on - datetime.timedelta(days=60) <= r.due_on <= project.ends_on):
            raise MonitoringError(_("A tranche must fall due within the project's period."))


def _replace_tranches(project: Project, rows: Sequence[TrancheRow]) -> None:
    project.tranches.all().delete()
    Tranche.objects.bulk_create(
        Tranche(
            project=project, position=i, amount=r.amount, due_on=r.due_on, condition=r.condition
        )
        for i, r in enumerate(sorted(rows, key=lambda r: r.due_on))
    )


AGREEMENT_FIELDS = ("municipality_signatory", "organization_signatory", "starts_on", "ends_on")


def _snapshot(project: Project) -> dict[str, Any]:
    return {
        **{f: getattr(project, f) for f in AGREEMENT_FIELDS},
        "tranches": [
            {"amount": t.amount, "due_on": t.due_on, "condition": t.condition}
            for t in project.tranches.all()
        ],
    }


def save_agreement(
    project: Project,
    *,
    data: dict[str, Any],
    tranches: Sequence[TrancheRow],
    expected_version: int,
    by: By,
) -> Project:
    """The draft agreement: signatories, period and the tranche schedule."""
    with transaction.atomic():
        project = lock_project(project)
        require_officer(project.municipality, by)
        if project.status != Status.DRAFT:
            raise OutOfOrder(_("The agreement is signed: change it through an amendment."))
        if project.version != expected_version:
            raise EditConflict(
                _("Your changes were NOT saved: a colleague saved this agreement meanwhile.")
            )
        before = _snapshot(project)
        for field in AGREEMENT_FIELDS:
            if field in data:
                setattr(project, field, data[field])
        if project.ends_on < project.starts_on:
            raise MonitoringError(_("The project cannot end before it starts."))
        _check_tranches(project, tranches)
        project.version += 1
        project.save()
        _replace_tranches(project, tranches)
        record("project.agreement_saved", project, by=by, before=before, after=_snapshot(project))
    return project


def signing_problems(project: Project) -> list[str]:
    problems = []
    if not project.municipality_signatory or not project.organization_signatory:
        problems.append(_("Name who signs for the municipality and for the organisation."))
    total = sum((t.amount for t in project.tranches.all()), Decimal("0"))
    if total != project.amount:
        problems.append(
            _("The tranches add up to %(total)s; they must add up to the agreement's %(amount)s.")
            % {"total": format_som(total), "amount": format_som(project.amount)}
        )
    return problems


def sign_agreement(project: Project, *, signed_on: datetime.date, by: By) -> Project:
    """Record the signing: the project is under way; the agreement changes only through
    amendments from here on."""
    with transaction.atomic():
        project = lock_project(project)
        require_officer(project.municipality, by)
        if project.status != Status.DRAFT:
            raise OutOfOrder(_("The agreement is already signed."))
        problems = signing_problems(project)
        if problems:
            raise MonitoringError(" ".join(problems))
        if signed_on > today():
            raise MonitoringError(_("The signing date cannot be in the future."))
        project.status = Status.ACTIVE
        project.signed_on = signed_on
        project.version += 1
        project.save(update_fields=["status", "signed_on", "version", "updated_at"])
        sync_schedule(project)
        record(
            "project.agreement_signed",
            project,
            by=by,
            after={"signed_on": signed_on, **_snapshot(project)},
        )
        tell_organization(project, "agreement_signed")
    return project


def amend_agreement(
    project: Project,
    *,
    ends_on: datetime.date,
    tranches: Sequence[TrancheRow],
    reason: str,
    by: By,
) -> AgreementAmendment:
    """Change a signed agreement's end date or tranche schedule, with a reason. Paid
    tranches stay as they were paid: the schedule must still cover what was paid."""
    reason = reason.strip()
    if not reason:
        raise MonitoringError(_("Give the reason for the amendment."))
    with transaction.atomic():
        project = lock_project(project)
        require_officer(project.municipality, by)
        if project.status != Status.ACTIVE:
            raise OutOfOrder(_("Only an agreement under way is amended."))
        new_schedule = [_row(r) for r in tranches]
        paid = Payment.objects.filter(tranche__project=project).exists()
        if paid and _schedule(project) != new_schedule:
            raise OutOfOrder(
                _("Payments are recorded against the schedule: amend only the end date.")
            )
        before = _snapshot(project)
        project.ends_on = ends_on
        if project.ends_on < project.starts_on:
            raise MonitoringError(_("The project cannot end before it starts."))
        total = sum((r.amount for r in tranches), Decimal("0"))
        if total != project.amount:
            raise MonitoringError(
                _("The tranches must add up to the agreement's %(amount)s.")
                % {"amount": format_som(project.amount)}
            )
        _check_tranches(project, tranches)
        project.version += 1
        project.save(update_fields=["ends_on", "version", "updated_at"])
        if _schedule(project) != new_schedule:
            _replace_tranches(project, tranches)
        sync_schedule(project)
        after = _snapshot(project)
        if after == before:
            raise MonitoringError(_("The amendment changes nothing."))
        amendment = AgreementAmendment.objects.create(
            project=project,
            changes={"before": _jsonable(before), "after": _jsonable(after)},
            reason=reason,
            created_at=deciding_now(),
            created_by=acting_user(by),
        )
        record(
            "project.agreement_amended",
            project,
            by=by,
            before=before,
            after={**after, "reason": reason},
        )
        tell_organization(project, "agreement_amended", amendment=amendment)
    return amendment


def _schedule(project: Project) -> list[tuple]:
    return [(t.amount, t.due_on, t.condition) for t in project.tranches.all()]


def _row(r: TrancheRow) -> tuple:
    return (r.amount, r.due_on, r.condition)


def _jsonable(snapshot: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(snapshot, cls=DjangoJSONEncoder))


def record_payment(
    tranche: Tranche, *, amount: Decimal, paid_on: datetime.date, reference: str, by: By
) -> Payment:
    """A transfer against a tranche. The paid total never exceeds the agreement: the
    project row is locked and a database check backs the rule."""
    reference = reference.strip()
    if amount <= 0:
        raise MonitoringError(_("A payment must be above zero."))
    if not reference:
        raise MonitoringError(_("Give the payment order's number."))
    with transaction.atomic():
        project = lock_project(tranche.project)
        require_officer(project.municipality, by)
        # A completed project may still be owed the tranche of its final report.
        if project.status not in (Status.ACTIVE, Status.COMPLETED):
            raise OutOfOrder(_("Payments are recorded once the agreement is signed."))
        tranche = Tranche.objects.get(pk=tranche.pk, project=project)
        report = report_for_tranche(project, tranche)
        if report is not None and report.status != ProgressReport.Status.ACCEPTED:
            raise OutOfOrder(
                _("This tranche is paid once this report is accepted: %(report)s.")
                % {"report": report.label}
            )
        paid_on_tranche = sum((p.amount for p in tranche.payments.all()), Decimal("0"))
        if paid_on_tranche + amount > tranche.amount:
            raise MonitoringError(
                _("This tranche has %(left)s left to pay.")
                % {"left": format_som(tranche.amount - paid_on_tranche)}
            )
        if project.paid_total + amount > project.amount:
            raise MonitoringError(
                _("The agreement has %(left)s left to pay.")
                % {"left": format_som(project.remaining)}
            )
        if paid_on > today():
            raise MonitoringError(_("The payment date cannot be in the future."))
        payment = Payment.objects.create(
            tranche=tranche,
            amount=amount,
            paid_on=paid_on,
            reference=reference,
            recorded_by=acting_user(by),
        )
        project.paid_total += amount
        project.save(update_fields=["paid_total", "updated_at"])
        record(
            "project.payment_recorded",
            project,
            by=by,
            after={
                "tranche": tranche.position + 1,
                "amount": amount,
                "paid_on": paid_on,
                "reference": reference,
                "paid_total": project.paid_total,
            },
        )
        tell_organization(project, "payment_recorded", payment=payment)
    return payment


def update_milestone(milestone: Milestone, *, status: str, percent: int, by: By) -> Milestone:
    if status not in Milestone.Status.values or not (0 <= percent <= 100):
        raise MonitoringError(_("Choose a status and a percentage from 0 to 100."))
    if status == Milestone.Status.DONE:
        percent = 100
    with transaction.atomic():
        project = lock_project(milestone.project)
        require_officer(project.municipality, by)
        if project.status != Status.ACTIVE:
            raise OutOfOrder(_("Milestones are followed while the project is under way."))
        milestone = Milestone.objects.get(pk=milestone.pk, project=project)
        before = {"status": milestone.status, "percent": milestone.percent}
        milestone.status, milestone.percent = status, percent
        milestone.save(update_fields=["status", "percent"])
        record(
            "project.milestone_updated",
            project,
            by=by,
            before=before,
            after={"milestone": milestone.activity, "status": status, "percent": percent},
        )
    return milestone


def record_indicator_value(
    indicator: ProjectIndicator,
    *,
    value: Decimal,
    measured_on: datetime.date,
    note: str = "",
    by: By,
) -> IndicatorValue:
    with transaction.atomic():
        project = lock_project(indicator.project)
        require_officer(project.municipality, by)
        if project.status != Status.ACTIVE:
            raise OutOfOrder(_("Indicators are measured while the project is under way."))
        if measured_on > today():
            raise MonitoringError(_("The date cannot be in the future."))
        row = IndicatorValue.objects.create(
            indicator=indicator,
            value=value,
            measured_on=measured_on,
            note=note.strip(),
            recorded_by=acting_user(by),
        )
        record(
            "project.indicator_measured",
            project,
            by=by,
            after={"indicator": indicator.name, "value": value, "measured_on": measured_on},
        )
    return row
