"""Bid pages: apply, edit, submit, withdraw, receipts; T1, T3, T13, T15, T42, T44 over HTTP."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from applications.models import Bid, BidSubmission
from applications.services.drafting import save_bid, step_version
from applications.services.organizations import set_verification
from applications.services.submission import submit_bid, withdraw_bid
from tests.applications.conftest import BEFORE, DEADLINE, LINES

pytestmark = pytest.mark.django_db


def step_post(bid, step="project", **extra):
    """The POST of one step of the bid form, as the browser sends it."""
    data = {"version": str(step_version(bid, step)), "go": step}
    if step == "project":
        data |= {"problem": str(bid.problem_id), "title": bid.title, "summary": bid.summary}
    if step == "budget":
        data |= {
            "budget-TOTAL_FORMS": str(len(LINES)),
            "budget-INITIAL_FORMS": str(len(LINES)),
            "budget-MIN_NUM_FORMS": "0",
            "budget-MAX_NUM_FORMS": "60",
        }
        for i, line in enumerate(LINES):
            for key, value in line.items():
                data[f"budget-{i}-{key}"] = str(value)
    data.update(extra)
    return data


@time_machine.travel(BEFORE, tick=False)
def test_an_ngo_member_applies_and_gets_a_draft(cast, client_for, call):
    set_verification(cast.organization, verified=True, note="", by=cast.officer_a)
    client = client_for(cast.ngo_member)
    assert client.get(f"/calls/{call.pk}/apply/").status_code == 405
    response = client.post(f"/calls/{call.pk}/apply/", {"organization": cast.organization.pk})
    created = Bid.objects.get()
    assert response["Location"] == f"/bids/{created.pk}/edit/project/"
    assert created.organization == cast.organization


def test_someone_else_cannot_apply_for_an_organization(cast, client_for, call):
    set_verification(cast.organization, verified=True, note="", by=cast.officer_a)
    with time_machine.travel(BEFORE, tick=False):
        client_for(cast.other_ngo_member).post(
            f"/calls/{call.pk}/apply/", {"organization": cast.organization.pk}
        )
    assert not Bid.objects.exists()


@time_machine.travel(BEFORE, tick=False)
def test_who_may_open_a_bid_before_the_deadline(cast, client_for, bid):
    url = f"/bids/{bid.pk}/"
    # A draft is the organisation's alone: the officers do not learn it exists.
    assert client_for(cast.officer_a).get(url).status_code == 404
    submit_bid(bid, idempotency_key="k", by=cast.ngo_member)
    assert client_for(cast.ngo_member).get(url).status_code == 200
    # T1: another NGO, the ministry, commission members: no such page.
    for who in ("other_ngo_member", "ministry", "commission_member", "officer_b"):
        assert client_for(getattr(cast, who)).get(url).status_code == 404, who
    # T3: the call's own officers: sealed.
    response = client_for(cast.officer_a).get(url)
    assert response.status_code == 403
    assert "31.12.2026 18:00" in response.content.decode()
    assert bid.title not in response.content.decode()


@time_machine.travel(BEFORE, tick=False)
def test_saving_the_draft_and_a_conflict_keeps_the_typing(cast, client_for, bid):
    client = client_for(cast.ngo_member)
    url = f"/bids/{bid.pk}/edit/project/"
    stale = step_post(bid, title="Первая версия")
    assert client.post(url, stale).status_code == 302
    bid.refresh_from_db()
    assert bid.title == "Первая версия"
    # T44: a second editor saving over an old version gets a conflict.
    response = client.post(url, {**stale, "title": "Вторая вкладка"})
    assert response.status_code == 409
    assert "Вторая вкладка" in response.content.decode()
    bid.refresh_from_db()
    assert bid.title == "Первая версия"


@time_machine.travel(BEFORE, tick=False)
def test_a_viewer_cannot_change_or_submit(cast, client_for, bid):
    cast.organization.members.filter(user=cast.ngo_member).update(role="viewer")
    client = client_for(cast.ngo_member)
    assert client.post(f"/bids/{bid.pk}/edit/project/", step_post(bid)).status_code == 403
    assert client.get(f"/bids/{bid.pk}/edit/project/")["Location"] == f"/bids/{bid.pk}/"
    assert client.post(f"/bids/{bid.pk}/submit/", {"idempotency_key": "k"}).status_code == 403
    assert not BidSubmission.objects.exists()


@time_machine.travel(BEFORE, tick=False)
def test_submit_gives_a_receipt_once(cast, client_for, bid):
    client = client_for(cast.ngo_member)
    url = f"/bids/{bid.pk}/submit/"
    assert client.get(url).status_code == 405
    # T15: a time sent by the client is ignored.
    first = client.post(url, {"idempotency_key": "k1", "submitted_at": "2020-01-01T00:00Z"})
    again = client.post(url, {"idempotency_key": "k1"})
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]  # T42: same receipt
    submission = BidSubmission.objects.get()
    assert submission.submitted_at == BEFORE
    receipt = client.get(first["Location"]).content.decode()
    assert submission.receipt_number in receipt
    assert submission.content_sha256 in receipt
    # T1: the receipt is the organisation's.
    assert client_for(cast.other_ngo_member).get(first["Location"]).status_code == 404


def test_a_late_submit_says_not_submitted(cast, client_for, bid):
    with time_machine.travel(DEADLINE + datetime.timedelta(seconds=1), tick=False):
        response = client_for(cast.ngo_member).post(
            f"/bids/{bid.pk}/submit/", {"idempotency_key": "late"}
        )
    assert response.status_code == 409
    html = response.content.decode()
    assert "31.12.2026 18:00" in html
    assert "18:00:01" in html
    assert not BidSubmission.objects.exists()


@time_machine.travel(BEFORE, tick=False)
def test_withdraw(cast, client_for, bid):
    url = f"/bids/{bid.pk}/withdraw/"
    client_for(cast.ngo_member).post(f"/bids/{bid.pk}/submit/", {"idempotency_key": "k"})
    assert client_for(cast.ngo_member).get(url).status_code == 405
    assert client_for(cast.other_ngo_member).post(url).status_code == 404
    assert client_for(cast.ngo_member).post(url).status_code == 302
    bid.refresh_from_db()
    assert bid.status == Bid.Status.DRAFT
    assert BidSubmission.objects.get().status == BidSubmission.Status.WITHDRAWN


@time_machine.travel(BEFORE, tick=False)
def test_the_call_page_shows_only_the_count(cast, client_for, bid):
    client_for(cast.ngo_member).post(f"/bids/{bid.pk}/submit/", {"idempotency_key": "k"})
    html = client_for(None).get(f"/calls/{bid.competition_id}/").content.decode()
    assert bid.title not in html
    assert cast.organization.name_ru not in html
    response = client_for(None).get(f"/calls/{bid.competition_id}/")
    (bids_panel,) = [p for p in response.context["panels"] if p.key == "bids"]
    assert bids_panel.context["bids_received"] == 1


@time_machine.travel(BEFORE, tick=False)
def test_t1_another_ngo_finds_nothing_and_the_attempt_is_logged(
    cast, client_for, bid, caplog, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submit_bid(bid, idempotency_key="k", by=cast.ngo_member)
    document = bid.documents.first()
    urls = [
        f"/bids/{bid.pk}/",
        f"/bids/{bid.pk}/documents/{document.pk}/",
        f"/bids/{bid.pk}/receipt.pdf",
    ]
    owner = client_for(cast.ngo_member)
    pdf = owner.get(urls[2])
    assert pdf.status_code == 200
    assert pdf["Content-Disposition"].startswith("attachment;")
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    other = client_for(cast.other_ngo_member)
    caplog.clear()
    with caplog.at_level("WARNING", logger="portal.security"):
        for url in urls:
            assert other.get(url).status_code == 404, url
    denied = [r for r in caplog.records if r.name == "portal.security" and r.msg == "authz_denied"]
    assert len(denied) == len(urls)


@time_machine.travel(BEFORE, tick=False)
def test_a_receipt_can_be_had_in_another_language(cast, client_for, bid):
    from documents.models import GeneratedDocument

    submission = submit_bid(bid, idempotency_key="k", by=cast.ngo_member)
    client = client_for(cast.ngo_member)
    page = client.get(f"/bids/{bid.pk}/receipts/{submission.pk}/").content.decode()
    assert f"/documents/request/bid-receipt/{submission.pk}/" in page
    response = client.post(f"/documents/request/bid-receipt/{submission.pk}/", {"language": "en"})
    assert response.status_code == 302
    assert GeneratedDocument.objects.filter(object_id=str(submission.pk), language="en").exists()
    # Another NGO cannot order one.
    other = client_for(cast.other_ngo_member).post(
        f"/documents/request/bid-receipt/{submission.pk}/", {"language": "en"}
    )
    assert other.status_code == 404


def test_t18_an_amendment_asks_submitted_bids_to_reconfirm(cast, client_for, bid):
    from competitions.services.calls import amend_call

    with time_machine.travel(BEFORE, tick=False):
        submit_bid(bid, idempotency_key="k", by=cast.ngo_member)
        amend_call(
            bid.competition,
            reason="Бюджет уменьшен решением кенеша",
            changes={"total_budget": "900000", "max_per_bid": "400000"},
            by=cast.officer_a,
        )
        bid.refresh_from_db()
        assert bid.needs_reconfirmation
        client = client_for(cast.ngo_member)
        url = f"/bids/{bid.pk}/reconfirm/"
        assert client.get(url).status_code == 405
        assert client_for(cast.other_ngo_member).post(url).status_code == 404
        assert client_for(cast.officer_a).post(url).status_code == 404
        # The bid asks 325 000 of the new 400 000 maximum: it may stand.
        client = client_for(cast.ngo_member)
        assert "reconfirm" in client.get(f"/bids/{bid.pk}/").content.decode()
        assert client.post(url).status_code == 302
        bid.refresh_from_db()
        assert not bid.needs_reconfirmation
        assert bid.reconfirmed_at == BEFORE


def test_t18_a_bid_over_the_new_maximum_cannot_be_confirmed(cast, client_for, bid):
    from competitions.services.calls import amend_call

    with time_machine.travel(BEFORE, tick=False):
        submit_bid(bid, idempotency_key="k", by=cast.ngo_member)
        amend_call(
            bid.competition,
            reason="Максимум уменьшен",
            changes={"max_per_bid": "300000"},
            by=cast.officer_a,
        )
        cast.organization.members.filter(user=cast.ngo_member).update(role="viewer")
        assert client_for(cast.ngo_member).post(f"/bids/{bid.pk}/reconfirm/").status_code == 403
        cast.organization.members.filter(user=cast.ngo_member).update(role="editor")
        client_for(cast.ngo_member).post(f"/bids/{bid.pk}/reconfirm/")
        bid.refresh_from_db()
        assert bid.needs_reconfirmation
        # Withdrawing, fixing and submitting again settles it.
        bid = withdraw_bid(bid, by=cast.ngo_member)
        bid = save_bid(
            bid,
            data={},
            budget_lines=[{**LINES[0], "own_contribution": 25000}],
            expected_version=bid.version,
            by=cast.ngo_member,
        )
        submit_bid(bid, idempotency_key="k2", by=cast.ngo_member)
        bid.refresh_from_db()
        assert not bid.needs_reconfirmation


def test_t46_the_broker_down_at_submit_still_gives_a_receipt(
    cast, client_for, bid, broker_down, django_capture_on_commit_callbacks
):
    from documents.models import GeneratedDocument
    from documents.services import sweep_pending
    from notifications.models import Notification

    with time_machine.travel(BEFORE, tick=False):
        client = client_for(cast.ngo_member)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"/bids/{bid.pk}/submit/", {"idempotency_key": "k"})
        assert response.status_code == 302
        page = client.get(response["Location"]).content.decode()
    submission = BidSubmission.objects.get()
    assert submission.receipt_number in page
    receipt = GeneratedDocument.objects.get(object_id=str(submission.pk))
    assert receipt.status == GeneratedDocument.Status.PENDING
    assert Notification.objects.filter(event="bid_submitted", email__status="pending").exists()
    # A worker is back (eager here): the sweeper finishes the PDF.
    broker_down.conf.task_always_eager = True
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_pending(now=BEFORE + datetime.timedelta(minutes=10)) == 1
    receipt.refresh_from_db()
    assert receipt.status == GeneratedDocument.Status.READY


@time_machine.travel(BEFORE, tick=False)
def test_the_organisation_page_lists_its_bids_to_members_only(cast, client_for, bid):
    url = f"/organizations/{cast.organization.pk}/"
    assert bid.title in client_for(cast.ngo_member).get(url).content.decode()
    # The municipality's officer verifies the organisation but must not learn of its bids.
    officer_view = client_for(cast.officer_a).get(url)
    assert officer_view.status_code == 200
    assert bid.title not in officer_view.content.decode()


@time_machine.travel(BEFORE, tick=False)
def test_a_draft_started_by_mistake_can_be_deleted_with_its_files(
    cast, client_for, bid, django_capture_on_commit_callbacks
):
    from audit.models import AuditEvent

    url = f"/bids/{bid.pk}/discard/"
    files = [d.file.name for d in bid.documents.all()]
    storage = bid.documents.first().file.storage
    assert client_for(cast.ngo_member).get(url).status_code == 405
    assert client_for(cast.other_ngo_member).post(url).status_code == 404
    cast.organization.members.filter(user=cast.ngo_member).update(role="viewer")
    assert client_for(cast.ngo_member).post(url).status_code == 403
    cast.organization.members.filter(user=cast.ngo_member).update(role="editor")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(cast.ngo_member).post(url)
    assert response["Location"] == "/organizations/"
    assert not Bid.objects.filter(pk=bid.pk).exists()
    assert not any(storage.exists(name) for name in files)
    assert AuditEvent.objects.filter(action="bid.discarded").count() == 1


@time_machine.travel(BEFORE, tick=False)
def test_a_bid_submitted_once_cannot_be_deleted(cast, client_for, bid):
    submit_bid(bid, idempotency_key="k", by=cast.ngo_member)
    withdraw_bid(bid, by=cast.ngo_member)
    response = client_for(cast.ngo_member).post(f"/bids/{bid.pk}/discard/")
    assert response.status_code == 302
    assert Bid.objects.filter(pk=bid.pk).exists()
