from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEvent
from competitions.models import PriorityProblem, ProblemComment, Sphere, TargetGroup
from tests.files import pdf_upload

pytestmark = pytest.mark.django_db


def form_data(**extra):
    return {
        "title": "Нет доступа к школе для детей на колясках",
        "description": "В селе Көк-Жар школа без пандусов; 14 детей учатся дома.",
        "sphere": Sphere.objects.get(code="disability").pk,
        "target_groups": [TargetGroup.objects.get(code="children-with-disabilities").pk],
        "beneficiaries": "14",
        "estimated_cost": "350000",
        "assessment_method": "pra",
        "assessment_date": "2026-03-12",
        "participants": "48",
        "women_participants": "27",
        **extra,
    }


def new_url(cast):
    return f"/municipalities/{cast.municipality_a.code}/workspace/problems/new/"


@pytest.fixture
def draft(cast):
    problem = PriorityProblem.objects.create(
        municipality=cast.municipality_a,
        title="Свалка у реки",
        description="Мусор сбрасывают в реку.",
        sphere=Sphere.objects.get(code="environment"),
    )
    return problem


@pytest.fixture
def published(draft):
    from competitions.services.problems import publish_problem

    return publish_problem(draft, by=draft.municipality.staff.first().user)


def url(problem, action=""):
    base = f"/municipalities/{problem.municipality.code}/workspace/problems/{problem.pk}/"
    return base + (f"{action}/" if action else "")


# --- create and edit ------------------------------------------------------------------


def test_an_officer_creates_a_draft(cast, client_for):
    pdf = pdf_upload("протокол собрания.pdf")
    response = client_for(cast.officer_a_weak).post(new_url(cast), {**form_data(), "minutes": pdf})
    assert response.status_code == 302
    problem = PriorityProblem.objects.get()
    assert response["Location"] == url(problem)
    assert problem.status == PriorityProblem.Status.DRAFT
    assert problem.created_by == cast.officer_a_weak
    assert [g.code for g in problem.target_groups.all()] == ["children-with-disabilities"]
    assert problem.minutes_name == "протокол собрания.pdf"
    assert problem.minutes_sha256
    assert "протокол" not in problem.minutes.name  # stored under a random name
    event = AuditEvent.objects.get(action="problem.created")
    assert event.after["target_groups"] == ["children-with-disabilities"]


def test_invalid_input_is_explained_and_kept(cast, client_for):
    response = client_for(cast.officer_a).post(
        new_url(cast), form_data(women_participants="60"), HTTP_ACCEPT_LANGUAGE="ru"
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Нет доступа к школе для детей на колясках" in html
    assert "Женщин не может быть больше, чем участников." in html
    assert not PriorityProblem.objects.exists()


def test_a_file_that_is_not_a_pdf_is_refused(cast, client_for):
    exe = SimpleUploadedFile("budget.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    response = client_for(cast.officer_a).post(new_url(cast), {**form_data(), "minutes": exe})
    assert response.status_code == 400
    assert response.context["form"].errors["minutes"]
    assert not PriorityProblem.objects.exists()


def test_outsiders_get_404_and_the_ministry_403(cast, client_for):
    assert client_for(cast.officer_b).post(new_url(cast), form_data()).status_code == 404
    assert client_for(cast.ngo_member).post(new_url(cast), form_data()).status_code == 404
    assert client_for(cast.ministry).post(new_url(cast), form_data()).status_code == 403
    assert not PriorityProblem.objects.exists()


def test_editing_is_audited_with_before_and_after(cast, client_for, draft):
    response = client_for(cast.officer_a).post(url(draft), form_data(title="Свалка у реки Чүй"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Свалка у реки Чүй"
    event = AuditEvent.objects.get(action="problem.updated")
    assert event.before["title"] == "Свалка у реки"
    assert event.after["title"] == "Свалка у реки Чүй"


def test_edit_outsider_404_weak_403(cast, client_for, draft):
    assert client_for(cast.officer_b).get(url(draft)).status_code == 404
    assert client_for(cast.officer_b).post(url(draft), form_data()).status_code == 404
    assert client_for(cast.ministry).post(url(draft), form_data()).status_code == 403
    draft.refresh_from_db()
    assert draft.title == "Свалка у реки"


# --- publish and archive --------------------------------------------------------------


def test_publish_asks_first_then_publishes(cast, client_for, draft):
    client = client_for(cast.officer_a)
    page = client.get(url(draft, "publish"))
    assert page.status_code == 200
    draft.refresh_from_db()
    assert draft.status == PriorityProblem.Status.DRAFT
    response = client.post(url(draft, "publish"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == PriorityProblem.Status.PUBLISHED
    assert draft.published_at is not None
    assert AuditEvent.objects.filter(action="problem.published").count() == 1


def test_publishing_twice_is_refused(cast, client_for, published):
    response = client_for(cast.officer_a).post(url(published, "publish"), follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert AuditEvent.objects.filter(action="problem.published").count() == 1


def test_publish_outsider_404_weak_403(cast, client_for, draft):
    assert client_for(cast.officer_b).post(url(draft, "publish")).status_code == 404
    assert client_for(cast.ministry).post(url(draft, "publish")).status_code == 403
    draft.refresh_from_db()
    assert draft.status == PriorityProblem.Status.DRAFT


def test_archive(cast, client_for, published):
    assert client_for(cast.officer_b).post(url(published, "archive")).status_code == 404
    assert client_for(cast.ministry).post(url(published, "archive")).status_code == 403
    response = client_for(cast.officer_a).post(url(published, "archive"))
    assert response.status_code == 302
    published.refresh_from_db()
    assert published.status == PriorityProblem.Status.ARCHIVED
    # Archived problems are frozen.
    client_for(cast.officer_a).post(url(published), form_data(title="x"))
    published.refresh_from_db()
    assert published.title == "Свалка у реки"


# --- public pages ---------------------------------------------------------------------


def test_drafts_are_not_public(client, draft):
    assert client.get(f"/problems/{draft.pk}/").status_code == 404
    assert draft.title not in client.get("/problems/").content.decode()


def test_the_public_list_is_sorted_by_support_and_filters(cast, client, published):
    other = PriorityProblem.objects.create(
        municipality=cast.municipality_b,
        title="Нет детского сада",
        description="…",
        sphere=Sphere.objects.get(code="children-youth"),
        status="published",
        support_count=5,
    )
    response = client.get("/problems/")
    titles = [p.title for p in response.context["page"].object_list]
    assert titles == [other.title, published.title]
    response = client.get("/problems/", {"sphere": published.sphere.pk})
    assert [p.pk for p in response.context["page"].object_list] == [published.pk]
    response = client.get("/problems/", {"region": cast.region_y.pk})
    assert [p.pk for p in response.context["page"].object_list] == [other.pk]
    response = client.get("/problems/", {"municipality": cast.municipality_a.code})
    assert [p.pk for p in response.context["page"].object_list] == [published.pk]


def test_a_resident_supports_once(cast, client_for, published):
    client = client_for(cast.ngo_member)
    support = f"/problems/{published.pk}/support/"
    assert client.post(support).status_code == 302
    assert client.post(support).status_code == 302
    published.refresh_from_db()
    assert published.support_count == 1
    assert published.supports.count() == 1
    assert client.get(support).status_code == 405


def test_anonymous_support_goes_to_login(client, published):
    response = client.post(f"/problems/{published.pk}/support/")
    assert response["Location"].startswith("/accounts/login/")
    published.refresh_from_db()
    assert published.support_count == 0


def test_drafts_cannot_be_supported(cast, client_for, draft):
    assert client_for(cast.ngo_member).post(f"/problems/{draft.pk}/support/").status_code == 404


def test_archived_problems_collect_no_support(cast, client_for, published):
    from competitions.services.problems import archive_problem

    archive_problem(published, by=cast.officer_a)
    client_for(cast.ngo_member).post(f"/problems/{published.pk}/support/")
    published.refresh_from_db()
    assert published.support_count == 0


# --- comments -------------------------------------------------------------------------


def test_comment_and_hide_it(cast, client_for, published):
    client = client_for(cast.ngo_member)
    response = client.post(f"/problems/{published.pk}/comments/", {"text": "Поддерживаем!"})
    assert response.status_code == 302
    comment = ProblemComment.objects.get()
    assert client.get(f"/problems/{published.pk}/comments/").status_code == 405

    hide = url(published, f"comments/{comment.pk}/hide")
    assert client_for(cast.ngo_member).post(hide, {"reason": "x"}).status_code == 404
    assert client_for(cast.officer_b).post(hide, {"reason": "x"}).status_code == 404
    assert client_for(cast.ministry).post(hide, {"reason": "x"}).status_code == 403
    assert client_for(cast.officer_a).get(hide).status_code == 405
    comment.refresh_from_db()
    assert comment.hidden_at is None

    response = client_for(cast.officer_a).post(hide, {"reason": "Оскорбления"})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.hidden_at is not None
    assert comment.hidden_by == cast.officer_a
    event = AuditEvent.objects.get(action="problem.comment_hidden")
    assert event.before["text"] == "Поддерживаем!"
    page = client_for(None).get(f"/problems/{published.pk}/").content.decode()
    assert "Поддерживаем!" not in page
    assert "Оскорбления" in page


def test_an_empty_comment_is_refused(cast, client_for, published):
    response = client_for(cast.ngo_member).post(f"/problems/{published.pk}/comments/", {"text": ""})
    assert response.status_code == 400
    assert not ProblemComment.objects.exists()
