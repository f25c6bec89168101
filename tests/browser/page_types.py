"""Every page type of the portal, per persona, over one small data set.

Browser sweeps (accessibility, layout, page weight) import this module:

    world = build_world()                 # inside a test with the database
    for name, path in pages(world)["ngo"]:
        ...
    sign_in(context, live_server.url, world.users["officer"])

`build_world()` writes through the factories and the services, as the people
would: a municipality with a published problem that has a comment, an open call
with criteria and commission, a draft call, an NGO with a member, a draft bid
filled in and a submitted bid with its receipt, a call past its deadline in
admission with a clarification request waiting for the NGO's answer, an
organisation waiting for verification, an officer with two-step login, and a call
whose results are published: the NGO's bid and another organisation's scored by the
commission (the cast's commission member in the chair), ranked and approved.
"""

from __future__ import annotations

import dataclasses
import datetime
import uuid
from typing import Any

LOGGED_OUT = "logged_out"
NGO = "ngo"
OFFICER = "officer"
COMMISSION = "commission"
PERSONAS = (LOGGED_OUT, NGO, OFFICER, COMMISSION)


@dataclasses.dataclass
class World:
    cast: Any
    municipality: Any
    problem: Any
    draft_problem: Any
    call: Any
    other_call: Any
    draft_call: Any
    organization: Any
    draft_bid: Any
    submitted_bid: Any
    submission: Any
    admission_call: Any
    admission_bid: Any
    results_call: Any
    results_bid: Any
    project: Any
    report: Any
    results_submission: Any
    users: dict[str, Any]


def build_world() -> World:
    """The data set every page type needs (call inside a test with database access)."""
    from django.utils import timezone

    from applications.services.drafting import start_bid
    from applications.services.organizations import set_verification
    from applications.services.submission import submit_bid
    from competitions.models import Competition, PriorityProblem
    from evaluation.services.clarifications import request_clarification
    from tests.applications.conftest import fill_bid
    from tests.competitions.conftest import make_call
    from tests.conftest import Cast
    from tests.factories import (
        OrganizationFactory,
        PriorityProblemFactory,
        ProblemCommentFactory,
        UserFactory,
    )

    cast = Cast()
    municipality = cast.municipality_a
    problem = PriorityProblemFactory(
        municipality=municipality,
        title="Нет центра для детей с инвалидностью в Аламүдүн",
        description="Родители возят детей в Бишкек: 40 км в одну сторону.",
    )
    ProblemCommentFactory(
        problem=problem, author=UserFactory(full_name="Житель"), text="Поддерживаю, очень нужно."
    )
    draft_problem = PriorityProblemFactory(
        municipality=municipality,
        title="Нет освещения на улице Ленина",
        status=PriorityProblem.Status.DRAFT,
    )
    # The calendar plan fill_bid writes runs from February to November 2027.
    window = {
        "implementation_start": datetime.date(2027, 2, 1),
        "implementation_end": datetime.date(2027, 11, 30),
    }
    call = make_call(cast, status="published", problems=[problem], **window)
    other_call = make_call(
        cast,
        status="published",
        problems=[problem],
        title="Летний лагерь для подростков",
        **window,
    )
    draft_call = make_call(cast, title="Чистая вода в школах")

    organization = cast.organization
    set_verification(organization, verified=True, note="", by=cast.officer_a)
    organization.refresh_from_db()
    # Waiting for the municipality's verification: the officer's verification list.
    OrganizationFactory(
        name_ru="ОО «Жаштар демилгеси»",
        region=cast.region_c,
        municipality=municipality,
    )

    draft_bid = fill_bid(start_bid(call, organization, by=cast.ngo_member), cast)
    submitted_bid = fill_bid(start_bid(other_call, organization, by=cast.ngo_member), cast)
    submission = submit_bid(submitted_bid, idempotency_key=str(uuid.uuid4()), by=cast.ngo_member)
    submitted_bid.refresh_from_db()

    # In admission: submitted while open, then the deadline passed (moved back, as the
    # demo does); the municipality asked the applicant a question.
    admission_call = make_call(
        cast, status="published", problems=[problem], title="Зимняя помощь пожилым", **window
    )
    admission_bid = fill_bid(start_bid(admission_call, organization, by=cast.ngo_member), cast)
    admission_submission = submit_bid(
        admission_bid, idempotency_key=str(uuid.uuid4()), by=cast.ngo_member
    )
    now = timezone.now()
    Competition.objects.filter(pk=admission_call.pk).update(
        closes_at=now - datetime.timedelta(hours=1)
    )
    request_clarification(
        admission_submission,
        question="Приложите договор аренды помещения.",
        due_at=now + datetime.timedelta(days=2),
        by=cast.officer_a,
    )

    results_call, results_bid, results_submission = _published_results(
        cast,
        make_call(
            cast, status="published", problems=[problem], title="Спортивные секции в селе", **window
        ),
    )

    project = _project_under_way(
        cast,
        make_call(cast, status="published", problems=[problem], title="Кружки для детей", **window),
    )

    return World(
        cast=cast,
        municipality=municipality,
        problem=problem,
        draft_problem=draft_problem,
        call=call,
        other_call=other_call,
        draft_call=draft_call,
        organization=organization,
        draft_bid=draft_bid,
        submitted_bid=submitted_bid,
        submission=submission,
        admission_call=admission_call,
        admission_bid=admission_bid,
        results_call=results_call,
        results_bid=results_bid,
        results_submission=results_submission,
        project=project,
        report=project.reports.get(kind="final"),
        users={
            LOGGED_OUT: None,
            NGO: cast.ngo_member,
            OFFICER: cast.officer_a,
            COMMISSION: cast.commission_member,
        },
    )


def _published_results(cast, call) -> tuple[Any, Any, Any]:
    """The open call brought to published results through the services: the NGO's bid
    (filled in and submitted) and a second organisation's, the deadline moved back,
    both admitted, scored by the commission's two seats (make_call's: the cast's
    commission member in the chair, officer B as secretary), closed and approved."""
    from decimal import Decimal

    from django.utils import timezone

    from applications.services.drafting import start_bid
    from applications.services.submission import submit_bid
    from competitions.models import Competition
    from evaluation.services.admission import decide_admission, open_scoring
    from tests.applications.conftest import fill_bid
    from tests.evaluation.scoring_helpers import close_and_publish, score_all
    from tests.factories import BidFactory, BidSubmissionFactory

    bid = fill_bid(start_bid(call, cast.organization, by=cast.ngo_member), cast)
    submission = submit_bid(bid, idempotency_key=str(uuid.uuid4()), by=cast.ngo_member)
    bid.refresh_from_db()
    now = timezone.now()
    other = BidSubmissionFactory(
        bid=BidFactory(
            competition=call,
            organization=cast.other_organization,
            status="submitted",
            title="Футбол и волейбол для подростков",
        ),
        submitted_at=now - datetime.timedelta(hours=2),
        content={"title": "Футбол и волейбол для подростков"},
        requested_total=Decimal("200000"),
    )
    Competition.objects.filter(pk=call.pk).update(closes_at=now - datetime.timedelta(hours=1))
    call.refresh_from_db()
    for s in (submission, other):
        decide_admission(s, decision="admitted", by=cast.officer_a)
    open_scoring(call, by=cast.officer_a)
    call.refresh_from_db()
    score_all(
        call,
        {
            cast.commission_member: {submission: [8, 6], other: [7, 7]},
            cast.officer_b: {submission: [9, 7], other: [6, 6]},
        },
        comment="Реалистичный план.",
    )
    close_and_publish(call, cast.commission_member, cast.officer_b)
    return call, bid, submission


def _project_under_way(cast, call, *, interim: bool = False):
    """A second call brought to results, made final (its results dated back past the
    appeal window, as the demo does) and its NGO bid turned into a project whose
    agreement is signed and first tranche paid. The rest is paid on the final report,
    or (`interim`) a part on an interim report due halfway and the rest on the final."""
    from decimal import Decimal

    from django.utils import timezone

    from competitions.models import Competition
    from evaluation.services.appeals import finalize_due_calls
    from monitoring.models import Tranche
    from monitoring.services.projects import (
        TrancheRow,
        create_projects,
        record_payment,
        save_agreement,
        sign_agreement,
    )

    _published_results(cast, call)
    Competition.objects.filter(pk=call.pk).update(
        results_published_at=timezone.now() - datetime.timedelta(days=20)
    )
    finalize_due_calls()
    call.refresh_from_db()
    project = next(
        p for p in create_projects(call, by=cast.officer_a) if p.organization == cast.organization
    )
    half = (project.amount / 2).quantize(Decimal("0.01"))
    quarter = (project.amount / 4).quantize(Decimal("0.01")) if interim else Decimal("0")
    schedule = [
        TrancheRow(half, project.starts_on, Tranche.Condition.SIGNING),
        TrancheRow(project.amount - half - quarter, project.ends_on, Tranche.Condition.FINAL),
    ]
    if interim:
        halfway = project.starts_on + (project.ends_on - project.starts_on) / 2
        schedule.insert(1, TrancheRow(quarter, halfway, Tranche.Condition.INTERIM))
    save_agreement(
        project,
        data={"municipality_signatory": "Глава айыл окмоту", "organization_signatory": "Директор"},
        tranches=schedule,
        expected_version=project.version,
        by=cast.officer_a,
    )
    sign_agreement(project, signed_on=timezone.localdate(), by=cast.officer_a)
    tranche = project.tranches.order_by("position").first()
    record_payment(
        tranche,
        amount=tranche.amount,
        paid_on=timezone.localdate(),
        reference="ПП-17",
        by=cast.officer_a,
    )
    return project


def pages(world: World) -> dict[str, list[tuple[str, str]]]:
    """(name, path) of every page type each persona reaches, the fullest menus included."""
    from applications.steps import STEP_KEYS

    code = world.municipality.code
    org = world.organization.pk
    draft = world.draft_bid.pk
    workspace = f"/municipalities/{code}/workspace/"
    results = world.results_call.pk
    commission = f"/commission/calls/{results}/"
    return {
        LOGGED_OUT: [
            ("home", "/"),
            ("problem-list", "/problems/"),
            ("problem-detail", f"/problems/{world.problem.pk}/"),
            ("call-list", "/calls/"),
            ("call-detail", f"/calls/{world.call.pk}/"),
            ("call-in-admission", f"/calls/{world.admission_call.pk}/"),
            ("call-with-results", f"/calls/{results}/"),
            ("call-results", f"/calls/{results}/results/"),
            ("project", f"/projects/{world.project.pk}/"),
            ("municipality-list", "/municipalities/"),
            ("municipality-detail", f"/municipalities/{code}/"),
            ("login", "/accounts/login/"),
            ("signup", "/accounts/signup/"),
        ],
        NGO: [
            ("dashboard", "/accounts/"),
            ("home", "/"),
            ("call-detail", f"/calls/{world.call.pk}/"),
            ("my-organisations", "/organizations/"),
            ("organisation", f"/organizations/{org}/"),
            ("organisation-form", f"/organizations/{org}/edit/"),
            ("organisation-new", "/organizations/new/"),
            *[(f"bid-step-{step}", f"/bids/{draft}/edit/{step}/") for step in STEP_KEYS],
            ("bid-preview", f"/bids/{draft}/"),
            ("bid-submitted", f"/bids/{world.submitted_bid.pk}/"),
            ("bid-in-admission", f"/bids/{world.admission_bid.pk}/"),
            ("bid-with-result", f"/bids/{world.results_bid.pk}/"),
            ("project-details", f"/projects/{world.project.pk}/"),
            ("my-projects", "/projects/mine/"),
            ("project-report", f"/projects/{world.project.pk}/reports/{world.report.pk}/"),
            ("receipt", f"/bids/{world.submitted_bid.pk}/receipts/{world.submission.pk}/"),
            ("notifications", "/notifications/"),
            ("notification-settings", "/notifications/settings/"),
            ("profile", "/accounts/profile/"),
            ("password-change", "/accounts/password/"),
        ],
        OFFICER: [
            ("dashboard", "/accounts/"),
            ("my-municipalities", "/municipalities/mine/"),
            ("workspace", workspace),
            ("workspace-calls", workspace + "calls/"),
            ("workspace-problems", workspace + "problems/"),
            ("call-new", workspace + "calls/new/"),
            ("call-edit", f"{workspace}calls/{world.draft_call.pk}/edit/"),
            ("call-manage", f"{workspace}calls/{world.call.pk}/"),
            ("call-manage-draft", f"{workspace}calls/{world.draft_call.pk}/"),
            ("problem-new", workspace + "problems/new/"),
            ("problem-edit", f"{workspace}problems/{world.draft_problem.pk}/"),
            ("verification-list", workspace + "organizations/"),
            ("call-manage-admission", f"{workspace}calls/{world.admission_call.pk}/"),
            ("admission", f"{workspace}calls/{world.admission_call.pk}/admission/"),
            ("call-detail", f"/calls/{world.call.pk}/"),
            ("audit-anchor", "/audit/anchor/"),
            ("workspace-projects", workspace + "projects/"),
            ("project-manage", f"{workspace}projects/{world.project.pk}/"),
            ("project-report-officer", f"/projects/{world.project.pk}/reports/{world.report.pk}/"),
        ],
        COMMISSION: [
            ("dashboard", "/accounts/"),
            ("commission-call", commission),
            ("commission-bid-scored", f"{commission}bids/{world.results_submission.pk}/"),
            ("deliberation", f"{commission}results/"),
        ],
    }


def page_ids() -> dict[str, list[str]]:
    """The page names per persona without building data (for pytest parametrisation)."""
    names: dict[str, list[str]] = {}
    fake = _Names()
    for persona, rows in pages(fake).items():  # type: ignore[arg-type]
        names[persona] = [name for name, _path in rows]
    return names


class _Names:
    """Stands in for a World when only the page names are wanted."""

    def __getattr__(self, name: str) -> Any:
        return self

    pk = 1
    code = "x"

    def __str__(self) -> str:
        return "1"


def sign_in(context, base_url: str, user) -> None:
    """Sign the Playwright context in as user: a Django test client logs in (with the
    second factor passed for those who need one) and its session cookie is copied."""
    from django.test import Client

    from accounts.two_factor import requires_two_factor
    from tests.conftest import give_second_factor

    context.clear_cookies()
    if user is not None:
        client = Client()
        client.force_login(user)
        if requires_two_factor(user):
            give_second_factor(client, user)
        for morsel in client.cookies.values():
            context.add_cookies([{"name": morsel.key, "value": morsel.value, "url": base_url}])


def set_language(context, base_url: str, language: str) -> None:
    context.add_cookies([{"name": "mo_language", "value": language, "url": base_url}])
