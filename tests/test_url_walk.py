"""Walk every URL pattern of the project (new views are covered automatically).

- anonymous visitors never get 200 from a private page;
- GET never changes state, whoever sends it;
- a signed-in stranger POSTing to any URL not meant for everyone gets 403/404/405
  and changes nothing (T11).

A new URL whose parameters this file cannot fill fails the walk: add a sample
value to `sample_kwargs`.
"""

from __future__ import annotations

import contextlib
import datetime
import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from competitions.models import Sphere
from documents.services import request_document
from notifications.services import notify
from tests.conftest import Cast

# URL names anyone may open.
PUBLIC = {
    "home",
    "healthz",
    "set_language",
    "javascript-catalog",
    "accounts:login",
    "accounts:signup",
    "accounts:signup_done",
    "accounts:activate",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_confirm",
    "competitions:municipality_list",
    "competitions:municipality_detail",
    "competitions:problem_list",
    "competitions:problem_detail",
    "competitions:programme_detail",
    "competitions:call_list",
    "competitions:call_detail",
    "audit:anchor",
    "opendata:release_package",
    "opendata:record_package",
    "opendata:bulk_release_package",
    "opendata:index",
    # The public read-only API (opendata/api): GET only, anyone.
    "api:root",
    "api:regions",
    "api:region",
    "api:districts",
    "api:district",
    "api:municipalities",
    "api:municipality",
    "api:calls",
    "api:call",
    "api:call_results",
    "api:projects",
    "api:project",
    "api:schema",
}
SKIP_NAMESPACES = {"admin"}  # Django's admin guards itself (tests/test_private_pages.py)


def walk(patterns, prefix="", namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or ""
            if ns in SKIP_NAMESPACES:
                continue
            full_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from walk(p.url_patterns, prefix + str(p.pattern), full_ns)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace and p.name else p.name
            yield name, prefix + str(p.pattern), p


ROUTES = sorted({(name or route, route) for name, route, _ in walk(get_resolver().url_patterns)})


def sample_kwargs(
    cast, doc, notification, problem, comment, programme, call, question, bid, submission, file
) -> dict[str, str]:
    staff = cast.municipality_a.staff.get(user=cast.officer_a_weak)
    return {
        "code": cast.municipality_a.code,
        "staff_id": str(staff.pk),
        "doc_id": str(doc.pk),
        "kind": "municipality-profile",
        "object_id": str(cast.municipality_a.pk),
        "notifications/pk": str(notification.pk),
        "problems/pk": str(problem.pk),
        "programmes/pk": str(programme.pk),
        "calls/pk": str(call.pk),
        "question_id": str(question.pk),
        "organizations/pk": str(cast.organization.pk),
        "member_id": str(cast.organization.members.get().pk),
        "bids/pk": str(bid.pk),
        "submission_id": str(submission.pk),
        "document_id": str(file.pk),
        "step": "project",
        "comment_id": str(comment.pk),
        # Evaluation's results and appeals: none exist here, so every role gets 404
        # (tests/evaluation covers them with real rows).
        "result_id": "1",
        "appeal_id": "1",
        # Monitoring's projects: none exist here either (tests/monitoring has them).
        "projects/pk": "1",
        "milestone_id": "1",
        "indicator_id": "1",
        "photo_id": "00000000-0000-4000-8000-000000000000",
        "report_id": "1",
        "file_id": "00000000-0000-4000-8000-000000000000",
        # Open data: the world's call as an OCDS ocid.
        "ocid": f"ocds-kgmso1-{call.pk}",
        # The ministry's downloads: a dataset and a format.
        "dataset": "calls",
        "fmt": "csv",
        "token": "not-a-valid-token",
        "uidb64": "MQ",
    }


def fill(route: str, values: dict[str, str]) -> str:
    def repl(match):
        key = match.group(1).split(":")[-1]
        if key == "pk":  # <pk> means the object of the section just before it
            before = route[: match.start()].rstrip("/").rsplit("/", 1)[-1]
            key = f"{before}/pk"
        if key not in values:
            pytest.fail(f"tests/test_url_walk.py: add a sample value for <{key}> ({route})")
        return values[key]

    return "/" + re.sub(r"<([^>]+)>", repl, route)


# A GET (and a refused POST) must not write: no statement of these kinds may run
# while the request is served. Cheaper and stricter than comparing table dumps: it
# also sees many-to-many tables and rewrites of a row with the values it had.
WRITE = re.compile(
    r"^\s*(?:INSERT|UPDATE|DELETE|REPLACE|MERGE|TRUNCATE|CREATE|DROP|ALTER)\b"
    r"|^\s*WITH\b.*\b(?:INSERT|UPDATE|DELETE)\s",
    re.IGNORECASE | re.DOTALL,
)


# The session notes when a signed-in person was last seen (the idle timeout, T30):
# bookkeeping of the visit, not a change of anything the portal holds.
SESSION_BOOKKEEPING = re.compile(r'\b(?:UPDATE|INSERT INTO)\s+"?django_session"?', re.IGNORECASE)


@contextlib.contextmanager
def no_writes(what: str):
    """Fail if the block sends the database a statement that changes data or schema."""
    with CaptureQueriesContext(connection) as queries:
        yield
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if WRITE.match(q["sql"]) and not SESSION_BOOKKEEPING.search(q["sql"])
    ]
    assert not writes, f"{what} changed the database:\n" + "\n".join(writes)


@pytest.fixture(autouse=True)
def _private_media():
    """Overrides tests/conftest.py: the world's files live in its module-wide MEDIA_ROOT."""


def build_world(cast) -> dict[str, str]:
    from applications.services.files import add_document
    from tests.competitions.conftest import make_call
    from tests.factories import (
        BidFactory,
        BidSubmissionFactory,
        PriorityProblemFactory,
        ProblemCommentFactory,
        ProgrammeFactory,
        QuestionFactory,
    )
    from tests.files import pdf_upload

    problem = PriorityProblemFactory(
        municipality=cast.municipality_a,
        title="Нет пандусов у школы",
        sphere=Sphere.objects.first(),
    )
    comment = ProblemCommentFactory(problem=problem, author=cast.ngo_member, text="Да")
    programme = ProgrammeFactory(
        municipality=cast.municipality_a,
        title="Программа",
        kenesh_decision_number="12",
        kenesh_decision_date=datetime.date(2025, 12, 20),
        needs_assessment="…",
    )
    # Rendering the PDF is not needed to walk the URLs: the row is enough.
    doc = request_document(
        "municipality-profile", cast.municipality_a, language="ru", by=cast.officer_a
    )
    (notification,) = notify(
        [cast.officer_a], "municipal_staff_added", {"municipality": cast.municipality_a}
    )
    call = make_call(cast, status="published")
    question = QuestionFactory(competition=call, asked_by=cast.ngo_member, text="?")
    bid = BidFactory(competition=call, organization=cast.organization, title="Заявка")
    submission = BidSubmissionFactory(
        bid=bid,
        receipt_number="1-0001",
        idempotency_key="walk",
        submitted_by=cast.ngo_member,
        content={"title": "Заявка"},
    )
    file = add_document(bid, upload=pdf_upload(), requirement="", by=cast.ngo_member)
    values = sample_kwargs(
        cast, doc, notification, problem, comment, programme, call, question, bid, submission, file
    )
    from competitions.models import CommissionInvitation

    invitation = CommissionInvitation.objects.create(
        competition=call,
        email="invitee@cast.kg",
        role="member",
        affiliation="expert",
        token="walk-commission-invitation",
        expires_at=timezone.now() + datetime.timedelta(days=14),
    )
    values["invitation_id"] = str(invitation.pk)
    # Evaluation's rows as bare rows (the world's call still takes bids; the services
    # would refuse): a clarification request on the submission and a file of its answer.
    from django.core.files.base import ContentFile

    from evaluation.models import ClarificationFile, ClarificationRequest

    clarification = ClarificationRequest.objects.create(
        submission=submission,
        question="?",
        asked_by=cast.officer_a,
        asked_at=timezone.now(),
        due_at=timezone.now() + datetime.timedelta(days=2),
    )
    answer_file = ClarificationFile(
        request=clarification, name="answer.pdf", kind="pdf", size=4, sha256="0" * 64
    )
    answer_file.file.save("answer.pdf", ContentFile(b"%PDF"), save=True)
    values["request_id"] = str(clarification.pk)
    values["file_id"] = str(answer_file.pk)
    return values


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Cast and objects, built once for the module inside a transaction rolled back at
    its end. Each test runs in a savepoint inside it (pytest-django's `django_db`), so
    what one test writes (a session, last_login) is gone before the next one."""
    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("walk") / "private")
    media.enable()
    outer = transaction.atomic()
    try:
        with django_db_blocker.unblock():
            outer.__enter__()
            cast = Cast()
            values = build_world(cast)
        yield cast, values
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
        media.disable()


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "route"), ROUTES)
def test_anonymous_never_gets_a_private_page(world, client, name, route):
    _cast, values = world
    if name in PUBLIC:
        pytest.skip("public page")
    response = client.get(fill(route, values))
    assert response.status_code != 200, f"{name} is open to anonymous visitors"
    if response.status_code == 302:
        assert response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code in {404, 405}


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "route"), ROUTES)
@pytest.mark.parametrize("who", ["site_admin", "officer_a", "ngo_member", None])
def test_get_never_changes_state(world, client_for, name, route, who):
    cast, values = world
    client = client_for(getattr(cast, who) if who else None)
    with no_writes(f"GET {name} as {who}"):
        client.get(fill(route, values))


# What any signed-in person may do, whoever owns the object: a resident's actions
# on public pages and their own account. Everything else is refused to a stranger.
OPEN_TO_ANY_USER = {
    "set_language",
    "accounts:logout",
    "accounts:profile",
    "accounts:password_change",
    "accounts:otp_verify",
    "accounts:otp_setup",
    "accounts:recovery_codes",
    "applications:organization_new",
    "applications:invitation",
    "competitions:commission_invitation",
    "applications:apply",
    "competitions:problem_support",
    "competitions:problem_comment",
    "competitions:question_ask",
    "notifications:open",
    "notifications:mark_all_read",
    "notifications:preferences",
}


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "route"), ROUTES)
def test_t11_a_stranger_posting_to_a_hidden_url_changes_nothing(world, client_for, name, route):
    """T11: an NGO unrelated to the objects POSTs straight to every URL."""
    if name in PUBLIC or name in OPEN_TO_ANY_USER:
        pytest.skip("open to anyone signed in")
    cast, values = world
    client = client_for(cast.other_ngo_member)
    with no_writes(f"POST {name} as a stranger"):
        response = client.post(fill(route, values), {"reason": "x" * 40, "verified": "on"})
    assert response.status_code in {403, 404, 405}, f"POST {name}: {response.status_code}"
