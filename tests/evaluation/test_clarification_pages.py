"""The applicant's side: the decision and the clarification on the bid's page, the
answer (text and files), and the files' downloads."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from evaluation.models import ClarificationFile
from evaluation.services.admission import decide_admission
from evaluation.services.clarifications import request_clarification
from tests.evaluation.conftest import AFTER, admission_url
from tests.files import pdf_upload

DAY = datetime.timedelta(days=1)


@pytest.fixture
def request_(secretary, submission):
    return request_clarification(
        submission,
        question="Где гарантийное письмо партнёра?",
        due_at=AFTER + 2 * DAY,
        by=secretary,
    )


def answer_url(request_):
    return f"/bids/{request_.submission.bid_id}/clarifications/{request_.pk}/answer/"


def test_the_bid_page_shows_the_question_and_the_answer_form(cast, english, request_):
    page = english(cast.ngo_member).get(f"/bids/{request_.submission.bid_id}/").content.decode()
    assert "clarification requested" in page
    assert "Где гарантийное письмо партнёра?" in page
    assert "02.01.2027 18:00" not in page  # the due date is in Bishkek time …
    assert "03.01.2027 18:00" in page  # … AFTER + 2 days, 12:00 UTC
    assert 'enctype="multipart/form-data"' in page and "Send the answer" in page


def test_a_viewer_reads_the_question_without_a_form(english, request_, viewer):
    page = english(viewer).get(f"/bids/{request_.submission.bid_id}/").content.decode()
    assert "Где гарантийное письмо партнёра?" in page
    assert "Send the answer" not in page


def test_the_applicant_answers_with_files(cast, english, request_):
    response = english(cast.ngo_member).post(
        answer_url(request_),
        {"text": "Письмо приложено.", "files": [pdf_upload("letter.pdf"), pdf_upload("plan.pdf")]},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/bids/{request_.submission.bid_id}/"
    request_.refresh_from_db()
    assert request_.answer == "Письмо приложено." and request_.answered_by == cast.ngo_member
    assert sorted(request_.files.values_list("name", flat=True)) == ["letter.pdf", "plan.pdf"]
    page = english(cast.ngo_member).get(f"/bids/{request_.submission.bid_id}/").content.decode()
    assert "Письмо приложено." in page and "letter.pdf" in page
    assert "Send the answer" not in page


def test_a_file_that_fails_the_content_check_stores_nothing(cast, english, request_):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("letter.pdf", b"MZ not a pdf", content_type="application/pdf")
    response = english(cast.ngo_member).post(answer_url(request_), {"text": "…", "files": [fake]})
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    request_.refresh_from_db()
    assert request_.answered_at is None and not ClarificationFile.objects.exists()


def test_an_empty_answer_shows_the_error_summary(cast, english, request_):
    response = english(cast.ngo_member).post(answer_url(request_), {"text": ""})
    assert response.status_code == 400
    assert 'href="#id_text"' in response.content.decode()


@pytest.mark.parametrize("who", ["other_ngo_member", "officer_b"])
def test_outsiders_cannot_answer(cast, english, request_, who):
    response = english(getattr(cast, who)).post(answer_url(request_), {"text": "…"})
    assert response.status_code == 404
    request_.refresh_from_db()
    assert request_.answered_at is None


def test_a_viewer_cannot_answer(english, request_, viewer):
    assert english(viewer).post(answer_url(request_), {"text": "…"}).status_code == 403


def test_answering_rejects_get(cast, english, request_):
    assert english(cast.ngo_member).get(answer_url(request_)).status_code == 405


def test_t20_answering_after_its_deadline_is_409(cast, english, request_):
    with time_machine.travel(AFTER + 2 * DAY, tick=False):
        response = english(cast.ngo_member).post(answer_url(request_), {"text": "Поздно"})
    assert response.status_code == 409
    assert "The time to answer this clarification request is over." in response.content.decode()
    request_.refresh_from_db()
    assert request_.answered_at is None


def test_the_answer_files_are_downloaded_through_permission_checks(
    cast, english, secretary, request_
):
    english(cast.ngo_member).post(
        answer_url(request_), {"text": "Письмо.", "files": [pdf_upload("letter.pdf")]}
    )
    stored = ClarificationFile.objects.get()
    bid_id = request_.submission.bid_id
    call = request_.submission.bid.competition
    by_bid = f"/bids/{bid_id}/clarifications/files/{stored.pk}/"
    by_call = admission_url(call, f"files/{stored.pk}/")
    response = english(cast.ngo_member).get(by_bid)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "private, no-store"
    assert english(cast.officer_a).get(by_bid).status_code == 200
    assert english(secretary).get(by_call).status_code == 200
    assert english(cast.other_ngo_member).get(by_bid).status_code == 404
    assert english(cast.officer_b).get(by_call).status_code == 404
    assert english(cast.commission_member).get(by_call).status_code == 403
    # The admission page shows the answer beside the bid, its file linked by the call.
    page = english(secretary).get(admission_url(call)).content.decode()
    assert "Письмо." in page and by_call in page


def test_the_decision_and_its_reason_reach_the_bid_page(cast, english, secretary, submission):
    decide_admission(
        submission,
        decision="not_admitted",
        reason="budget",
        note="Запрошено больше максимума.",
        by=secretary,
    )
    page = english(cast.ngo_member).get(f"/bids/{submission.bid_id}/").content.decode()
    assert "not admitted" in page
    assert "budget over the maximum or co-financing under the minimum" in page
    assert "Запрошено больше максимума." in page
