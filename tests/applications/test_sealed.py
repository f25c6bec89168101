"""Sealed bids: T3, T4 from the municipality's and ministry's side, seal breaks, T45."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
import time_machine
from django.core import mail

from applications.models import Bid, BidSubmission, SealBreak
from applications.services import submission
from applications.services.drafting import save_bid
from applications.services.submission import submit_bid
from audit.models import AuditEvent
from notifications.models import Notification
from tests.applications.conftest import BEFORE, DEADLINE

pytestmark = pytest.mark.django_db
AFTER = DEADLINE + datetime.timedelta(minutes=5)
REASON = "Постановление суда № 12-345 от 20.12.2026 об изъятии заявок"


@pytest.fixture
def submitted(cast, bid):
    with time_machine.travel(BEFORE, tick=False):
        return submit_bid(bid, idempotency_key="k", by=cast.ngo_member)


def workspace_url(call, tail="bids/"):
    return f"/municipalities/{call.municipality.code}/workspace/calls/{call.pk}/{tail}"


def secrets(bid) -> list[str]:
    """What must not leak before the deadline: names, titles, amounts."""
    return [bid.organization.name_ru, bid.title, "325 000", "325000"]


def test_t3_before_the_deadline_officers_see_only_the_count(cast, client_for, submitted):
    bid = submitted.bid
    with time_machine.travel(BEFORE, tick=False):
        response = client_for(cast.officer_a).get(workspace_url(bid.competition))
        assert response.status_code == 200
        html = response.content.decode()
        assert "31.12.2026 18:00" in html
        for secret in secrets(bid):
            assert secret not in html
        assert response.context["count"] == 1
        export = client_for(cast.officer_a).get(workspace_url(bid.competition, "bids.csv"))
        assert export.status_code == 403
        # Other municipalities and NGOs do not even learn of the page.
        for who in ("officer_b", "ngo_member"):
            assert (
                client_for(getattr(cast, who)).get(workspace_url(bid.competition)).status_code
                == 404
            )


def test_after_the_deadline_officers_list_and_export_the_bids(cast, client_for, submitted):
    bid = submitted.bid
    with time_machine.travel(AFTER, tick=False):
        client = client_for(cast.officer_a)
        html = client.get(workspace_url(bid.competition)).content.decode()
        assert bid.title in html and submitted.receipt_number in html
        export = client.get(workspace_url(bid.competition, "bids.csv"))
        assert export.status_code == 200
        assert export["Content-Disposition"].startswith("attachment;")
        rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
        assert len(rows) == 2
        assert rows[1][0] == submitted.receipt_number
        assert rows[1][3] == cast.organization.inn
        assert rows[1][7] == "325000.00"
        assert (
            client_for(cast.officer_b).get(workspace_url(bid.competition, "bids.csv")).status_code
            == 404
        )


def test_t4_nothing_a_ministry_viewer_or_the_public_opens_shows_a_sealed_bid(
    cast, client_for, submitted
):
    bid = submitted.bid
    call = bid.competition
    pages = [
        "/",
        "/calls/",
        f"/calls/{call.pk}/",
        f"/municipalities/{call.municipality.code}/",
        f"/problems/{bid.problem_id}/",
        "/notifications/",
    ]
    # Every page is read by both, except the notifications, which are the ministry
    # viewer's own: a page that stops answering 200 would otherwise pass unread.
    must_read = {(who, url) for who in ("ministry", None) for url in pages} - {
        (None, "/notifications/")
    }
    read = set()
    with time_machine.travel(BEFORE, tick=False):
        for who in ("ministry", None):
            client = client_for(getattr(cast, who) if who else None)
            for url in pages:
                response = client.get(url)
                if response.status_code != 200:
                    continue
                html = response.content.decode()
                for secret in secrets(bid):
                    assert secret not in html, (who, url, secret)
                read.add((who, url))
        anonymous = client_for(None).get("/notifications/")
        assert anonymous.status_code == 302
        assert anonymous["Location"].startswith("/accounts/login/")
    assert read == must_read, f"not read: {sorted(must_read - read, key=str)}"


def test_a_site_admin_breaks_the_seal_with_a_public_reason(
    cast, client_for, submitted, django_capture_on_commit_callbacks
):
    bid = submitted.bid
    call = bid.competition
    url = f"/calls/{call.pk}/break-seal/"
    with time_machine.travel(BEFORE, tick=False):
        admin = client_for(cast.site_admin)
        assert admin.get(f"/bids/{bid.pk}/").status_code == 403  # sealed, even for the admin
        assert admin.get(url).status_code == 200
        assert admin.post(url, {"reason": "короткая"}).status_code == 400
        assert not SealBreak.objects.exists()
        with django_capture_on_commit_callbacks(execute=True):
            response = admin.post(url, {"reason": REASON})
        assert response.status_code == 302
        assert SealBreak.objects.get().reason == REASON
        event = AuditEvent.objects.get(action="call.seal_broken")
        assert event.actor == cast.site_admin
        # The admin may now read the bid; the call's officers still may not.
        assert admin.get(f"/bids/{bid.pk}/").status_code == 200
        assert client_for(cast.officer_a).get(f"/bids/{bid.pk}/").status_code == 403
        # Public, and the applicants are told.
        assert REASON in client_for(None).get(f"/calls/{call.pk}/").content.decode()
        assert Notification.objects.filter(user=cast.ngo_member, event="seal_broken").exists()
        assert any(REASON in m.body for m in mail.outbox)


def test_only_a_site_admin_may_break_a_seal(cast, client_for, submitted):
    url = f"/calls/{submitted.bid.competition_id}/break-seal/"
    with time_machine.travel(BEFORE, tick=False):
        assert client_for(cast.officer_a).post(url, {"reason": REASON}).status_code == 403
        assert client_for(cast.ngo_member).get(url).status_code == 403
        assert client_for(None).get(url).status_code == 302
        assert client_for(cast.site_admin).put(url).status_code == 405
    assert not SealBreak.objects.exists()


def test_there_is_no_seal_to_break_after_the_deadline(cast, client_for, submitted):
    url = f"/calls/{submitted.bid.competition_id}/break-seal/"
    with time_machine.travel(AFTER, tick=False):
        response = client_for(cast.site_admin).post(url, {"reason": REASON})
    assert response.status_code == 400
    assert not SealBreak.objects.exists()


@time_machine.travel(BEFORE, tick=False)
def test_t45_a_fault_mid_submit_leaves_the_draft_and_the_retry_works_once(
    cast, client_for, bid, monkeypatch
):
    real_record = submission.record

    def failing_record(action, *args, **kwargs):
        if action == "bid.submitted":
            raise RuntimeError("audit store unavailable")
        return real_record(action, *args, **kwargs)

    client = client_for(cast.ngo_member)
    url = f"/bids/{bid.pk}/submit/"
    monkeypatch.setattr(submission, "record", failing_record)
    response = client.post(url, {"idempotency_key": "tab-1"})
    assert response.status_code == 503
    assert (
        "Submit again" in response.content.decode()
        or "Отправить ещё раз" in response.content.decode()
    )
    assert not BidSubmission.objects.exists()
    assert Bid.objects.get(pk=bid.pk).status == Bid.Status.DRAFT
    monkeypatch.setattr(submission, "record", real_record)
    first = client.post(url, {"idempotency_key": "tab-1"})
    again = client.post(url, {"idempotency_key": "tab-1"})
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    assert BidSubmission.objects.count() == 1


def test_a_draft_never_submitted_stays_the_organisations_after_the_deadline(cast, client_for, bid):
    with time_machine.travel(AFTER, tick=False):
        assert client_for(cast.officer_a).get(f"/bids/{bid.pk}/").status_code == 404
        assert client_for(cast.site_admin).get(f"/bids/{bid.pk}/").status_code == 404
        assert client_for(cast.ngo_member).get(f"/bids/{bid.pk}/").status_code == 200


def test_t38_hostile_titles_are_text_on_the_page_and_in_the_export(cast, client_for, bid):
    formula = '=HYPERLINK("http://x","y")'
    script = "<img src=x onerror=alert(1)>"
    with time_machine.travel(BEFORE, tick=False):
        save_bid(
            bid,
            data={"title": formula, "summary": script},
            expected_version=bid.version,
            by=cast.ngo_member,
        )
        submit_bid(bid, idempotency_key="k", by=cast.ngo_member)
    with time_machine.travel(AFTER, tick=False):
        client = client_for(cast.officer_a)
        html = client.get(f"/bids/{bid.pk}/").content.decode()
        assert script not in html
        assert "&lt;img src=x onerror=alert(1)&gt;" in html
        export = client.get(workspace_url(bid.competition, "bids.csv"))
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert rows[1][4] == "'" + formula
