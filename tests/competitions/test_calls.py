from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from audit.models import AuditEvent
from competitions.models import Amendment, Competition, PriorityProblem, Programme, Question
from documents.models import GeneratedDocument
from tests.competitions.conftest import make_call
from tests.factories import CommissionMemberFactory

pytestmark = pytest.mark.django_db


def workspace(call_or_cast, *parts):
    municipality = getattr(call_or_cast, "municipality", None) or call_or_cast.municipality_a
    url = f"/municipalities/{municipality.code}/workspace/calls/"
    if isinstance(call_or_cast, Competition):
        url += f"{call_or_cast.pk}/"
    return url + "".join(f"{p}/" for p in parts)


def formset(prefix, rows, extra_blank=0):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows) + extra_blank),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{i}-{key}"] = value
    return data


def call_post(cast, **overrides):
    programme = Programme.objects.create(
        municipality=cast.municipality_a,
        title="Программа",
        start_year=2026,
        end_year=2027,
        kenesh_decision_number="1",
        kenesh_decision_date=datetime.date(2025, 12, 1),
        needs_assessment="…",
    )
    problem = PriorityProblem.objects.create(
        municipality=cast.municipality_a,
        title="Пожилые без ухода",
        description="…",
        sphere_id=1,
        status="published",
    )
    data = {
        "title": "Уход за одинокими пожилыми людьми",
        "programme": programme.pk,
        "problems": [problem.pk],
        "sphere": problem.sphere_id,
        "goal": "Обеспечить уход зимой.",
        "tasks": "Дрова, продукты, лекарства.",
        "target_group": "Одинокие пожилые люди.",
        "funding_source": "local",
        "total_budget": "400000",
        "max_per_bid": "400000",
        "min_cofinancing_pct": "10",
        "implementation_start": "2027-01-15",
        "implementation_end": "2027-04-30",
        "opens_at": "2026-12-01T09:00",
        "closes_at": "2026-12-31T18:00",
        "required_documents": "Заявка\nУстав",
        "eligible_forms": ["public_association", "foundation"],
        "verified_only": "on",
        "pass_threshold": "60",
        "appeal_days": "5",
        "tie_break": "vote",
        "quorum_pct": "67",
        "civil_society_min_pct": "50",
        "rule_set": "Постановление КМ № 604",
        **formset(
            "criteria",
            [
                {"title": "Значимость", "weight": "70", "max_score": "10"},
                {"title": "Бюджет", "weight": "30", "max_score": "10"},
            ],
            extra_blank=1,
        ),
        **formset(
            "commission",
            [
                {
                    "email": cast.commission_member.email,
                    "role": "chair",
                    "affiliation": "civil_society",
                },
                {"email": cast.officer_a.email, "role": "secretary", "affiliation": "state"},
            ],
            extra_blank=1,
        ),
    }
    data.update(overrides)
    return data


NOW = "2026-11-20 10:00 +06:00"


@time_machine.travel(NOW, tick=False)
def test_an_officer_drafts_a_call(cast, client_for):
    response = client_for(cast.officer_a_weak).post(workspace(cast, "new"), call_post(cast))
    assert response.status_code == 302, response.context and response.context["form"].errors
    call = Competition.objects.get()
    assert response["Location"] == workspace(call, "edit")
    assert call.status == Competition.Status.DRAFT
    # Typed in Bishkek time, stored in UTC.
    assert call.closes_at == datetime.datetime(2026, 12, 31, 12, 0, tzinfo=datetime.UTC)
    assert [(c.title, c.weight) for c in call.criteria.all()] == [
        ("Значимость", 70),
        ("Бюджет", 30),
    ]
    assert {m.role for m in call.commission.all()} == {"chair", "secretary"}
    assert AuditEvent.objects.get(action="call.created").after["criteria"][0]["weight"] == 70
    # A change to the draft shows in its history, criteria as readable lines.
    data = call_post(cast, **{"criteria-0-weight": "60", "criteria-1-weight": "40"})
    data["programme"] = call.programme_id
    data["problems"] = [p.pk for p in call.problems.all()]
    assert client_for(cast.officer_a).post(workspace(call, "edit"), data).status_code == 302
    page = client_for(cast.officer_a).get(workspace(call, "edit"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Значимость, 70, 10; Бюджет, 30, 10" in html
    assert "Значимость, 60, 10; Бюджет, 40, 10" in html


@time_machine.travel(NOW, tick=False)
def test_weights_must_add_up_to_100_and_input_is_kept(cast, client_for):
    data = call_post(cast, **{"criteria-1-weight": "20"})
    response = client_for(cast.officer_a).post(
        workspace(cast, "new"), data, HTTP_ACCEPT_LANGUAGE="ru"
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Уход за одинокими пожилыми людьми" in html
    assert "90%" in html
    assert not Competition.objects.exists()


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("max_per_bid", "500000"),
        ("closes_at", "2026-11-01T18:00"),
        ("opens_at", "2027-01-05T09:00"),
        ("implementation_start", "2026-12-15"),
    ],
)
def test_invalid_call_fields_are_refused(cast, client_for, field, value):
    response = client_for(cast.officer_a).post(
        workspace(cast, "new"), call_post(cast, **{field: value})
    )
    assert response.status_code == 400
    assert response.context["form"].errors
    assert not Competition.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_an_email_with_no_account_is_invited_to_the_seat(cast, client_for):
    # tests/competitions/test_commission_invitations.py follows the invitation through.
    data = call_post(cast, **{"commission-0-email": "Nobody@cast.kg"})
    response = client_for(cast.officer_a).post(workspace(cast, "new"), data)
    assert response.status_code == 302
    call = Competition.objects.get()
    assert list(call.commission_invitations.values_list("email", "role")) == [
        ("nobody@cast.kg", "chair")
    ]
    assert not call.commission.filter(role="chair").exists()


def test_drafting_outsider_404_weak_403(cast, client_for):
    assert client_for(cast.officer_b).post(workspace(cast, "new"), {}).status_code == 404
    assert client_for(cast.ngo_member).get(workspace(cast, "new")).status_code == 404
    assert client_for(cast.ministry).post(workspace(cast, "new"), {}).status_code == 403


def test_a_call_needs_a_programme_first(cast, client_for):
    response = client_for(cast.officer_a).get(workspace(cast, "new"))
    assert response.status_code == 302
    assert response["Location"].endswith("/programmes/new/")


# --- announcing -----------------------------------------------------------------------


def test_announce_asks_first_then_publishes_with_pdfs(
    cast, client_for, draft_call, django_capture_on_commit_callbacks
):
    client = client_for(cast.officer_a)
    assert client.get(workspace(draft_call, "publish")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(workspace(draft_call, "publish"))
    assert response.status_code == 302
    draft_call.refresh_from_db()
    assert draft_call.status == Competition.Status.PUBLISHED
    assert draft_call.problems.get().status == PriorityProblem.Status.IN_CALL
    assert AuditEvent.objects.filter(action="call.published").count() == 1
    docs = GeneratedDocument.objects.filter(kind="call-announcement")
    assert sorted(d.language for d in docs) == ["ky", "ru"]
    assert all(d.status == "ready" for d in docs)

    # Anyone downloads the announcement; the Kyrgyz one speaks Kyrgyz.
    ky = docs.get(language="ky")
    response = client_for(None).get(f"/documents/{ky.pk}/download/")
    assert response.status_code == 200
    from pypdf import PdfReader

    text = "".join(
        p.extract_text() for p in PdfReader(io.BytesIO(b"".join(response.streaming_content))).pages
    )
    assert "Баалоо критерийлери" in text
    assert "Дневной центр для детей с инвалидностью" in text


def test_an_incomplete_call_is_not_announced(cast, client_for, draft_call):
    draft_call.criteria.update(weight=10)
    response = client_for(cast.officer_a).post(workspace(draft_call, "publish"), follow=True)
    draft_call.refresh_from_db()
    assert draft_call.status == Competition.Status.DRAFT
    assert any("100" in str(m) for m in response.context["messages"])


def test_the_civil_society_share_is_enforced(cast, english, draft_call):
    # One civil-society seat of two is 50%: the share is all this call lacks.
    Competition.objects.filter(pk=draft_call.pk).update(civil_society_min_pct=60)
    response = english(cast.officer_a).post(workspace(draft_call, "publish"), follow=True)
    draft_call.refresh_from_db()
    assert draft_call.status == Competition.Status.DRAFT
    assert [str(m) for m in response.context["messages"]] == [
        "Civil society holds 50% of the commission seats; this call requires at least 60%."
    ]
    # A second civil-society seat (2 of 3) and nothing else: now it is announced.
    CommissionMemberFactory(competition=draft_call, affiliation="civil_society")
    response = english(cast.officer_a).post(workspace(draft_call, "publish"))
    assert response.status_code == 302
    draft_call.refresh_from_db()
    assert draft_call.status == Competition.Status.PUBLISHED


def test_announce_outsider_404_weak_403(cast, client_for, draft_call):
    assert client_for(cast.officer_b).post(workspace(draft_call, "publish")).status_code == 404
    assert client_for(cast.ministry).post(workspace(draft_call, "publish")).status_code == 403
    draft_call.refresh_from_db()
    assert draft_call.status == Competition.Status.DRAFT


# --- the clock decides ------------------------------------------------------------------


def test_accepting_bids_is_derived_from_the_clock(cast):
    call = make_call(cast, status="published", opens_in_days=2, closes_in_days=10)
    assert call.phase == "upcoming"
    assert not call.accepts_bids()
    with time_machine.travel(call.opens_at):
        assert call.accepts_bids()
    with time_machine.travel(call.closes_at - datetime.timedelta(seconds=1)):
        assert call.accepts_bids()
    with time_machine.travel(call.closes_at):
        assert not call.accepts_bids()
        assert call.phase == "closed"


# --- public pages -----------------------------------------------------------------------


def test_drafts_are_not_public(client, draft_call):
    assert client.get(f"/calls/{draft_call.pk}/").status_code == 404
    assert draft_call.title not in client.get("/calls/").content.decode()


def test_the_public_call_page(client, open_call):
    client.cookies["mo_language"] = "ky"
    response = client.get(f"/calls/{open_call.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Баалоо критерийлери" in html
    assert "1\u00a0000\u00a0000,00" in html
    assert open_call.title in client.get("/calls/").content.decode()
    assert open_call.title not in client.get("/calls/?phase=closed").content.decode()


# --- cancel and amend ------------------------------------------------------------------


def test_cancel_with_a_public_reason(cast, client_for, open_call):
    url = workspace(open_call, "cancel")
    assert client_for(cast.officer_b).post(url, {"reason": "x"}).status_code == 404
    assert client_for(cast.ministry).post(url, {"reason": "x"}).status_code == 403
    assert client_for(cast.officer_a).get(url).status_code == 200
    assert client_for(cast.officer_a).post(url, {"reason": ""}).status_code == 400
    open_call.refresh_from_db()
    assert open_call.status == Competition.Status.PUBLISHED

    response = client_for(cast.officer_a).post(
        url, {"reason": "Бюджет перераспределён решением кенеша"}
    )
    assert response.status_code == 302
    open_call.refresh_from_db()
    assert open_call.status == Competition.Status.CANCELLED
    page = client_for(None).get(f"/calls/{open_call.pk}/").content.decode()
    assert "Бюджет перераспределён решением кенеша" in page


def test_amend_budget_and_deadline_publicly(cast, client_for, open_call):
    url = workspace(open_call, "amend")
    new_deadline = timezone.localtime(open_call.closes_at + datetime.timedelta(days=7))
    data = {
        "reason": "Дополнительные средства из республиканского бюджета",
        "total_budget": "1200000",
        "max_per_bid": "500000",
        "closes_at": new_deadline.strftime("%Y-%m-%dT%H:%M"),
    }
    assert client_for(cast.officer_b).post(url, data).status_code == 404
    assert client_for(cast.ministry).post(url, data).status_code == 403
    response = client_for(cast.officer_a).post(url, data)
    assert response.status_code == 302
    open_call.refresh_from_db()
    assert open_call.total_budget == Decimal("1200000")
    amendment = Amendment.objects.get()
    assert set(amendment.changes) == {"total_budget", "closes_at"}
    page = client_for(None).get(f"/calls/{open_call.pk}/").content.decode()
    assert "Дополнительные средства" in page
    assert "1\u00a0200\u00a0000,00" in page


def test_an_amendment_cannot_move_the_deadline_into_the_past(cast, client_for, open_call):
    data = {
        "reason": "x",
        "total_budget": "1000000",
        "max_per_bid": "500000",
        "closes_at": "2020-01-01T18:00",
    }
    response = client_for(cast.officer_a).post(workspace(open_call, "amend"), data)
    assert response.status_code == 400
    assert not Amendment.objects.exists()


# --- questions and answers ---------------------------------------------------------------


def test_questions_are_answered_publicly_without_the_askers_name(cast, client_for, open_call):
    ask = f"/calls/{open_call.pk}/questions/"
    ngo = client_for(cast.ngo_member)
    assert ngo.get(ask).status_code == 405
    assert ngo.post(ask, {"text": "Можно ли подать две заявки?"}).status_code == 302
    question = Question.objects.get()
    answer = workspace(open_call, "questions", str(question.pk), "answer")
    assert client_for(cast.officer_b).post(answer, {"answer": "x"}).status_code == 404
    assert client_for(cast.ministry).post(answer, {"answer": "x"}).status_code == 403
    assert client_for(cast.officer_a).get(answer).status_code == 405
    assert client_for(cast.officer_a).post(answer, {"answer": "Нет, одну."}).status_code == 302
    page = client_for(None).get(f"/calls/{open_call.pk}/").content.decode()
    assert "Можно ли подать две заявки?" in page
    assert "Нет, одну." in page
    assert cast.ngo_member.full_name not in page
    assert cast.ngo_member.email not in page


def test_the_officers_call_history_does_not_name_who_asked(cast, client_for, open_call):
    """Security item 15: a name in the history would reveal a likely applicant."""
    from audit.models import AuditEvent

    client_for(cast.ngo_member).post(f"/calls/{open_call.pk}/questions/", {"text": "Сроки?"})
    page = client_for(cast.officer_a).get(workspace(open_call)).content.decode()
    assert "Сроки?" in page  # the officer sees the question to answer it
    assert cast.ngo_member.full_name not in page
    assert cast.ngo_member.email not in page
    # The audit row still knows who asked.
    assert AuditEvent.objects.get(action="call.question_asked").actor == cast.ngo_member


def test_an_amendment_gives_applicants_a_week_and_tells_them(
    cast, client_for, open_call, django_capture_on_commit_callbacks
):
    from applications.models import Bid
    from notifications.models import Notification

    Bid.objects.create(competition=open_call, organization=cast.organization)
    soon = timezone.localtime(timezone.now() + datetime.timedelta(days=2))
    data = {
        "reason": "Уточнён срок",
        "total_budget": "1000000",
        "max_per_bid": "500000",
        "closes_at": soon.strftime("%Y-%m-%dT%H:%M"),
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(cast.officer_a).post(workspace(open_call, "amend"), data)
    assert response.status_code == 302
    open_call.refresh_from_db()
    assert open_call.closes_at >= timezone.now() + datetime.timedelta(days=7) - datetime.timedelta(
        minutes=1
    )
    notification = Notification.objects.get(user=cast.ngo_member, event="call_amended")
    assert "Уточнён срок" in notification.body


def test_editing_a_draft_call_outsider_404_weak_403(cast, client_for, draft_call):
    url = workspace(draft_call, "edit")
    assert client_for(cast.officer_b).post(url, {}).status_code == 404
    assert client_for(cast.ngo_member).get(url).status_code == 404
    assert client_for(cast.ministry).post(url, {}).status_code == 403
    draft_call.refresh_from_db()
    assert draft_call.title == "Дневной центр для детей с инвалидностью"


def test_an_announced_call_cannot_be_edited_as_a_draft(cast, client_for, open_call):
    response = client_for(cast.officer_a).get(workspace(open_call, "edit"))
    assert response.status_code == 302
    assert response["Location"] == workspace(open_call)


def test_the_announcement_says_who_may_apply_how_and_the_appeal_window(cast, open_call):
    """UX item 9: the PDF omitted them and printed the rule set in English."""
    from django.template.loader import render_to_string
    from django.utils import translation

    from competitions.documents import CALL_ANNOUNCEMENT

    with translation.override("ky"):
        html = render_to_string(CALL_ANNOUNCEMENT.template, CALL_ANNOUNCEMENT.context(open_call))
    assert "коомдук бирикме" in html or "фонд" in html  # the eligible legal forms
    assert f"/calls/{open_call.pk}/" in html  # where to apply
    assert "апелляция" in html  # the appeal window
    assert "Cabinet Resolution" not in html
    assert "токтому" in html
