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
    assert verify_chain().ok


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
