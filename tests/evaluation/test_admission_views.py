"""The admission pages: who may do what (404 outside, 403 too weak, 405 GET, 409 out of
order, T20), and a constant number of queries whatever the number of bids."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from audit.models import AuditEvent
from evaluation.models import Admission, ClarificationRequest
from evaluation.services.admission import decide_admission
from tests.evaluation.conftest import AFTER, BEFORE, admission_url, submit
from tests.factories import OrganizationFactory

DAY = datetime.timedelta(days=1)


def decide_data(submission, decision="admitted", reason="", note=""):
    prefix = f"decide-{submission.receipt_number}"
    return {f"{prefix}-decision": decision, f"{prefix}-reason": reason, f"{prefix}-note": note}


def clarify_data(submission, question="Где письмо партнёра?", due="2027-01-05T18:00"):
    prefix = f"clarify-{submission.receipt_number}"
    return {f"{prefix}-question": question, f"{prefix}-due_at": due}


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("officer_a", 200),
        ("officer_a_weak", 200),
        ("secretary", 200),
        ("chair", 200),
        ("ministry", 200),
        ("site_admin", 200),
        ("commission_member", 403),
        ("officer_b", 404),
        ("ministry_y", 404),
        ("ngo_member", 404),
    ],
)
def test_who_reads_the_admission_page(cast, english, secretary, chair, submission, who, status):
    user = {"secretary": secretary, "chair": chair}.get(who) or getattr(cast, who)
    response = english(user).get(admission_url(submission.bid.competition))
    assert response.status_code == status
    if status == 200:
        assert "ОФ «Көмөк»" in response.content.decode()


def test_anonymous_visitors_are_sent_to_log_in(client, submission):
    response = client.get(admission_url(submission.bid.competition))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_before_the_deadline_the_page_shows_nothing_of_the_bids(cast, english, submission):
    with time_machine.travel(BEFORE, tick=False):
        response = english(cast.officer_a).get(admission_url(submission.bid.competition))
    assert response.status_code == 200
    page = response.content.decode()
    assert "sealed" in page and "ОФ «Көмөк»" not in page


def test_the_page_lists_each_bid_with_its_forms(cast, english, submission):
    page = english(cast.officer_a).get(admission_url(submission.bid.competition)).content.decode()
    assert submission.receipt_number in page
    assert "450\xa0000,00" in page
    assert f"/bids/{submission.bid.pk}/" in page  # officers read the bid itself
    assert "Do not admit" in page and "Request a clarification" in page
    assert "1 bid awaits an admission decision." in page


# --- decide -------------------------------------------------------------------------


def test_the_secretary_admits_a_bid(cast, english, secretary, submission):
    call = submission.bid.competition
    response = english(secretary).post(
        admission_url(call, f"{submission.pk}/decide/"), decide_data(submission)
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#bid-{submission.receipt_number}")
    admission = Admission.objects.get(submission=submission)
    assert admission.decision == "admitted" and admission.decided_by == secretary
    assert AuditEvent.objects.filter(action="bid.admission_decided").count() == 1


def test_not_admitting_without_a_reason_shows_the_error_summary(cast, english, submission):
    call = submission.bid.competition
    response = english(cast.officer_a).post(
        admission_url(call, f"{submission.pk}/decide/"), decide_data(submission, "not_admitted")
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert f'href="#id_decide-{submission.receipt_number}-reason"' in page
    assert not Admission.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [("officer_b", 404), ("other_ngo_member", 404), ("commission_member", 403), ("chair", 403)],
)
def test_outsiders_and_weak_roles_do_not_decide(cast, english, chair, submission, who, status):
    user = chair if who == "chair" else getattr(cast, who)
    url = admission_url(submission.bid.competition, f"{submission.pk}/decide/")
    assert english(user).post(url, decide_data(submission)).status_code == status
    assert not Admission.objects.exists()


def test_deciding_rejects_get(cast, english, submission):
    url = admission_url(submission.bid.competition, f"{submission.pk}/decide/")
    assert english(cast.officer_a).get(url).status_code == 405


def test_t20_deciding_before_the_deadline_is_409(cast, english, submission):
    url = admission_url(submission.bid.competition, f"{submission.pk}/decide/")
    with time_machine.travel(BEFORE, tick=False):
        response = english(cast.officer_a).post(url, decide_data(submission))
    assert response.status_code == 409
    assert not Admission.objects.exists()


def test_a_submission_of_another_call_is_not_found(cast, english, submission, chair, secretary):
    from tests.evaluation.conftest import make_admission_call

    other = make_admission_call(cast, chair, secretary)
    url = admission_url(other, f"{submission.pk}/decide/")
    assert english(cast.officer_a).post(url, decide_data(submission)).status_code == 404


# --- clarify ------------------------------------------------------------------------


def test_an_officer_asks_for_a_clarification(cast, english, submission):
    url = admission_url(submission.bid.competition, f"{submission.pk}/clarify/")
    response = english(cast.officer_a).post(url, clarify_data(submission))
    assert response.status_code == 302
    request = ClarificationRequest.objects.get()
    # Typed in Bishkek time: 5 January 18:00 is 12:00 UTC.
    assert request.due_at == datetime.datetime(2027, 1, 5, 12, 0, tzinfo=datetime.UTC)
    assert request.asked_by == cast.officer_a


def test_a_due_date_too_soon_is_refused_with_the_summary(cast, english, submission):
    url = admission_url(submission.bid.competition, f"{submission.pk}/clarify/")
    response = english(cast.officer_a).post(url, clarify_data(submission, due="2027-01-01T20:00"))
    assert response.status_code == 400
    assert f'href="#id_clarify-{submission.receipt_number}-due_at"' in response.content.decode()
    assert not ClarificationRequest.objects.exists()


@pytest.mark.parametrize(("who", "status"), [("officer_b", 404), ("commission_member", 403)])
def test_outsiders_and_weak_roles_do_not_ask(cast, english, submission, who, status):
    url = admission_url(submission.bid.competition, f"{submission.pk}/clarify/")
    assert english(getattr(cast, who)).post(url, clarify_data(submission)).status_code == status
    assert not ClarificationRequest.objects.exists()


def test_asking_rejects_get(cast, english, submission):
    url = admission_url(submission.bid.competition, f"{submission.pk}/clarify/")
    assert english(cast.officer_a).get(url).status_code == 405


def test_t20_a_second_open_request_is_409(cast, english, submission):
    url = admission_url(submission.bid.competition, f"{submission.pk}/clarify/")
    client = english(cast.officer_a)
    assert client.post(url, clarify_data(submission)).status_code == 302
    response = client.post(url, clarify_data(submission, question="И ещё?"))
    assert response.status_code == 409
    assert ClarificationRequest.objects.count() == 1


# --- open scoring -------------------------------------------------------------------


def test_the_chair_opens_scoring_when_all_is_decided(cast, english, chair, secretary, submission):
    call = submission.bid.competition
    decide_admission(submission, decision="admitted", by=secretary)
    response = english(chair).post(admission_url(call, "open-scoring/"))
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.stage == "scoring"
    assert AuditEvent.objects.filter(action="call.scoring_opened").exists()


def test_t20_opening_scoring_with_bids_undecided_is_409(cast, english, submission):
    call = submission.bid.competition
    response = english(cast.officer_a).post(admission_url(call, "open-scoring/"))
    assert response.status_code == 409
    assert "1 bid awaits an admission decision." in response.content.decode()
    call.refresh_from_db()
    assert call.stage == ""


@pytest.mark.parametrize(("who", "status"), [("officer_b", 404), ("commission_member", 403)])
def test_outsiders_and_members_do_not_open_scoring(
    cast, english, secretary, submission, who, status
):
    call = submission.bid.competition
    decide_admission(submission, decision="admitted", by=secretary)
    assert (
        english(getattr(cast, who)).post(admission_url(call, "open-scoring/")).status_code == status
    )
    call.refresh_from_db()
    assert call.stage == ""


def test_opening_scoring_rejects_get(cast, english, submission):
    url = admission_url(submission.bid.competition, "open-scoring/")
    assert english(cast.officer_a).get(url).status_code == 405


def test_t20_after_scoring_opened_a_decision_is_409(cast, english, secretary, submission):
    call = submission.bid.competition
    decide_admission(submission, decision="admitted", by=secretary)
    english(secretary).post(admission_url(call, "open-scoring/"))
    url = admission_url(call, f"{submission.pk}/decide/")
    response = english(secretary).post(url, decide_data(submission, "not_admitted", "other"))
    assert response.status_code == 409
    assert Admission.objects.get().decision == "admitted"
    page = english(secretary).get(admission_url(call)).content.decode()
    assert "Admission is closed" in page and "Save the decision" not in page


# --- queries ------------------------------------------------------------------------


def _bids(call, n, with_requests=True):
    from evaluation.services.clarifications import request_clarification

    made = [submit(call, OrganizationFactory(), title=f"Проект {i}") for i in range(n)]
    for i, s in enumerate(made):
        if i % 3 == 0:
            decide_admission(
                s,
                decision="not_admitted",
                reason="budget",
                note="…",
                by=call.municipality.staff.first().user,
            )
        elif i % 3 == 1 and with_requests:
            request_clarification(
                s, question="?", due_at=AFTER + 2 * DAY, by=call.municipality.staff.first().user
            )
    return made


@pytest.mark.parametrize("n", [5, 40])
def test_the_admission_page_runs_a_constant_number_of_queries(
    cast, english, call, n, django_assert_max_num_queries
):
    _bids(call, n)
    client = english(cast.officer_a)
    client.get(admission_url(call))  # the session and the second factor settle
    with django_assert_max_num_queries(14):
        response = client.get(admission_url(call))
    assert response.status_code == 200
    assert response.content.decode().count('class="card shadow-sm mb-3 admission-row"') == n


def test_the_query_count_does_not_grow_with_the_bids(cast, english, call):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = english(cast.officer_a)
    counts = []
    for n in (5, 35):
        _bids(call, n)
        client.get(admission_url(call))
        with CaptureQueriesContext(connection) as queries:
            client.get(admission_url(call))
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
