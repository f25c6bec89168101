"""A commission member's score sheet: drafts autosaved with optimistic locking, a
submission that locks it, independence from the other members (T8), comments that
never leave the commission (T9, T10), and the usual 404 / 403 / 405 / 409."""

from __future__ import annotations

import json

import pytest
from django.utils import translation

from audit.models import AuditEvent
from competitions.models import CommissionMember
from evaluation.exceptions import EvaluationError, OutOfOrder
from evaluation.models import ScoreSheet
from evaluation.services.declarations import declare_conflict, sign_confidentiality
from evaluation.services.sheets import (
    Entry,
    SheetConflict,
    SheetSubmitted,
    save_sheet,
    submit_sheet,
)
from tests.evaluation.conftest import bid_url, commission_url

SECRET_COMMENT = "Внутренняя заметка: бюджет на транспорт завышен."


def seat_of(call, user) -> CommissionMember:
    return CommissionMember.objects.get(competition=call, user=user)


def ready(call, user, submissions):
    """The member signed and declared no conflict on each of `submissions`."""
    seat = seat_of(call, user)
    sign_confidentiality(seat, by=user)
    for s in submissions:
        declare_conflict(seat, s, has_conflict=False, by=user)
    return seat


def entries(call, values, comment=""):
    criteria = list(call.criteria.order_by("position", "pk"))
    return {c.pk: Entry(v, comment) for c, v in zip(criteria, values, strict=True)}


def score(call, seat, user, submission, values, comment=""):
    sheet = save_sheet(
        seat,
        submission,
        entries=entries(call, values, comment),
        comment="",
        expected_version=ScoreSheet.objects.filter(seat=seat, submission=submission)
        .values_list("version", flat=True)
        .first()
        or 0,
        by=user,
    )
    return submit_sheet(seat, submission, expected_version=sheet.version, by=user)


def form_data(call, values, *, version=0, comment="", go=None):
    data = {"version": version, "comment": comment}
    for c, v in zip(call.criteria.order_by("position", "pk"), values, strict=True):
        data[f"score_{c.pk}"] = "" if v is None else v
        data[f"comment_{c.pk}"] = comment
    if go:
        data["go"] = go
    return data


@pytest.fixture
def mine(cast, scoring, submission, other_submission):
    """The ordinary member, ready to score both bids."""
    return ready(scoring, cast.commission_member, [submission, other_submission])


# --- the service -----------------------------------------------------------------------


def test_a_draft_keeps_empty_scores_and_each_save_is_a_new_audited_version(
    cast, scoring, mine, submission
):
    user = cast.commission_member
    sheet = save_sheet(
        mine,
        submission,
        entries=entries(scoring, [7, None]),
        comment="",
        expected_version=0,
        by=user,
    )
    assert sheet.version == 1 and not sheet.is_submitted
    assert [s.value for s in sheet.scores.order_by("criterion__position")] == [7, None]
    sheet = save_sheet(
        mine,
        submission,
        entries=entries(scoring, [7, 4]),
        comment="ok",
        expected_version=1,
        by=user,
    )
    assert sheet.version == 2
    assert AuditEvent.objects.filter(action="bid.score_sheet_saved").count() == 2


def test_a_stale_save_is_refused_and_saves_nothing(cast, scoring, mine, submission):
    user = cast.commission_member
    save_sheet(
        mine, submission, entries=entries(scoring, [7, 4]), comment="", expected_version=0, by=user
    )
    with pytest.raises(SheetConflict) as caught:
        save_sheet(
            mine,
            submission,
            entries=entries(scoring, [1, 1]),
            comment="",
            expected_version=0,
            by=user,
        )
    assert caught.value.version == 1
    sheet = ScoreSheet.objects.get(seat=mine, submission=submission)
    assert [s.value for s in sheet.scores.order_by("criterion__position")] == [7, 4]


def test_a_score_above_the_maximum_is_refused(cast, scoring, mine, submission):
    with translation.override("en"), pytest.raises(EvaluationError, match="from 0 to 10"):
        save_sheet(
            mine,
            submission,
            entries=entries(scoring, [11, 4]),
            comment="",
            expected_version=0,
            by=cast.commission_member,
        )
    assert not ScoreSheet.objects.exists()


def test_submitting_needs_every_criterion_then_locks_the_sheet(cast, scoring, mine, submission):
    user = cast.commission_member
    sheet = save_sheet(
        mine,
        submission,
        entries=entries(scoring, [7, None]),
        comment="",
        expected_version=0,
        by=user,
    )
    with translation.override("en"), pytest.raises(EvaluationError, match="Score every criterion"):
        submit_sheet(mine, submission, expected_version=sheet.version, by=user)
    sheet = score(scoring, mine, user, submission, [7, 4])
    assert sheet.is_submitted
    event = AuditEvent.objects.get(action="bid.score_sheet_submitted")
    assert sorted(event.after["scores"].values()) == [4, 7]
    with pytest.raises(SheetSubmitted):
        save_sheet(
            mine,
            submission,
            entries=entries(scoring, [1, 1]),
            comment="",
            expected_version=sheet.version,
            by=user,
        )
    # Submitting again changes nothing.
    assert submit_sheet(mine, submission, expected_version=sheet.version, by=user).submitted_at == (
        sheet.submitted_at
    )


def test_nobody_fills_in_another_member_s_sheet(cast, scoring, mine, submission, chair):
    with pytest.raises(EvaluationError):
        save_sheet(
            mine,
            submission,
            entries=entries(scoring, [7, 4]),
            comment="",
            expected_version=0,
            by=chair,
        )
    assert not ScoreSheet.objects.exists()


def test_t6_a_recused_member_has_no_sheet(cast, scoring, submission, other_submission):
    user = cast.commission_member
    seat = ready(scoring, user, [other_submission])
    declare_conflict(seat, submission, has_conflict=True, statement="Брат — директор.", by=user)
    with pytest.raises(EvaluationError):
        save_sheet(
            seat,
            submission,
            entries=entries(scoring, [7, 4]),
            comment="",
            expected_version=0,
            by=user,
        )
    assert not ScoreSheet.objects.exists()


def test_a_sheet_waits_for_the_declaration_on_the_bid(cast, scoring, submission):
    user = cast.commission_member
    seat = seat_of(scoring, user)
    sign_confidentiality(seat, by=user)
    with pytest.raises(OutOfOrder):
        save_sheet(
            seat,
            submission,
            entries=entries(scoring, [7, 4]),
            comment="",
            expected_version=0,
            by=user,
        )


# --- the page and its autosave ---------------------------------------------------------


def test_the_bid_page_holds_the_sheet_once_no_conflict_is_declared(
    cast, english, scoring, mine, submission
):
    page = english(cast.commission_member).get(bid_url(submission)).content.decode()
    assert 'id="sheet-form"' in page and "data-autosave" in page
    assert "Значимость" in page and "Weight 60%" in page


def test_autosave_answers_in_json_and_a_second_tab_gets_the_conflict_panel(
    cast, english, scoring, mine, submission
):
    client = english(cast.commission_member)
    url = bid_url(submission, "score/")
    response = client.post(url, form_data(scoring, [7, None]), HTTP_X_AUTOSAVE="1")
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["saved"] is True and body["version"] == 1
    # The other tab still has version 0.
    response = client.post(url, form_data(scoring, [2, 2]), HTTP_X_AUTOSAVE="1")
    assert response.status_code == 409
    body = json.loads(response.content)
    assert body["conflict"] is True and "NOT saved" in body["html"]
    sheet = ScoreSheet.objects.get(seat=mine, submission=submission)
    assert [s.value for s in sheet.scores.order_by("criterion__position")] == [7, None]


def test_keep_my_version_needs_the_box_then_overwrites(cast, english, scoring, mine, submission):
    client = english(cast.commission_member)
    client.post(bid_url(submission, "score/"), form_data(scoring, [7, 3]))
    resolve = bid_url(submission, "score/resolve/")
    data = {**form_data(scoring, [2, 2]), "resolve": "mine", "conflict_version": 1}
    response = client.post(resolve, data)
    assert response.status_code == 409
    assert "Tick the box" in response.content.decode()
    response = client.post(resolve, {**data, "confirm_overwrite": "on"})
    assert response.status_code == 302
    sheet = ScoreSheet.objects.get(seat=mine, submission=submission)
    assert [s.value for s in sheet.scores.order_by("criterion__position")] == [2, 2]
    assert AuditEvent.objects.filter(
        action="bid.score_sheet_saved", after__resolved_conflict="mine"
    ).exists()


def test_submitting_from_the_page_with_a_missing_score_keeps_the_typing(
    cast, english, scoring, mine, submission
):
    client = english(cast.commission_member)
    response = client.post(
        bid_url(submission, "score/"),
        form_data(scoring, [7, None], comment="Черновик", go="submit"),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Score this criterion." in page and "Черновик" in page
    assert not ScoreSheet.objects.filter(submitted_at__isnull=False).exists()


def test_submitting_from_the_page_locks_the_sheet(cast, english, scoring, mine, submission):
    client = english(cast.commission_member)
    response = client.post(bid_url(submission, "score/"), form_data(scoring, [7, 4], go="submit"))
    assert response.status_code == 302 and response["Location"] == commission_url(scoring)
    page = client.get(bid_url(submission)).content.decode()
    assert 'id="sheet-form"' not in page and "weighted total" in page and "58.00" in page


@pytest.mark.parametrize(
    ("who", "status"), [("officer_a", 403), ("officer_b", 404), ("ngo_member", 404)]
)
def test_outsiders_and_officers_cannot_score(cast, english, scoring, mine, submission, who, status):
    response = english(getattr(cast, who)).post(
        bid_url(submission, "score/"), form_data(scoring, [7, 4])
    )
    assert response.status_code == status
    assert not ScoreSheet.objects.exists()


def test_a_recused_member_posting_a_sheet_gets_403(
    cast, english, scoring, submission, other_submission
):
    user = cast.commission_member
    seat = ready(scoring, user, [other_submission])
    declare_conflict(seat, submission, has_conflict=True, statement="Брат — директор.", by=user)
    response = english(user).post(bid_url(submission, "score/"), form_data(scoring, [7, 4]))
    assert response.status_code == 403
    assert not ScoreSheet.objects.exists()


def test_the_sheet_is_posted_never_got(cast, english, scoring, mine, submission):
    client = english(cast.commission_member)
    assert client.get(bid_url(submission, "score/")).status_code == 405
    assert client.get(bid_url(submission, "score/resolve/")).status_code == 405


# --- T8: independence ------------------------------------------------------------------


def test_t8_a_member_sees_nothing_of_a_peer_s_sheet_before_submitting_their_own(
    cast, english, scoring, mine, submission, chair
):
    chair_seat = ready(scoring, chair, [submission])
    score(scoring, chair_seat, chair, submission, [9, 9], comment=SECRET_COMMENT)
    client = english(cast.commission_member)
    response = client.get(bid_url(submission))
    page = response.content.decode()
    assert response.context["peers"] is None
    assert SECRET_COMMENT not in page and "Other members' sheets" not in page
    assert "Chair ·" not in page and "90.00" not in page
    # Submitting one's own opens the peers' sheets.
    score(scoring, mine, cast.commission_member, submission, [5, 5])
    response = client.get(bid_url(submission))
    page = response.content.decode()
    assert [p["total"] for p in response.context["peers"]] == [pytest.approx(90)]
    assert SECRET_COMMENT in page and "Other members' sheets" in page


def test_t8_the_secretary_sees_who_submitted_never_the_values(
    cast, english, scoring, mine, submission, secretary
):
    score(scoring, mine, cast.commission_member, submission, [3, 9], comment=SECRET_COMMENT)
    ready(scoring, secretary, [])
    response = english(secretary).get(commission_url(scoring))
    page = response.content.decode()
    assert "Scoring progress" in page
    progress = response.context["progress"]
    row = next(r for r in progress if r["submission"].pk == submission.pk)
    assert row["done"] == 1 and row["expected"] == 3
    assert SECRET_COMMENT not in page and "54.00" not in page


def test_t8_a_draft_is_invisible_even_after_the_peer_submitted(
    cast, english, scoring, mine, submission, chair
):
    chair_seat = ready(scoring, chair, [submission])
    score(scoring, chair_seat, chair, submission, [9, 9])
    save_sheet(
        mine,
        submission,
        entries=entries(scoring, [1, 1], SECRET_COMMENT),
        comment="",
        expected_version=0,
        by=cast.commission_member,
    )
    page = english(chair).get(bid_url(submission)).content.decode()
    assert SECRET_COMMENT not in page
    assert "No other member has submitted a sheet on this bid yet." in page


# --- T9, T10: the applicant never reads the commission's notes ---------------------------


def test_t9_t10_an_edited_comment_stays_internal_and_an_admission_note_stays_visible(
    cast, english, scoring, mine, submission
):
    from evaluation.models import Admission

    user = cast.commission_member
    save_sheet(
        mine,
        submission,
        entries=entries(scoring, [5, 5], "first"),
        comment="",
        expected_version=0,
        by=user,
    )
    save_sheet(
        mine,
        submission,
        entries=entries(scoring, [5, 5], SECRET_COMMENT),
        comment=SECRET_COMMENT,
        expected_version=1,
        by=user,
    )
    submit_sheet(mine, submission, expected_version=2, by=user)
    # The admission note is the applicant's to read, before and after an edit.
    admission = Admission.objects.get(submission=submission)
    admission.note = "Пояснение для заявителя"
    admission.save(update_fields=["note"])
    ngo = english(cast.ngo_member)
    page = ngo.get(f"/bids/{submission.bid_id}/").content.decode()
    assert SECRET_COMMENT not in page and "first" not in page
    assert "Пояснение для заявителя" in page
    assert "The commission is scoring the bid." in page
    assert "58.00" not in page and "50.00" not in page
    public = english(None).get(f"/calls/{scoring.pk}/").content.decode()
    assert SECRET_COMMENT not in public
