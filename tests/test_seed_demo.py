"""The demo tells a coherent story and loading it twice changes nothing."""

from __future__ import annotations

import io

import pytest
from django.apps import apps
from django.core.management import call_command

from applications.models import Bid, BidDocument, BidSubmission
from audit.services import verify_chain
from competitions.models import Competition
from evaluation.models import (
    Admission,
    ClarificationRequest,
    ConfidentialityDeclaration,
    ConflictDeclaration,
)


def counts() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in apps.get_models()}


@pytest.mark.django_db
def test_the_demo_loads_twice_through_the_services(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=io.StringIO())
    first = counts()
    call_command("seed_demo", stdout=io.StringIO())
    assert counts() == first
    open_call = Competition.objects.get(title__startswith="Дневной реабилитационный")
    assert open_call.phase == "accepting"
    assert open_call.bids.filter(status=Bid.Status.SUBMITTED).count() == 2
    assert open_call.bids.filter(status=Bid.Status.DRAFT).count() == 1
    submissions = BidSubmission.objects.filter(bid__competition=open_call)
    assert submissions.count() == 2
    assert BidDocument.objects.filter(bid__competition=open_call).count() == 2 * len(
        open_call.required_document_list
    )
    assert Competition.objects.filter(status="draft").count() == 1
    # A call in admission: one bid admitted, one not (with a reason), one asked to clarify.
    in_admission = Competition.objects.get(title__startswith="Зимняя помощь")
    assert in_admission.phase == "closed" and in_admission.phase.in_admission
    decisions = sorted(
        Admission.objects.filter(submission__bid__competition=in_admission).values_list(
            "decision", "reason"
        )
    )
    assert decisions == [("admitted", ""), ("clarification", ""), ("not_admitted", "documents")]
    assert ClarificationRequest.objects.filter(closed_at__isnull=True).count() == 1
    # A call in scoring: one member signed and declared no conflict twice, a conflict once.
    in_scoring = Competition.objects.get(title__startswith="Наставники и кружки")
    assert in_scoring.phase.scoring
    assert ConfidentialityDeclaration.objects.filter(seat__competition=in_scoring).count() == 1
    declared = ConflictDeclaration.objects.filter(seat__competition=in_scoring)
    assert sorted(declared.values_list("has_conflict", flat=True)) == [False, False, True]
    assert declared.get(has_conflict=True).statement
    assert_monitoring_in_every_state()
    assert verify_chain().ok


def assert_monitoring_in_every_state() -> None:
    """Projects under way with reports in every state, and one completed with a rating."""
    from django.test import RequestFactory
    from django.utils import timezone

    from accounts.models import User
    from monitoring.hooks import organization_reports_panel
    from monitoring.models import ProgressReport, Project, ReportVersion

    today = timezone.localdate()
    assert Project.objects.filter(status="active").count() == 4
    reports = ProgressReport.objects.filter(project__status="active")
    states = sorted(reports.exclude(status="due").values_list("status", flat=True))
    assert states == ["accepted", "returned", "submitted"]
    overdue = [r for r in reports if r.overdue_at(today)]
    assert len(overdue) == 1 and overdue[0].status == "due" and not overdue[0].versions.exists()
    assert reports.filter(status="due", due_on__gte=today).exists()  # not yet due
    returned = reports.get(status="returned")
    assert returned.versions.get().comments and returned.due_on >= today
    accepted = reports.get(status="accepted")
    assert accepted.project.reached and accepted.project.paid_total > accepted.project.amount / 2
    assert ReportVersion.objects.filter(decision="accepted", report=accepted).exists()
    # Returned, accepted and awaiting review: three organisations; the main NGO login
    # («Көмөк») sees its returned report on the signed-in home.
    submitted = reports.get(status="submitted")
    assert len({r.project.organization_id for r in (returned, accepted, submitted)}) == 3
    request = RequestFactory().get("/")
    home = organization_reports_panel(request, User.objects.get(email="ngo.komok@demo.kg"))
    assert returned in home["reports"]
    # The school-readiness centre of an earlier year: completed, rated, on its problem.
    done = Project.objects.get(status="completed")
    assert done.title == "Центр подготовки детей к школе"
    assert done.final_rating == "successful" and "детский сад" in done.final_reasons
    assert done.ends_on < today and done.ended_on < today and done.starts_on.year < today.year
    assert done.reports.filter(status="accepted").count() == 2 and done.paid_total == done.amount
    assert done.reached >= done.reached_women and done.reached_children == 40
    assert "детского сада" in done.submission.bid.problem.title


@pytest.mark.django_db
def test_a_demo_document_that_failed_to_render_stops_the_command(cast):
    """make run / seed_demo must not go on quietly when the PDFs cannot render
    (DEBUG=0 before collectstatic once marked every demo PDF failed without a word)."""
    from django.core.management.base import CommandError

    from documents.models import GeneratedDocument
    from municipal_order.management.commands.seed_demo import Command

    Command()._check_documents()  # nothing failed: silent
    GeneratedDocument.objects.create(
        kind="municipality-profile",
        object_type="competitions.municipality",
        object_id=str(cast.municipality_a.pk),
        language="ru",
        status=GeneratedDocument.Status.FAILED,
        error="OSError: fonts not found",
    )
    with pytest.raises(CommandError, match=r"1 demo document.* OSError: fonts not found"):
        Command()._check_documents()
