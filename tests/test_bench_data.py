"""`bench_data` at a tiny scale: every group of tables gets rows and the invariants the
services keep hold on the bulk-written data."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Q, Sum
from django.test import Client
from django.utils import timezone

from applications.models import Bid, BidDocument, BidSubmission, BudgetLine, Organization
from applications.services.submission import canonical_content, content_hash
from audit.models import AuditEvent
from audit.services import verify_chain
from competitions.models import Competition, PriorityProblem, ProblemComment, ProblemSupport
from competitions.phases import Phase
from evaluation.models import Admission, BidResult, CallEvaluation, Score, ScoreSheet
from monitoring.models import Payment, ProgressReport, Project, ReportVersion, Tranche
from notifications.models import Notification


@pytest.fixture
def generated(db):
    out = io.StringIO()
    call_command("bench_data", "--tiny", stdout=out)
    return out.getvalue()


def test_every_group_gets_rows_and_the_invariants_hold(generated):
    assert "done in" in generated
    for model in (
        Organization, PriorityProblem, ProblemSupport, ProblemComment, Competition, Bid,
        BudgetLine, BidDocument, BidSubmission, Admission, ScoreSheet, Score, CallEvaluation,
        BidResult, Project, Tranche, Payment, ProgressReport, ReportVersion, Notification,
        AuditEvent,
    ):  # fmt: skip
        assert model.objects.exists(), model.__name__

    now = timezone.now()
    phases = {c.phase_at(now) for c in Competition.objects.all()}
    assert {Phase.DRAFT, Phase.ACCEPTING, Phase.FINAL} <= phases

    # A bid is submitted exactly when it has one active submission, made before the
    # deadline, frozen as canonical_content and hashed as content_hash.
    for bid in Bid.objects.select_related("competition", "organization"):
        active = list(bid.submissions.filter(status="active"))
        assert len(active) == (1 if bid.status == Bid.Status.SUBMITTED else 0)
        for s in bid.submissions.all():
            assert s.submitted_at < bid.competition.closes_at
            assert s.submitted_at >= bid.competition.opens_at
        if active:
            assert active[0].content == canonical_content(bid)
            assert active[0].content_sha256 == content_hash(active[0].content)
            assert active[0].requested_total <= bid.competition.max_per_bid
    # Every submitted bid's call is accepting or past its deadline.
    for call in Competition.objects.filter(bids__status="submitted").distinct():
        assert call.phase_at(now) is Phase.ACCEPTING or call.phase_at(now).is_closed
    # Nothing of a sealed bid is read before the deadline.
    for model in (Admission, ScoreSheet):
        for row in model.objects.select_related("submission__bid__competition"):
            assert row.submission.bid.competition.phase_at(now).is_closed

    # Results within the budget, awarded only when selected.
    for ev in CallEvaluation.objects.all():
        awarded = ev.results.aggregate(s=Sum("awarded"))["s"] or Decimal("0")
        assert awarded == ev.selected_total <= ev.budget
        assert ev.budget == ev.competition.total_budget

    # Projects: only for selected bids of final calls, for the awarded amount; paid total
    # is the sum of the payments, each tranche paid only once its report is accepted.
    for project in Project.objects.select_related("competition", "submission__result"):
        assert project.competition.phase_at(now) is Phase.FINAL
        assert project.submission.result.status == BidResult.Status.SELECTED
        assert project.amount == project.submission.result.awarded
        paid = Payment.objects.filter(tranche__project=project).aggregate(s=Sum("amount"))["s"]
        assert project.paid_total == (paid or Decimal("0"))
        assert sum(t.amount for t in project.tranches.all()) in (project.amount, 0)
        for tranche in project.tranches.filter(payments__isnull=False).distinct():
            if tranche.condition != Tranche.Condition.SIGNING:
                report = project.reports.get(kind=tranche.condition, number=1)
                assert report.status == ProgressReport.Status.ACCEPTED
    assert not Project.objects.exclude(competition__stage="final").exists()

    # Problems: the support count is the number of supports.
    assert not (
        PriorityProblem.objects.annotate(n=Count("supports")).exclude(support_count=F("n")).exists()
    )
    assert not ProblemSupport.objects.filter(problem__status="draft").exists()
    assert not Competition.objects.filter(
        Q(problems__status="draft") | Q(problems__isnull=True), ~Q(status="draft")
    ).exists()

    # The audit trail is one intact chain.
    assert verify_chain().ok


def test_pages_render_and_a_second_run_is_refused(generated):
    client = Client()
    for url in ["/", "/calls/", "/problems/", "/municipalities/"]:
        assert client.get(url).status_code == 200, url
    call = Competition.objects.filter(stage="final").first()
    project = Project.objects.first()
    for url in [f"/calls/{call.pk}/", f"/calls/{call.pk}/results/", f"/projects/{project.pk}/"]:
        assert client.get(url).status_code == 200, url
    with pytest.raises(CommandError, match="already has calls"):
        call_command("bench_data", "--tiny", stdout=io.StringIO())
