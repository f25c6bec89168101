"""From closed scoring to public results through the pages: closing the scoring, the
deliberation page, reductions, the vote on ties, the meeting and the chair's approval,
the public results page. 404 outside, 403 for a part too weak, 405 on GET, 409 out of
order (T20) and after publication (T23); comments of the sheets never reach a page the
applicant or the public reads (T9, T10); a constant number of queries at any size.

Scores by hand (criteria "Значимость" 60 and "Бюджет" 40, out of 10):
the first bid (8, 6) 72, (10, 5) 80, (8, 7) 76 → 76.00; the second bid (7, 6) 66,
(7, 7) 70, (6, 7) 64 → 200/3 → 66.67.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from applications.models import OrganizationMember
from audit.models import AuditEvent
from competitions.models import Competition
from evaluation.exceptions import OutOfOrder
from evaluation.models import BidResult, CallEvaluation, ScoreSheet
from evaluation.selectors import quorum_needed
from evaluation.services.declarations import sign_confidentiality
from evaluation.services.results import approve_results, close_scoring, save_meeting
from municipal_order.lib.money import format_som
from notifications.models import Notification
from tests.evaluation.conftest import (
    AFTER,
    admit_and_open_scoring,
    bid_url,
    commission_url,
    submit,
)
from tests.evaluation.scoring_helpers import close_and_publish, ready, score, score_all, seat_of
from tests.factories import OrganizationFactory, OrganizationMemberFactory

SECRET = "Внутреннее замечание комиссии: директор — родственник депутата"
MEETING_DAY = AFTER.date()


@pytest.fixture
def sheets(cast, chair, secretary, submission, other_submission):
    """Each seat's scores on the two bids (see the module's docstring)."""
    return {
        chair: {submission: [8, 6], other_submission: [7, 6]},
        secretary: {submission: [10, 5], other_submission: [7, 7]},
        cast.commission_member: {submission: [8, 7], other_submission: [6, 7]},
    }


def meet(call, chair, decisions="Утвердить."):
    """The chair records a meeting every seat attended, on the day scoring closed."""
    save_meeting(
        call,
        meeting_on=MEETING_DAY,
        place="",
        attendees=list(call.commission.all()),
        decisions=decisions,
        by=chair,
    )


@pytest.fixture
def scored(scoring, sheets):
    """The call in scoring with every sheet submitted (a secret in every comment)."""
    score_all(scoring, sheets, comment=SECRET)
    return scoring


@pytest.fixture
def closed(scored, secretary):
    """The scoring closed: the call in deliberation."""
    close_scoring(scored, by=secretary)
    scored.refresh_from_db()
    return scored


@pytest.fixture
def published(scored, chair, secretary):
    """Closed, the meeting recorded and the results approved: public."""
    close_and_publish(scored, chair, secretary)
    return scored


def result_of(submission) -> BidResult:
    return BidResult.objects.get(submission=submission)


def snapshot(call) -> list[tuple]:
    return list(
        BidResult.objects.filter(evaluation__competition=call)
        .order_by("pk")
        .values_list("pk", "score", "rank", "status", "awarded", "approved", "vote_position")
    )


def results_url(call) -> str:
    return f"/calls/{call.pk}/results/"


def meeting_data(seats, day=MEETING_DAY, decisions="Утвердить рейтинг."):
    return {
        "meeting_on": day.isoformat(),
        "place": "Зал айыл окмоту",
        "attendees": [s.pk for s in seats],
        "decisions": decisions,
    }


def sheet_data(criteria, values, version):
    data = {"comment": "", "version": str(version), "go": "save"}
    for c, v in zip(criteria, values, strict=True):
        data[f"score_{c.pk}"] = str(v)
        data[f"comment_{c.pk}"] = ""
    return data


# --- closing the scoring -------------------------------------------------------------


def test_the_secretary_closes_the_scoring_and_the_bids_are_ranked(
    english, scored, secretary, submission, other_submission
):
    client = english(secretary)
    response = client.post(commission_url(scored, "close-scoring/"), {"reason": ""})
    assert response.status_code == 302
    assert response["Location"] == commission_url(scored, "results/")
    scored.refresh_from_db()
    assert scored.stage == "deliberation"
    first, second = result_of(submission), result_of(other_submission)
    assert (first.score, first.rank, first.status, first.sheets_counted) == (
        Decimal("76.00"),
        1,
        "selected",
        3,
    )
    assert (second.score, second.rank, second.status) == (Decimal("66.67"), 2, "selected")
    assert first.awarded == second.awarded == Decimal("450000")
    evaluation = CallEvaluation.objects.get(competition=scored)
    assert evaluation.selected_total == Decimal("900000")
    assert evaluation.budget == Decimal("1000000")
    assert evaluation.override_reason == "" and evaluation.missing == []
    event = AuditEvent.objects.get(action="call.scoring_closed")
    assert event.after["stage"] == "deliberation"


@pytest.mark.parametrize(("who", "status"), [("member", 403), ("officer_a", 403)])
def test_only_the_secretary_or_the_chair_closes_the_scoring(cast, english, scored, who, status):
    user = cast.commission_member if who == "member" else getattr(cast, who)
    response = english(user).post(commission_url(scored, "close-scoring/"), {"reason": "x"})
    assert response.status_code == status
    scored.refresh_from_db()
    assert scored.stage == "scoring" and not CallEvaluation.objects.exists()


def test_an_outsider_closing_the_scoring_gets_404(cast, english, scored):
    response = english(cast.officer_b).post(commission_url(scored, "close-scoring/"), {})
    assert response.status_code == 404
    assert not CallEvaluation.objects.exists()


def test_closing_the_scoring_by_get_is_405(english, scored, secretary):
    assert english(secretary).get(commission_url(scored, "close-scoring/")).status_code == 405
    assert not CallEvaluation.objects.exists()


@pytest.fixture
def member_missing(cast, scoring, sheets, submission, other_submission):
    """Chair and secretary have scored both bids; the ordinary member signed and
    declared no conflict, but submitted nothing."""
    score_all(scoring, {u: v for u, v in sheets.items() if u != cast.commission_member})
    member = cast.commission_member
    ready(seat_of(scoring, member), member, [submission, other_submission])
    return scoring


def test_closing_with_sheets_missing_needs_a_reason(english, member_missing, secretary):
    client = english(secretary)
    response = client.post(commission_url(member_missing, "close-scoring/"), {"reason": " "})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Sheets are missing or a bid lacks a quorum: give the reason to close now." in page
    assert "2 score sheets are not submitted." in page
    member_missing.refresh_from_db()
    assert member_missing.stage == "scoring"
    assert not CallEvaluation.objects.exists() and not BidResult.objects.exists()
    assert not AuditEvent.objects.filter(action="call.scoring_closed").exists()


def test_closing_with_a_reason_records_the_reason_and_what_was_missing(
    cast, english, member_missing, secretary, submission, other_submission
):
    client = english(secretary)
    reason = "Член комиссии заболел; решение на заседании."
    response = client.post(commission_url(member_missing, "close-scoring/"), {"reason": reason})
    assert response.status_code == 302
    member_missing.refresh_from_db()
    assert member_missing.stage == "deliberation"
    evaluation = CallEvaluation.objects.get(competition=member_missing)
    assert evaluation.override_reason == reason
    seat = seat_of(member_missing, cast.commission_member).pk
    assert sorted(evaluation.missing, key=lambda m: m["receipt"]) == sorted(
        [
            {"seat": seat, "receipt": submission.receipt_number},
            {"seat": seat, "receipt": other_submission.receipt_number},
        ],
        key=lambda m: m["receipt"],
    )
    # Two sheets counted: (72 + 80) / 2 and (66 + 70) / 2.
    assert (result_of(submission).score, result_of(submission).sheets_counted) == (
        Decimal("76.00"),
        2,
    )
    assert result_of(other_submission).score == Decimal("68.00")
    event = AuditEvent.objects.get(action="call.scoring_closed")
    assert event.after["override_reason"] == reason
    assert len(event.after["missing"]) == 2


# --- the deliberation page -----------------------------------------------------------


@pytest.mark.parametrize("who", ["chair", "secretary", "member"])
def test_every_seat_reads_the_ranking(
    cast, english, closed, chair, secretary, who, submission, other_submission
):
    user = {"chair": chair, "secretary": secretary, "member": cast.commission_member}[who]
    response = english(user).get(commission_url(closed, "results/"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ranking and selection" in page
    assert page.index("ОФ «Көмөк»") < page.index("ОО «Экинчи»")
    assert "76.00" in page and "66.67" in page
    # The consolidated sheet: each member's total.
    assert "72.00" in page and "80.00" in page and "64.00" in page
    # Only the leads edit; the ordinary member reads.
    assert ("Reduce the amount" in page) is (who != "member")
    assert ("Approve and publish the results" in page) is (who == "chair")


def test_the_deliberation_page_is_the_commission_s_own(cast, english, closed):
    assert english(cast.officer_a).get(commission_url(closed, "results/")).status_code == 403
    assert english(cast.officer_b).get(commission_url(closed, "results/")).status_code == 404
    assert english(cast.ngo_member).get(commission_url(closed, "results/")).status_code == 404


def test_the_deliberation_page_does_not_exist_before_closing(english, scored, chair):
    assert english(chair).get(commission_url(scored, "results/")).status_code == 404


# --- reductions ----------------------------------------------------------------------


@pytest.fixture
def tight(scored, secretary):
    """Closed with a budget of 800 000: the second bid (450 000) waits in the reserve."""
    Competition.objects.filter(pk=scored.pk).update(total_budget=Decimal("800000"))
    scored.refresh_from_db()
    close_scoring(scored, by=secretary)
    scored.refresh_from_db()
    return scored


def reduce_url(call, result) -> str:
    return commission_url(call, f"results/reduce/{result.pk}/")


def reduction(result, amount, reason="Смета завышена по аренде."):
    return {f"r{result.pk}-amount": str(amount), f"r{result.pk}-reason": reason}


@pytest.mark.parametrize("who", ["chair", "secretary"])
def test_a_reduction_lets_the_reserve_bid_in(
    english, tight, chair, secretary, who, submission, other_submission
):
    second = result_of(other_submission)
    assert (second.status, second.reserve_position, second.awarded) == ("reserve", 1, None)
    assert CallEvaluation.objects.get().selected_total == Decimal("450000")
    client = english(chair if who == "chair" else secretary)
    response = client.post(reduce_url(tight, second), reduction(second, "350000"))
    assert response.status_code == 302
    assert response["Location"] == commission_url(tight, "results/")
    second.refresh_from_db()
    assert (second.status, second.approved, second.awarded) == (
        "selected",
        Decimal("350000"),
        Decimal("350000"),
    )
    assert second.reduction_reason == "Смета завышена по аренде."
    assert result_of(submission).awarded == Decimal("450000")
    evaluation = CallEvaluation.objects.get()
    assert evaluation.selected_total == Decimal("800000") == evaluation.budget
    assert AuditEvent.objects.filter(action="bid.amount_reduced").count() == 1
    # Restoring the request (amount left empty) puts it back in the reserve.
    response = client.post(reduce_url(tight, second), reduction(second, "", ""))
    assert response.status_code == 302
    second.refresh_from_db()
    assert (second.status, second.approved, second.awarded) == ("reserve", None, None)
    assert CallEvaluation.objects.get().selected_total == Decimal("450000")


def test_a_reduction_above_the_request_is_refused(english, tight, chair, other_submission):
    second = result_of(other_submission)
    before = snapshot(tight)
    response = english(chair).post(reduce_url(tight, second), reduction(second, "450000.01"))
    assert response.status_code == 400
    assert "The reduced amount must be above zero and at most" in response.content.decode()
    assert snapshot(tight) == before
    assert CallEvaluation.objects.get().selected_total == Decimal("450000")
    assert not AuditEvent.objects.filter(action="bid.amount_reduced").exists()


def test_a_reduction_without_a_reason_is_refused(english, tight, chair, other_submission):
    second = result_of(other_submission)
    before = snapshot(tight)
    response = english(chair).post(reduce_url(tight, second), reduction(second, "350000", ""))
    assert response.status_code == 400
    assert snapshot(tight) == before


@pytest.mark.parametrize(("who", "status"), [("member", 403), ("officer_b", 404)])
def test_only_the_leads_reduce(cast, english, tight, other_submission, who, status):
    user = cast.commission_member if who == "member" else cast.officer_b
    second = result_of(other_submission)
    before = snapshot(tight)
    response = english(user).post(reduce_url(tight, second), reduction(second, "350000"))
    assert response.status_code == status
    assert snapshot(tight) == before


def test_reducing_by_get_is_405(english, tight, chair, other_submission):
    second = result_of(other_submission)
    assert english(chair).get(reduce_url(tight, second)).status_code == 405


# --- the meeting and the approval ----------------------------------------------------


def approve(client, call):
    return client.post(commission_url(call, "results/approve/"))


def test_approving_without_the_meeting_is_refused(english, closed, chair):
    response = approve(english(chair), closed)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Record the commission&#x27;s meeting: date, members present, decisions." in page
    closed.refresh_from_db()
    assert closed.stage == "deliberation" and closed.results_published_at is None


def test_a_meeting_short_of_the_quorum_does_not_approve(english, closed, chair, secretary):
    seats = list(closed.commission.order_by("role", "pk"))
    assert quorum_needed(closed, len(seats)) == 3  # 67 % of 3, rounded up
    client = english(secretary)
    response = client.post(
        commission_url(closed, "results/meeting/"), meeting_data([s for s in seats][:2])
    )
    assert response.status_code == 302
    evaluation = CallEvaluation.objects.get()
    assert evaluation.meeting_on == MEETING_DAY and evaluation.attendees.count() == 2
    assert AuditEvent.objects.filter(action="call.meeting_recorded").count() == 1
    response = approve(english(chair), closed)
    assert response.status_code == 400
    assert "The meeting had 2 of 3 members; the quorum is 3." in response.content.decode()
    closed.refresh_from_db()
    assert closed.stage == "deliberation"


def test_the_chair_approves_after_a_full_meeting_and_every_applicant_hears(
    cast, english, closed, chair, other_submission
):
    other_member = OrganizationMemberFactory(
        organization=other_submission.bid.organization, role=OrganizationMember.Role.EDITOR
    ).user
    client = english(chair)
    response = client.post(
        commission_url(closed, "results/meeting/"), meeting_data(closed.commission.all())
    )
    assert response.status_code == 302
    response = approve(client, closed)
    assert response.status_code == 302
    assert response["Location"] == results_url(closed)
    closed.refresh_from_db()
    assert closed.stage == "results" and closed.results_published_at == AFTER
    evaluation = CallEvaluation.objects.get()
    assert evaluation.edition == 1 and evaluation.approved_by == chair
    notified = Notification.objects.filter(event="results_published")
    assert sorted(n.user_id for n in notified) == sorted([cast.ngo_member.pk, other_member.pk])
    assert AuditEvent.objects.filter(action="call.results_published").count() == 1


def test_the_secretary_does_not_approve(english, closed, chair, secretary):
    meet(closed, chair)
    assert approve(english(secretary), closed).status_code == 403
    closed.refresh_from_db()
    assert closed.stage == "deliberation"
    assert not Notification.objects.filter(event="results_published").exists()


def test_approving_and_recording_the_meeting_by_get_is_405(english, closed, chair):
    client = english(chair)
    assert client.get(commission_url(closed, "results/approve/")).status_code == 405
    assert client.get(commission_url(closed, "results/meeting/")).status_code == 405
    assert client.get(commission_url(closed, "results/vote/")).status_code == 405


def test_an_ordinary_member_keeps_no_meeting_record(cast, english, closed):
    response = english(cast.commission_member).post(
        commission_url(closed, "results/meeting/"), meeting_data(closed.commission.all())
    )
    assert response.status_code == 403
    assert CallEvaluation.objects.get().meeting_on is None


# --- T20: out of order ----------------------------------------------------------------


def test_t20_closing_the_scoring_during_admission_is_409(english, call, secretary, submission):
    sign_confidentiality(seat_of(call, secretary), by=secretary)
    response = english(secretary).post(
        commission_url(call, "close-scoring/"), {"reason": "Закрыть сейчас."}
    )
    assert response.status_code == 409
    call.refresh_from_db()
    assert call.stage == "" and not CallEvaluation.objects.exists()


def test_t20_approving_during_scoring_is_404_on_the_page_and_out_of_order_in_the_service(
    english, scored, chair
):
    assert approve(english(chair), scored).status_code == 404
    with pytest.raises(OutOfOrder):
        approve_results(scored, by=chair)
    scored.refresh_from_db()
    assert scored.stage == "scoring" and scored.results_published_at is None


def test_t20_a_sheet_saved_after_closing_is_409(
    cast, english, member_missing, secretary, submission
):
    close_scoring(member_missing, override_reason="Закрыть.", by=secretary)
    criteria = list(member_missing.criteria.order_by("position", "pk"))
    client = english(cast.commission_member)
    response = client.post(bid_url(submission, "score/"), sheet_data(criteria, [9, 9], 0))
    assert response.status_code == 409
    assert not ScoreSheet.objects.filter(
        seat=seat_of(member_missing, cast.commission_member)
    ).exists()
    assert result_of(submission).score == Decimal("76.00")


# --- T23: nothing changes after publication -------------------------------------------


def test_t23_after_publication_nothing_of_the_results_changes(
    cast, english, published, chair, secretary, submission
):
    before = snapshot(published)
    evaluation_before = CallEvaluation.objects.values().get()
    first = result_of(submission)
    criteria = list(published.criteria.order_by("position", "pk"))
    chair_client = english(chair)
    refused = {
        "reduce": chair_client.post(reduce_url(published, first), reduction(first, "100000")),
        "meeting": chair_client.post(
            commission_url(published, "results/meeting/"),
            meeting_data(published.commission.all(), decisions="Другое решение."),
        ),
        "vote": chair_client.post(
            commission_url(published, "results/vote/"), {f"position_{first.pk}": "1"}
        ),
        "approve": approve(chair_client, published),
        "close": english(secretary).post(commission_url(published, "close-scoring/"), {}),
        "score": english(cast.commission_member).post(
            bid_url(submission, "score/"), sheet_data(criteria, [1, 1], 2)
        ),
    }
    assert {k: r.status_code for k, r in refused.items()} == dict.fromkeys(refused, 409)
    assert snapshot(published) == before
    assert CallEvaluation.objects.values().get() == evaluation_before
    assert Notification.objects.filter(event="results_published").count() == 1
    published.refresh_from_db()
    assert published.stage == "results"


# --- the public results page ---------------------------------------------------------


def test_the_results_are_not_public_before_publication(
    cast, english, closed, scored, chair, secretary
):
    for user in (None, cast.ngo_member, cast.officer_a):
        assert english(user).get(results_url(closed)).status_code == 404
    # Recorded meeting, not yet approved: still nothing.
    meet(closed, chair)
    assert english(None).get(results_url(closed)).status_code == 404


def test_the_results_are_not_public_during_scoring(english, scored):
    assert english(None).get(results_url(scored)).status_code == 404


@pytest.mark.parametrize("members", [False, True])
def test_the_public_results_page(english, published, members, chair):
    Competition.objects.filter(pk=published.pk).update(publish_member_scores=members)
    response = english(None).get(results_url(published))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.index("ОФ «Көмөк»") < page.index("ОО «Экинчи»")
    assert "76.00" in page and "66.67" in page
    assert page.count(format_som(Decimal("450000"))) >= 2  # requested and awarded
    assert format_som(Decimal("900000")) in page
    # Each member's totals and names only when the call publishes them.
    for shown in ("Scores of each member", "72.00", "80.00", chair.full_name):
        assert (shown in page) is members
    assert SECRET not in page


def test_t9_t10_the_comments_never_reach_the_applicant_or_the_public(
    cast, english, scored, chair, secretary, submission
):
    pages = {
        "results": results_url(scored),
        "call": f"/calls/{scored.pk}/",
        "bid": f"/bids/{submission.bid_id}/",
    }

    def read(user, name):
        response = english(user).get(pages[name])
        return response.status_code, response.content.decode()

    # During scoring: no score at all on the applicant's page, nor on the call's.
    status, page = read(cast.ngo_member, "bid")
    assert status == 200
    assert "The commission is scoring the bid. Its scores are published with the results." in page
    for text in (SECRET, "72.00", "80.00", "76.00"):
        assert text not in page
    status, page = read(None, "call")
    assert status == 200 and SECRET not in page and "76.00" not in page
    # Deliberation: still nothing.
    close_scoring(scored, by=secretary)
    for user, name in ((cast.ngo_member, "bid"), (None, "call"), (cast.ngo_member, "call")):
        status, page = read(user, name)
        assert status == 200 and SECRET not in page and "76.00" not in page
    # Published, member totals included: the scores, never a comment.
    Competition.objects.filter(pk=scored.pk).update(publish_member_scores=True)
    meet(scored, chair)
    approve_results(scored, by=chair)
    for user, name in (
        (None, "results"),
        (None, "call"),
        (cast.ngo_member, "results"),
        (cast.ngo_member, "call"),
        (cast.ngo_member, "bid"),
    ):
        status, page = read(user, name)
        assert status == 200 and SECRET not in page, name
    status, page = read(cast.ngo_member, "bid")
    assert "76.00" in page
    assert "76.00" in read(None, "results")[1]


# --- the vote on tied bids -----------------------------------------------------------


@pytest.fixture
def tie(cast, chair, secretary, scoring, submission, other_submission):
    """Both bids score the same (tie-break "vote"); 800 000 funds only the first."""
    assert scoring.tie_break == Competition.TieBreak.COMMISSION_VOTE
    Competition.objects.filter(pk=scoring.pk).update(total_budget=Decimal("800000"))
    scoring.refresh_from_db()
    same = {submission: [7, 7], other_submission: [7, 7]}
    score_all(scoring, {chair: same, secretary: same, cast.commission_member: same})
    close_scoring(scoring, by=secretary)
    meet(scoring, chair, "Голосование по равным баллам.")
    scoring.refresh_from_db()
    return scoring


def test_tied_bids_wait_for_the_chair_s_vote(english, tie, chair, submission, other_submission):
    first, second = sorted(BidResult.objects.all(), key=lambda r: r.rank)
    assert first.tied and second.tied and first.score == second.score == Decimal("70.00")
    client = english(chair)
    response = approve(client, tie)
    assert response.status_code == 400
    assert "Record the commission&#x27;s vote on 1 group of tied bids." in response.content.decode()
    tie.refresh_from_db()
    assert tie.stage == "deliberation"
    # The commission votes the second-ranked bid first: it takes the money.
    response = client.post(
        commission_url(tie, "results/vote/"),
        {f"position_{second.pk}": "1", f"position_{first.pk}": "2"},
    )
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (second.rank, second.vote_position, second.status) == (1, 1, "selected")
    assert (first.rank, first.vote_position, first.status) == (2, 2, "reserve")
    assert AuditEvent.objects.filter(action="call.tie_vote_recorded").count() == 1
    assert approve(client, tie).status_code == 302
    tie.refresh_from_db()
    assert tie.stage == "results"


def test_a_vote_giving_two_bids_one_place_is_refused(english, tie, chair):
    first, second = BidResult.objects.all()
    response = english(chair).post(
        commission_url(tie, "results/vote/"),
        {f"position_{first.pk}": "1", f"position_{second.pk}": "1"},
    )
    assert response.status_code == 400
    assert "Give each tied bid a different place: 1, 2, 3…" in response.content.decode()
    assert not BidResult.objects.filter(vote_position__isnull=False).exists()


def test_the_secretary_does_not_record_the_vote(english, tie, secretary):
    first, second = BidResult.objects.all()
    response = english(secretary).post(
        commission_url(tie, "results/vote/"),
        {f"position_{first.pk}": "1", f"position_{second.pk}": "2"},
    )
    assert response.status_code == 403
    assert not BidResult.objects.filter(vote_position__isnull=False).exists()


# --- a constant number of queries -----------------------------------------------------


def many_bids(cast, call, chair, secretary, n):
    """`n` admitted bids scored alike by the three seats, each its own score (6a + 4b
    with b < 3 never repeats), the scoring closed and the meeting recorded."""
    submissions = [
        submit(call, OrganizationFactory(name_ru=f"ОО «Заявитель {i}»"), amount="100000")
        for i in range(n)
    ]
    admit_and_open_scoring(call, secretary, submissions)
    for user in (chair, secretary, cast.commission_member):
        seat = seat_of(call, user)
        ready(seat, user, submissions)
        for i, s in enumerate(submissions):
            score(seat, user, s, [i % 11, i // 11])
    close_scoring(call, by=secretary)
    meet(call, chair)


# Found at 30 bids (the same at 5): the deliberation page as the chair sees it with
# the edit forms, the public results page with every member's totals.
DELIBERATION_QUERIES = 29
RESULTS_QUERIES = 12  # with the protocol PDFs ready for download


@pytest.mark.parametrize("n", [5, 30])
def test_the_deliberation_and_results_pages_take_a_fixed_number_of_queries(
    cast, english, call, chair, secretary, n, django_assert_max_num_queries
):
    Competition.objects.filter(pk=call.pk).update(publish_member_scores=True)
    call.refresh_from_db()
    many_bids(cast, call, chair, secretary, n)
    assert BidResult.objects.filter(score__isnull=False).count() == n
    client = english(chair)
    with django_assert_max_num_queries(DELIBERATION_QUERIES):
        response = client.get(commission_url(call, "results/"))
    assert response.status_code == 200 and "ОО «Заявитель 0»" in response.content.decode()
    approve_results(call, by=chair)
    anonymous = english(None)
    with django_assert_max_num_queries(RESULTS_QUERIES):
        response = anonymous.get(results_url(call))
    assert response.status_code == 200 and "Scores of each member" in response.content.decode()
