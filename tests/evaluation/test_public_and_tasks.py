"""Admission results are public after the deadline; the officer's tasks count the work."""

from __future__ import annotations

import datetime

import time_machine

from evaluation.services.admission import decide_admission
from evaluation.services.clarifications import answer_clarification, request_clarification
from tests.evaluation.conftest import AFTER, BEFORE, admission_url

DAY = datetime.timedelta(days=1)


def test_the_public_call_page_shows_admission_after_the_deadline_only(
    cast, english, secretary, submission, other_submission
):
    call = submission.bid.competition
    with time_machine.travel(BEFORE, tick=False):
        page = english(None).get(f"/calls/{call.pk}/").content.decode()
    assert "Admission of bids" not in page and "Второй проект" not in page
    decide_admission(
        submission, decision="not_admitted", reason="scope", note="Внутренняя заметка", by=secretary
    )
    page = english(None).get(f"/calls/{call.pk}/").content.decode()
    assert "Admission of bids" in page
    assert "ОФ «Көмөк»" in page and "Дневной центр «Күн нуру»" in page
    assert "project outside the call" in page  # the reason is public …
    assert "Внутренняя заметка" not in page  # … the explanation is the applicant's
    assert "Второй проект" in page and "being checked" in page
    # A question to the applicant stays between them: the public still reads "being checked".
    request_clarification(other_submission, question="Вопрос", due_at=AFTER + 2 * DAY, by=secretary)
    page = english(None).get(f"/calls/{call.pk}/").content.decode()
    assert "clarification requested" not in page and "Вопрос" not in page
    assert "admission of bids" in page  # the phase badge


def test_the_officer_is_told_what_waits(cast, english, secretary, submission, other_submission):
    page = english(cast.officer_a).get("/accounts/").content.decode()
    assert "2 bids await an admission decision" in page
    assert admission_url(submission.bid.competition) in page
    request = request_clarification(submission, question="?", due_at=AFTER + 2 * DAY, by=secretary)
    answer_clarification(request, text="Ответ", by=cast.ngo_member)
    page = english(cast.officer_a).get("/accounts/").content.decode()
    assert "1 bid awaits an admission decision" in page
    assert "1 clarification answer arrived" in page


def test_the_secretary_finds_the_call_on_the_home_page(english, secretary, submission):
    page = english(secretary).get("/accounts/").content.decode()
    assert "Your commissions: admission of bids" in page
    assert admission_url(submission.bid.competition) in page


def test_the_officers_call_page_has_the_admission_panel(cast, english, submission):
    call = submission.bid.competition
    url = f"/municipalities/{call.municipality.code}/workspace/calls/{call.pk}/"
    page = english(cast.officer_a).get(url).content.decode()
    assert "Check admission of the bids" in page and admission_url(call) in page
