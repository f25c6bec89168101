"""The evaluation's PDF documents: the commission's protocol, the consolidated score
sheet, a member's score sheet and the notice of a bid's result. Who may ask for each
(302 to the document's page, 403, 404) before and after publication, that each is a
real PDF, what the protocol says (ranks, scores, the selected sum as the portal writes
money, Kyrgyz from the data), and a constant number of queries at any size.

Scores by hand (criteria "Значимость" 60 and "Бюджет" 40, out of 10):
the organisation's bid (9, 8) 86, (8, 8) 80, (9, 7) 82 → 248/3 → 82.67, rank 1;
the second bid (7, 6) 66, (7, 7) 70, (6, 7) 64 → 200/3 → 66.67, rank 2;
the third bid (3, 3) 30, (4, 3) 36 → 33.00, below the threshold of 60, the ordinary
member recused from it (a conflict found after reading it), so closing needs a reason.
The budget is 1 000 000; the two first bids ask 450 000 each: 900 000 selected.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.utils import timezone, translation

from audit.models import object_type_of
from competitions.models import Competition
from documents.models import GeneratedDocument
from documents.registry import get_kind
from documents.services import render_and_store, request_document
from evaluation.models import (
    BidResult,
    CallEvaluation,
    ConflictDeclaration,
    ResultChange,
    Score,
    ScoreSheet,
)
from evaluation.services.declarations import declare_conflict
from evaluation.services.results import approve_results, close_scoring, save_meeting
from evaluation.services.sheets import Entry, save_sheet
from municipal_order.lib.money import format_som
from tests.documents.conftest import pdf_text
from tests.evaluation.conftest import AFTER, admit_and_open_scoring, make_admission_call, submit
from tests.evaluation.scoring_helpers import ready, score_all, seat_of
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

OVERRIDE = "Член комиссии заявил о конфликте интересов по третьей заявке."
STATEMENT = "Супруга — учредитель организации."


@pytest.fixture
def third(cast, call):
    organization = OrganizationFactory(name_ru="ОО «Развитие»", name_ky="«Өнүгүү» коому")
    return submit(call, organization, title="Третий проект", amount="300000")


@pytest.fixture
def scored(cast, call, chair, secretary, submission, other_submission, third):
    """The call in scoring, every sheet in; the ordinary member recused from the third bid."""
    admit_and_open_scoring(call, secretary, [submission, other_submission, third])
    member = cast.commission_member
    score_all(
        call,
        {
            chair: {submission: [9, 8], other_submission: [7, 6], third: [3, 3]},
            secretary: {submission: [8, 8], other_submission: [7, 7], third: [4, 3]},
            member: {submission: [9, 7], other_submission: [6, 7]},
        },
        comment="Внутренний комментарий",
    )
    declare_conflict(
        seat_of(call, member), third, has_conflict=True, statement=STATEMENT, by=member
    )
    return call


@pytest.fixture
def closed(scored, secretary) -> CallEvaluation:
    """The scoring closed with a recorded reason: the call in deliberation."""
    evaluation = close_scoring(scored, override_reason=OVERRIDE, by=secretary)
    scored.refresh_from_db()
    return evaluation


@pytest.fixture
def published(closed, chair) -> CallEvaluation:
    call = closed.competition
    save_meeting(
        call,
        meeting_on=AFTER.date(),
        place="Зал заседаний айыл окмоту",
        attendees=list(call.commission.all()),
        decisions="Утвердить рейтинг и отбор заявок.",
        by=chair,
    )
    approve_results(call, by=chair)
    closed.refresh_from_db()
    return closed


def asks(client, kind: str, obj) -> int:
    """The status of asking for the document: 302 (to its page) when allowed."""
    return client.post(f"/documents/request/{kind}/{obj.pk}/", {"language": "ru"}).status_code


def public_status(client_for, kind: str, obj) -> int:
    """What an anonymous reader gets on an existing document's page (asking needs a login)."""
    doc = GeneratedDocument.objects.create(
        kind=kind,
        object_type=object_type_of(obj),
        object_id=str(obj.pk),
        language="ru",
        title="t",
        status=GeneratedDocument.Status.FAILED,  # no file needed to test the page
    )
    return client_for(None).get(f"/documents/{doc.pk}/").status_code


def statuses(client_for, people: dict, kind: str, obj) -> dict[str, int]:
    found = {name: asks(client_for(user), kind, obj) for name, user in people.items()}
    found["public"] = public_status(client_for, kind, obj)
    return found


@pytest.fixture
def people(cast, chair, secretary, outsider_seat):
    return {
        "ngo": cast.ngo_member,
        "officer": cast.officer_a,
        "other_officer": cast.officer_b,
        "member": cast.commission_member,
        "chair": chair,
        "secretary": secretary,
        "other_call_member": outsider_seat.user,
    }


def render(kind: str, obj, language: str, capture) -> bytes:
    with capture(execute=True):
        doc = request_document(kind, obj, language=language, by=None)
    doc.refresh_from_db()
    if doc.status == GeneratedDocument.Status.PENDING:
        # Publication queued this one (the protocol in ru and ky): render it here.
        render_and_store(doc.pk)
        doc.refresh_from_db()
    assert doc.status == GeneratedDocument.Status.READY, doc.error
    data = doc.file.read()
    assert data.startswith(b"%PDF")
    return data


def flat(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


# --- the protocol ----------------------------------------------------------------------


def test_the_protocol_is_internal_until_publication_then_public(client_for, people, closed):
    assert statuses(client_for, people, "evaluation-protocol", closed) == {
        "ngo": 404,
        "officer": 302,
        "other_officer": 404,
        "member": 302,
        "chair": 302,
        "secretary": 302,
        "other_call_member": 404,
        "public": 404,
    }


def test_the_published_protocol_is_everyone_s(client_for, people, published):
    assert set(statuses(client_for, people, "evaluation-protocol", published).values()) == {
        302,
        200,
    }
    assert public_status(client_for, "evaluation-protocol", published) == 200


def test_the_protocol_states_the_ranking_the_scores_and_the_money(
    published, django_capture_on_commit_callbacks
):
    text = flat(
        pdf_text(render("evaluation-protocol", published, "en", django_capture_on_commit_callbacks))
    )
    assert "Protocol of the competition commission" in text
    assert "82.67" in text and "66.67" in text and "33.00" in text
    ranking = text[text.index("Ranking") :]
    assert ranking.index("82.67") < ranking.index("66.67") < ranking.index("33.00")
    assert f"{flat(format_som(Decimal('900000')))} som" in text  # the selected sum
    assert f"{flat(format_som(Decimal('100000')))} som" in text  # what remains
    assert OVERRIDE in text
    assert STATEMENT in text
    assert "Commission member" in text and "Secretary" in text and "Chair" in text
    assert "the quorum was met" in text
    assert "Внутренний комментарий" not in text  # sheets' comments stay internal

    russian = flat(
        pdf_text(render("evaluation-protocol", published, "ru", django_capture_on_commit_callbacks))
    )
    assert "82,67" in russian  # the reader's decimal separator
    assert flat(format_som(Decimal("900000"))) in russian


def test_the_kyrgyz_protocol_speaks_kyrgyz(published, django_capture_on_commit_callbacks):
    text = pdf_text(
        render("evaluation-protocol", published, "ky", django_capture_on_commit_callbacks)
    )
    # From the data: the municipality's and the organisations' Kyrgyz names.
    assert "Аламүдүн айыл аймагы" in text
    assert "«Көмөк» КФ" in text
    assert "«Өнүгүү» коому" in text
    assert any(letter in text for letter in "өүң")


def test_a_corrected_edition_lists_its_changes(
    published, submission, django_capture_on_commit_callbacks
):
    CallEvaluation.objects.filter(pk=published.pk).update(edition=2)
    ResultChange.objects.create(
        evaluation=published,
        submission=submission,
        edition=2,
        before={"score": "82.67", "rank": 1, "status": "selected", "awarded": "450000"},
        after={"score": "80.00", "rank": 1, "status": "selected", "awarded": "450000"},
        reason="Апелляция удовлетворена: пересчёт.",
        created_at=timezone.now(),
    )
    published.refresh_from_db()
    text = flat(
        pdf_text(render("evaluation-protocol", published, "en", django_capture_on_commit_callbacks))
    )
    assert "Changes up to edition 2" in text
    assert "Апелляция удовлетворена: пересчёт." in text


# --- the consolidated score sheet --------------------------------------------------------


def test_the_consolidated_sheet_is_internal_unless_the_call_publishes_member_scores(
    client_for, people, closed
):
    expected_inside = {
        "ngo": 404,
        "officer": 302,
        "other_officer": 404,
        "member": 302,
        "chair": 302,
        "secretary": 302,
        "other_call_member": 404,
        "public": 404,
    }
    assert statuses(client_for, people, "evaluation-consolidated", closed) == expected_inside


def test_published_without_member_scores_the_consolidated_sheet_stays_internal(
    client_for, people, published
):
    assert not published.competition.publish_member_scores
    assert statuses(client_for, people, "evaluation-consolidated", published) == {
        "ngo": 404,
        "officer": 302,
        "other_officer": 404,
        "member": 302,
        "chair": 302,
        "secretary": 302,
        "other_call_member": 404,
        "public": 404,
    }


def test_published_with_member_scores_the_consolidated_sheet_is_public(
    client_for, people, published, django_capture_on_commit_callbacks
):
    Competition.objects.filter(pk=published.competition_id).update(publish_member_scores=True)
    assert set(statuses(client_for, people, "evaluation-consolidated", published).values()) == {
        302,
        200,
    }
    text = flat(
        pdf_text(
            render("evaluation-consolidated", published, "en", django_capture_on_commit_callbacks)
        )
    )
    assert "Consolidated score sheet" in text
    for total in ("86.00", "80.00", "82.00", "82.67", "66.67", "33.00"):
        assert total in text
    assert "recused" in text
    assert "Внутренний комментарий" not in text


# --- one member's score sheet ------------------------------------------------------------


def test_a_score_sheet_is_its_member_s_then_the_chair_s_and_secretary_s(
    client_for, people, scored, chair, secretary, submission, django_capture_on_commit_callbacks
):
    sheet = ScoreSheet.objects.get(seat=seat_of(scored, people["member"]), submission=submission)
    during = statuses(client_for, people, "evaluation-score-sheet", sheet)
    assert during == {
        "ngo": 404,
        "officer": 403,
        "other_officer": 404,
        "member": 302,
        "chair": 403,  # not before the scoring is closed (T8)
        "secretary": 403,
        "other_call_member": 404,
        "public": 404,
    }
    close_scoring(scored, override_reason=OVERRIDE, by=secretary)
    after = statuses(client_for, people, "evaluation-score-sheet", sheet)
    assert after == {**during, "chair": 302, "secretary": 302}

    text = flat(
        pdf_text(render("evaluation-score-sheet", sheet, "en", django_capture_on_commit_callbacks))
    )
    assert "Score sheet" in text and "82.00" in text  # (9, 7): 54 + 28
    assert "Внутренний комментарий" in text  # the member's own comments, internal
    bishkek = timezone.localtime(sheet.submitted_at, datetime.timezone(datetime.timedelta(hours=6)))
    assert bishkek.strftime("%d.%m.%Y %H:%M") in text


def test_a_draft_sheet_is_nobody_s_document(
    cast, client_for, call, secretary, submission, other_submission
):
    admit_and_open_scoring(call, secretary, [submission, other_submission])
    seat = seat_of(call, cast.commission_member)
    ready(seat, cast.commission_member, [submission])
    criteria = list(call.criteria.order_by("position", "pk"))
    draft = save_sheet(
        seat,
        submission,
        entries={c.pk: Entry(5, "") for c in criteria},
        comment="",
        expected_version=0,
        by=cast.commission_member,
    )
    assert not draft.is_submitted
    assert asks(client_for(cast.commission_member), "evaluation-score-sheet", draft) == 404


def test_a_published_score_sheet_is_still_never_public(client_for, people, published, submission):
    sheet = ScoreSheet.objects.filter(submission=submission, submitted_at__isnull=False).first()
    assert public_status(client_for, "evaluation-score-sheet", sheet) == 404
    assert asks(client_for(people["ngo"]), "evaluation-score-sheet", sheet) == 404


# --- the notice of a bid's result ----------------------------------------------------------


def test_the_notice_is_the_organisation_s_once_published(
    cast, client_for, people, closed, submission
):
    result = BidResult.objects.get(submission=submission)
    before = statuses(client_for, people, "evaluation-notice", result)
    assert set(before.values()) == {404}
    chair = people["chair"]
    save_meeting(
        closed.competition,
        meeting_on=AFTER.date(),
        place="",
        attendees=list(closed.competition.commission.all()),
        decisions="Утвердить.",
        by=chair,
    )
    approve_results(closed.competition, by=chair)
    people = {**people, "other_ngo": cast.other_ngo_member}
    assert statuses(client_for, people, "evaluation-notice", result) == {
        "ngo": 302,
        "officer": 302,
        "other_officer": 404,
        "member": 404,
        "chair": 404,
        "secretary": 404,
        "other_call_member": 404,
        "other_ngo": 404,
        "public": 404,
    }


def test_an_award_notice_and_a_rejection_notice(
    published, submission, third, django_capture_on_commit_callbacks
):
    award = BidResult.objects.get(submission=submission)
    assert award.status == BidResult.Status.SELECTED
    text = flat(
        pdf_text(render("evaluation-notice", award, "en", django_capture_on_commit_callbacks))
    )
    assert "Award notice" in text
    assert f"{flat(format_som(Decimal('450000')))} som" in text
    assert "agreement" in text
    assert "appeal" not in text

    rejection = BidResult.objects.get(submission=third)
    assert rejection.status == BidResult.Status.BELOW_THRESHOLD
    text = flat(
        pdf_text(render("evaluation-notice", rejection, "en", django_capture_on_commit_callbacks))
    )
    assert "not selected for funding" in text
    assert "33.00" in text and "3 of 3" in text and "60 / 100" in text
    call = published.competition
    last = call.appeal_deadline - datetime.timedelta(minutes=1)
    assert f"within {call.appeal_days} days" in text
    assert last.strftime("%d.%m.%Y 23:59") in text
    with translation.override("en"):
        titles = {get_kind("evaluation-notice").title(r) for r in (award, rejection)}
    assert len(titles) == 2


# --- queries ---------------------------------------------------------------------------------


def build_results(cast, chair, secretary, n: int) -> CallEvaluation:
    """A closed call of `n` bids written straight to the tables: results, a recusal and a
    change on every bid, two submitted sheets with scores on each."""
    call = make_admission_call(cast, chair, secretary)
    Competition.objects.filter(pk=call.pk).update(stage=Competition.Stage.DELIBERATION)
    seats = list(call.commission.order_by("pk"))
    criteria = list(call.criteria.order_by("position", "pk"))
    evaluation = CallEvaluation.objects.create(
        competition=call, closed_at=timezone.now(), budget=call.total_budget
    )
    evaluation.attendees.set(seats)
    for i in range(n):
        s = submit(call, OrganizationFactory(), title=f"Проект {i}", amount="1000")
        BidResult.objects.create(
            evaluation=evaluation,
            submission=s,
            score=Decimal("70.00"),
            sheets_counted=2,
            rank=i + 1,
            status=BidResult.Status.RESERVE,
            reserve_position=i + 1,
            requested=Decimal("1000"),
        )
        ConflictDeclaration.objects.create(
            seat=seats[2], submission=s, has_conflict=True, statement="x", declared_at=AFTER
        )
        ResultChange.objects.create(
            evaluation=evaluation,
            submission=s,
            edition=2,
            before={},
            after={},
            reason="r",
            created_at=AFTER,
        )
        for seat in seats[:2]:
            sheet = ScoreSheet.objects.create(seat=seat, submission=s, submitted_at=AFTER)
            Score.objects.bulk_create(Score(sheet=sheet, criterion=c, value=7) for c in criteria)
    CallEvaluation.objects.filter(pk=evaluation.pk).update(edition=2)
    evaluation.refresh_from_db()
    return evaluation


@pytest.mark.parametrize("n", [5, 30])
@pytest.mark.parametrize("kind", ["evaluation-protocol", "evaluation-consolidated"])
def test_the_context_and_body_take_the_same_queries_at_any_size(
    cast, chair, secretary, django_assert_max_num_queries, n, kind
):
    evaluation = build_results(cast, chair, secretary, n)
    document = get_kind(kind)
    with django_assert_max_num_queries(10), translation.override("ru"):
        body = render_to_string(document.template, document.context(evaluation))
    assert "Проект 4" in body


# --- the links the pages include ------------------------------------------------------------


def test_the_links_offer_only_what_the_reader_may_get(rf, cast, published, submission):
    request = rf.get(f"/commission/calls/{published.competition_id}/results/")
    request.user = cast.ngo_member
    context = {"evaluation": published, "call": published.competition, "request": request}
    protocol = f"/documents/request/evaluation-protocol/{published.pk}/"
    consolidated = f"/documents/request/evaluation-consolidated/{published.pk}/"
    html = render_to_string(
        "evaluation/includes/_documents.html", {**context, "user": request.user}, request
    )
    assert protocol in html and consolidated not in html
    html = render_to_string(
        "evaluation/includes/_documents.html",
        {**context, "user": request.user, "show_consolidated": True},
        request,
    )
    assert protocol in html and consolidated in html

    result = BidResult.objects.get(submission=submission)
    html = render_to_string(
        "evaluation/includes/_notice_link.html", {"result": result}, rf.get("/")
    )
    assert f"/documents/request/evaluation-notice/{result.pk}/" in html
    assert f'id="doc-lang-evaluation-notice-{result.pk}"' in html


def test_publication_queues_the_protocol_in_both_languages_for_the_public_page(english, published):
    evaluation, call = published, published.competition
    queued = GeneratedDocument.objects.filter(
        kind="evaluation-protocol", object_id=str(evaluation.pk)
    )
    assert sorted(queued.values_list("language", flat=True)) == ["ky", "ru"]
    page = english(None).get(f"/calls/{call.pk}/results/").content.decode()
    assert "The protocol is being prepared" in page
    for doc in queued:
        render_and_store(doc.pk)
    page = english(None).get(f"/calls/{call.pk}/results/").content.decode()
    for doc in queued:
        assert f"/documents/{doc.pk}/download/" in page
    response = english(None).get(f"/documents/{queued.first().pk}/download/")
    assert response.status_code == 200
