"""The demo tells a coherent story and loading it twice changes nothing."""

from __future__ import annotations

import io

import pytest
from django.apps import apps
from django.core.management import call_command

from applications.models import Bid, BidDocument, BidSubmission
from audit.services import verify_chain
from competitions.models import Competition


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
    assert BidSubmission.objects.count() == 2
    assert BidDocument.objects.count() == 2 * len(open_call.required_document_list)
    assert Competition.objects.filter(status="draft").count() == 1
    assert verify_chain().ok
