"""The organisations page ("my organisations and bids") reads the same number of
queries however many draft bids it lists: each draft's progress (steps done of six)
comes from prefetched rows, not five queries a bid."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from applications.models import Bid
from applications.services.drafting import start_bid
from applications.services.files import add_document
from applications.services.organizations import set_verification
from applications.steps import for_missing_by_step, missing_by_step
from tests.applications.conftest import BEFORE, DEADLINE, REQUIRED_DOCUMENTS, fill_bid
from tests.competitions.conftest import make_call
from tests.files import pdf_upload

pytestmark = pytest.mark.django_db


def drafts(cast, n: int) -> list[Bid]:
    """n draft bids of the cast's NGO to n open calls: half filled in (with a document),
    half just started."""
    set_verification(cast.organization, verified=True, note="", by=cast.officer_a)
    cast.organization.refresh_from_db()
    made = []
    with time_machine.travel(BEFORE, tick=False):
        for i in range(n):
            call = make_call(
                cast,
                status="published",
                title=f"Конкурс {i}",
                opens_at=DEADLINE - datetime.timedelta(days=30),
                closes_at=DEADLINE,
                implementation_start=datetime.date(2027, 2, 1),
                implementation_end=datetime.date(2027, 11, 30),
                required_documents="\n".join(REQUIRED_DOCUMENTS),
            )
            bid = start_bid(call, cast.organization, by=cast.ngo_member)
            if i % 2 == 0:
                bid = fill_bid(bid, cast)
                add_document(
                    bid,
                    upload=pdf_upload(text=REQUIRED_DOCUMENTS[0]),
                    requirement=REQUIRED_DOCUMENTS[0],
                    by=cast.ngo_member,
                )
            made.append(bid)
    return made


def queries(client) -> tuple[int, str]:
    client.get("/organizations/")  # warm-up: sessions, caches
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/organizations/")
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def test_the_organisations_page_costs_the_same_for_1_or_8_drafts(cast, client):
    made = drafts(cast, 1)
    with time_machine.travel(BEFORE, tick=False):
        client.force_login(cast.ngo_member)
        few, _ = queries(client)
        made += drafts(cast, 7)
        many, page = queries(client)
    assert many == few
    assert all(f"/bids/{bid.pk}/" in page for bid in made)


def test_prefetched_progress_is_the_same_as_a_single_bid_s(cast):
    bids = drafts(cast, 4)
    with time_machine.travel(BEFORE, tick=False):
        one_by_one = {b.pk: missing_by_step(Bid.objects.get(pk=b.pk)) for b in bids}
        batched = {
            b.pk: missing_by_step(b)
            for b in for_missing_by_step(Bid.objects.filter(pk__in=[b.pk for b in bids]))
        }
    assert batched == one_by_one
    # The filled-in drafts miss only the second required document; the others much more.
    filled = one_by_one[bids[0].pk]
    assert [step for step, items in filled.items() if items] == ["documents"]
    assert sum(len(items) for items in one_by_one[bids[1].pk].values()) > 5
