"""The signed-in home: an officer's tasks (through `NEEDS_ATTENTION`, filled by
competitions and applications) and the next steps for someone with no organisation."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from competitions import extensions
from municipal_order.lib.attention import Task, TaskList, TaskProvider
from tests.competitions.conftest import make_call
from tests.factories import PriorityProblemFactory, UserFactory

DASHBOARD = "/accounts/"


def test_a_task_list_orders_tasks_and_skips_those_with_nothing_to_do():
    tasks = TaskList("test")
    tasks.register(TaskProvider("late", lambda r, obj: Task("late", "late", obj, "/l/"), order=50))
    tasks.register(TaskProvider("early", lambda r, obj: Task("early", "e", 2, "/e/"), order=10))
    tasks.register(TaskProvider("none", lambda r, obj: None, order=20))
    tasks.register(TaskProvider("zero", lambda r, obj: Task("zero", "z", 0, "/z/"), order=30))
    found = tasks.collect(RequestFactory().get("/"), 3)
    assert [(t.key, t.count) for t in found] == [("early", 2), ("late", 3)]
    with pytest.raises(ValueError, match="registered twice"):
        tasks.register(TaskProvider("early", lambda r, obj: None))


def test_competitions_and_applications_register_the_officers_tasks():
    keys = [p.key for p in extensions.NEEDS_ATTENTION.providers()]
    assert keys[0] == "organizations_to_verify"
    assert {"calls_past_deadline", "unanswered_questions", "draft_calls", "draft_problems"} <= set(
        keys
    )


@pytest.mark.django_db
def test_the_officers_landing_page_lists_tasks_with_counts_and_links(cast, english):
    make_call(cast)  # a draft
    closed = make_call(cast, status="published", opens_in_days=-30, closes_in_days=-1)
    open_call = make_call(cast, status="published")
    open_call.questions.create(text="Можно ли ИП?", asked_by=cast.ngo_member)
    PriorityProblemFactory(municipality=cast.municipality_a, status="draft")

    page = english(cast.officer_a).get(DASHBOARD)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Needs your attention" in html
    (panel,) = [p for p in page.context["panels"] if p.key == "officer_tasks"]
    (group,) = panel.context["groups"]
    tasks = {t.key: t for t in group["tasks"]}
    assert tasks["organizations_to_verify"].count == 1  # the cast's organisation
    assert tasks["organizations_to_verify"].url == "/municipalities/cast-a/workspace/organizations/"
    assert "1 organisation awaits verification" in html
    assert tasks["calls_past_deadline"].count == 1
    assert tasks["draft_calls"].count == 1
    assert tasks["draft_problems"].count == 1
    assert tasks["draft_problems"].url == "/municipalities/cast-a/workspace/problems/"
    # One call with questions: the link goes straight to it.
    assert tasks["unanswered_questions"].url == (
        f"/municipalities/cast-a/workspace/calls/{open_call.pk}/"
    )
    assert closed.pk != open_call.pk
    # Organisations to verify come first.
    assert group["tasks"][0].key == "organizations_to_verify"


@pytest.mark.django_db
def test_an_officer_with_nothing_to_do_is_told_so(cast, english):
    from applications.services.organizations import set_verification

    set_verification(cast.organization, verified=True, note="", by=cast.officer_a)
    html = english(cast.officer_a).get(DASHBOARD).content.decode()
    assert "Nothing waits for you in" in html
    assert "/municipalities/cast-a/workspace/" in html


@pytest.mark.django_db
def test_someone_with_no_organisation_is_shown_how_to_register_one(cast, english):
    resident = UserFactory(email="resident@example.kg")
    html = english(resident).get(DASHBOARD).content.decode()
    assert "Apply with your organisation" in html
    assert 'href="/organizations/new/"' in html
    assert "Wait for the municipality" in html
    for member in (cast.ngo_member, cast.officer_a, cast.ministry, cast.site_admin):
        html = english(member).get(DASHBOARD).content.decode()
        assert "Apply with your organisation" not in html


@pytest.mark.django_db
def test_the_home_page_invites_visitors_to_sign_up_and_residents_to_register(cast, english):
    html = english(None).get("/").content.decode()
    assert "Sign up to apply with your organisation" in html
    resident = UserFactory(email="resident@example.kg")
    html = english(resident).get("/").content.decode()
    assert 'href="/organizations/new/"' in html
    html = english(cast.ngo_member).get("/").content.decode()
    assert 'href="/organizations/new/"' not in html


@pytest.mark.django_db
def test_an_invitee_who_signed_up_without_the_link_finds_the_invitations_at_home(
    cast, english, django_capture_on_commit_callbacks
):
    from django.db import transaction

    from applications.services.organizations import invite_member
    from competitions.services.commission import sync_invitations

    call = make_call(cast)
    with transaction.atomic():
        sync_invitations(
            call,
            [{"email": "newcomer@example.kg", "role": "member", "affiliation": "expert"}],
            by=cast.officer_a,
        )
    org_invitation = invite_member(
        cast.organization, email="newcomer@example.kg", role="editor", by=cast.ngo_member
    )
    newcomer = UserFactory(email="Newcomer@example.kg")
    html = english(newcomer).get(DASHBOARD).content.decode()
    assert "You are invited to a commission" in html
    token = call.commission_invitations.get().token
    assert f'href="/commission/invitations/{token}/"' in html
    assert "You are invited to join an organisation" in html
    assert f'href="/invitations/{org_invitation.token}/"' in html
    # Someone else sees neither.
    html = english(cast.commission_member).get(DASHBOARD).content.decode()
    assert "You are invited" not in html
