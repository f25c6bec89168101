"""Appeals against published results: filed in the window by the applicant's editors,
decided with public reasons by the chair or the secretary; an upheld appeal reopens the
bid's sheets and the corrected results are published with a visible record of what
changed; the call becomes final once the window is over and nothing is open."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import translation

from audit.models import AuditEvent
from competitions.models import Competition
from evaluation.exceptions import OutOfOrder
from evaluation.models import Appeal, BidResult, ResultChange, ScoreSheet
from evaluation.services.appeals import (
    RescoringIncomplete,
    decide_appeal,
    file_appeal,
    finalize_due_calls,
    republish_results,
)
from evaluation.services.sheets import Entry, save_sheet
from notifications.models import Notification
from tests.evaluation.conftest import AFTER, commission_url
from tests.evaluation.scoring_helpers import close_and_publish, score, score_all, seat_of
from tests.files import pdf_upload

APPEAL = "Член комиссии не учёл письма партнёров, приложенные к заявке."
REASONS = "Письма партнёров приложены; оценка по критерию «Бюджет» пересматривается."
WINDOW_OVER = AFTER + datetime.timedelta(days=8)


@pytest.fixture
def published(cast, scoring, chair, secretary, submission, other_submission):
    """Results out: the cast's bid second (72.00, 76.00 from two members… see values)."""
    score_all(
        scoring,
        {
            chair: {submission: [6, 6], other_submission: [9, 9]},
            secretary: {submission: [7, 5], other_submission: [8, 8]},
            cast.commission_member: {submission: [6, 6], other_submission: [9, 8]},
        },
    )
    close_and_publish(scoring, chair, secretary)
    return scoring


def appeal_url(submission):
    return f"/bids/{submission.bid_id}/appeal/"


def pdf(name="letters.pdf"):
    return pdf_upload(name)


# --- filing --------------------------------------------------------------------------


def test_an_editor_files_an_appeal_and_the_chair_and_secretary_hear_of_it(
    cast, english, published, submission, chair, secretary
):
    response = english(cast.ngo_member).post(
        appeal_url(submission), {"text": APPEAL, "files": [pdf()]}
    )
    assert response.status_code == 302 and response["Location"] == f"/bids/{submission.bid_id}/"
    appeal = Appeal.objects.get()
    assert (appeal.submission, appeal.status, appeal.text) == (submission, "pending", APPEAL)
    assert [f.name for f in appeal.files.all()] == ["letters.pdf"]
    assert AuditEvent.objects.filter(action="bid.appeal_filed").count() == 1
    told = set(Notification.objects.filter(event="appeal_filed").values_list("user", flat=True))
    assert told == {chair.pk, secretary.pk}
    page = english(cast.ngo_member).get(f"/bids/{submission.bid_id}/").content.decode()
    assert APPEAL in page and "being considered" in page and "File the appeal" not in page


@pytest.mark.parametrize(("who", "status"), [("viewer", 403), ("other_ngo_member", 404)])
def test_viewers_and_other_organisations_cannot_appeal(
    cast, english, published, submission, viewer, who, status
):
    user = viewer if who == "viewer" else getattr(cast, who)
    response = english(user).post(appeal_url(submission), {"text": APPEAL})
    assert response.status_code == status
    assert not Appeal.objects.exists()


def test_an_appeal_is_posted_never_got(cast, english, published, submission):
    assert english(cast.ngo_member).get(appeal_url(submission)).status_code == 405


def test_a_second_appeal_while_one_is_pending_is_409(cast, english, published, submission):
    client = english(cast.ngo_member)
    client.post(appeal_url(submission), {"text": APPEAL})
    response = client.post(appeal_url(submission), {"text": "Ещё одна жалоба."})
    assert response.status_code == 409
    assert Appeal.objects.count() == 1


def test_after_the_window_an_appeal_is_409_and_nothing_is_kept(
    cast, english, published, submission
):
    with time_machine.travel(WINDOW_OVER, tick=False):
        response = english(cast.ngo_member).post(
            appeal_url(submission), {"text": APPEAL, "files": [pdf()]}
        )
    assert response.status_code == 409
    assert "appeal window" in response.content.decode()
    assert not Appeal.objects.exists()


def test_t20_no_appeal_before_the_results(cast, scoring, submission):
    with translation.override("en"), pytest.raises(OutOfOrder):
        file_appeal(submission, text=APPEAL, by=cast.ngo_member)


# --- deciding --------------------------------------------------------------------------


@pytest.fixture
def appeal(cast, published, submission):
    return file_appeal(submission, text=APPEAL, by=cast.ngo_member)


def decide_url(call, appeal):
    return commission_url(call, f"appeals/{appeal.pk}/decide/")


def test_the_secretary_dismisses_with_reasons_that_are_published(
    cast, english, published, appeal, secretary
):
    prefix = f"a{appeal.pk}"
    response = english(secretary).post(
        decide_url(published, appeal),
        {f"{prefix}-outcome": "dismiss", f"{prefix}-reasons": REASONS},
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert (appeal.status, appeal.reasons) == ("dismissed", REASONS)
    assert Notification.objects.filter(event="appeal_decided", user=cast.ngo_member).exists()
    public = english(None).get(f"/calls/{published.pk}/results/").content.decode()
    assert REASONS in public and "dismissed" in public
    assert APPEAL not in public  # the appeal's text stays between the applicant and the commission


def test_deciding_needs_reasons_and_keeps_the_choice(cast, english, published, appeal, secretary):
    prefix = f"a{appeal.pk}"
    response = english(secretary).post(
        decide_url(published, appeal), {f"{prefix}-outcome": "uphold", f"{prefix}-reasons": ""}
    )
    assert response.status_code == 400
    assert Appeal.objects.get().status == "pending"


@pytest.mark.parametrize(("who", "status"), [("commission_member", 403), ("officer_a", 403)])
def test_ordinary_members_and_officers_do_not_decide(cast, english, published, appeal, who, status):
    prefix = f"a{appeal.pk}"
    response = english(getattr(cast, who)).post(
        decide_url(published, appeal), {f"{prefix}-outcome": "dismiss", f"{prefix}-reasons": "x"}
    )
    assert response.status_code == status
    assert Appeal.objects.get().status == "pending"


def test_another_call_s_chair_gets_404(english, published, appeal, outsider_seat):
    prefix = f"a{appeal.pk}"
    response = english(outsider_seat.user).post(
        decide_url(published, appeal), {f"{prefix}-outcome": "dismiss", f"{prefix}-reasons": "x"}
    )
    assert response.status_code == 404


def test_the_decision_is_posted_never_got(english, published, appeal, secretary):
    assert english(secretary).get(decide_url(published, appeal)).status_code == 405


# --- upheld: scored again, corrected results ---------------------------------------------


def test_an_upheld_appeal_reopens_the_sheets_then_the_corrected_results_show_what_changed(
    cast, english, published, appeal, submission, other_submission, chair, secretary
):
    first = BidResult.objects.get(submission=submission)
    assert (first.rank, str(first.score)) == (2, "60.67")
    decide_appeal(appeal, uphold=True, reasons=REASONS, by=chair)
    sheets = ScoreSheet.objects.filter(submission=submission)
    assert sheets.count() == 3 and not sheets.filter(submitted_at__isnull=False).exists()
    assert Notification.objects.filter(event="rescoring_requested").count() == 3
    # The other bid's sheets stay locked.
    member = seat_of(published, cast.commission_member)
    criteria = list(published.criteria.order_by("position"))
    with pytest.raises(OutOfOrder):
        save_sheet(
            member,
            other_submission,
            entries={c.pk: Entry(1) for c in criteria},
            comment="",
            expected_version=ScoreSheet.objects.get(
                seat=member, submission=other_submission
            ).version,
            by=cast.commission_member,
        )
    # Not yet: the sheets are out.
    with pytest.raises(RescoringIncomplete):
        republish_results(published, by=chair)
    for user in (chair, secretary, cast.commission_member):
        score(seat_of(published, user), user, submission, [10, 10])
    response = english(chair).post(commission_url(published, "results/republish/"))
    assert response.status_code == 302
    corrected = BidResult.objects.get(submission=submission)
    assert (corrected.rank, str(corrected.score)) == (1, "100.00")
    evaluation = corrected.evaluation
    assert evaluation.edition == 2
    changes = {c.submission_id: c for c in ResultChange.objects.all()}
    assert changes[submission.pk].before["rank"] == 2 and changes[submission.pk].after["rank"] == 1
    assert changes[other_submission.pk].after["rank"] == 2
    appeal.refresh_from_db()
    assert appeal.resolved_at is not None
    public = english(None).get(f"/calls/{published.pk}/results/").content.decode()
    assert "Changes since the first publication" in public and REASONS in public
    assert "edition 2" in public


def test_only_the_chair_publishes_corrected_results(
    cast, english, published, appeal, secretary, chair
):
    decide_appeal(appeal, uphold=True, reasons=REASONS, by=chair)
    response = english(secretary).post(commission_url(published, "results/republish/"))
    assert response.status_code == 403
    assert english(chair).get(commission_url(published, "results/republish/")).status_code == 405


# --- finality --------------------------------------------------------------------------


def test_the_periodic_job_makes_the_call_final_once_the_window_is_over(published):
    assert finalize_due_calls() == 0  # the window is open
    with time_machine.travel(WINDOW_OVER, tick=False):
        assert finalize_due_calls() == 1
        assert finalize_due_calls() == 0  # running it twice changes nothing
    published.refresh_from_db()
    assert published.stage == Competition.Stage.FINAL
    assert AuditEvent.objects.filter(action="call.final").count() == 1


def test_an_open_appeal_holds_finality_until_it_is_decided(published, appeal, secretary):
    with time_machine.travel(WINDOW_OVER, tick=False):
        assert finalize_due_calls() == 0
        decide_appeal(appeal, uphold=False, reasons=REASONS, by=secretary)
    published.refresh_from_db()
    assert published.stage == Competition.Stage.FINAL


def test_an_upheld_appeal_holds_finality_until_the_corrected_results(
    cast, published, appeal, submission, chair, secretary
):
    with time_machine.travel(WINDOW_OVER, tick=False):
        decide_appeal(appeal, uphold=True, reasons=REASONS, by=chair)
        assert finalize_due_calls() == 0
        for user in (chair, secretary, cast.commission_member):
            score(seat_of(published, user), user, submission, [7, 7])
        republish_results(published, by=chair)
    published.refresh_from_db()
    assert published.stage == Competition.Stage.FINAL
