"""The indexes the national-scale EXPLAIN asked for, and that the real queries use them.

Each index is declared on its model; on PostgreSQL the query a view actually issues
(captured from the request) is explained with sequential scans off (the test data is
small) and must name the index: a partial index whose predicate the planner cannot
prove from the query's WHERE would be skipped. Generated documents are always looked
up with their object's type, the leading column of their index.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from competitions.models import Competition, PriorityProblem
from documents.models import GeneratedDocument
from notifications.models import Notification
from tests.factories import BidSubmissionFactory, CompetitionFactory, PriorityProblemFactory

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="EXPLAIN plans are checked on PostgreSQL"
)


def index_names(model) -> set[str]:
    return {index.name for index in model._meta.indexes}


def test_the_indexes_are_declared():
    assert "notification_inbox_idx" in index_names(Notification)
    assert {"problem_public_support_idx", "problem_public_recent_idx"} <= index_names(
        PriorityProblem
    )
    assert {"call_published_opens_idx", "call_published_closes_idx"} <= index_names(Competition)


def test_the_partial_indexes_repeat_the_lists_where():
    problems = {i.name: i for i in PriorityProblem._meta.indexes}
    for name in ("problem_public_support_idx", "problem_public_recent_idx"):
        condition = problems[name].condition
        assert condition is not None and condition.connector == "AND"
        assert sorted((c.negated, c.children[0]) for c in condition.children) == [
            (True, ("status", "archived")),
            (True, ("status", "draft")),
        ]
    assert problems["problem_public_support_idx"].fields == [
        "-support_count",
        "-published_at",
        "-id",
    ]
    assert problems["problem_public_recent_idx"].fields == ["-published_at", "-id"]
    for index in Competition._meta.indexes:
        if index.name.startswith("call_published_"):
            assert index.condition.children == [("status", "published")]


def captured(response_of, table: str) -> list[str]:
    """The SQL of the queries on `table` a request (or call) issued."""
    with CaptureQueriesContext(connection) as queries:
        response_of()
    return [q["sql"] for q in queries if f'FROM "{table}"' in q["sql"]]


def plan_of(sql: str, *, ordered: bool = False) -> str:
    """The plan with sequential scans priced out (the test's tables are tiny); with
    `ordered`, sorting too, so the plan shows which index delivers the rows in the
    query's order (a bitmap scan of another index plus a sort is as cheap at 60 rows)."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        if ordered:
            cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("ANALYZE")
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def uses(plan: str, index: str) -> bool:
    return f"Index Scan using {index} " in plan or f"Bitmap Index Scan on {index}" in plan


@postgresql_only
def test_the_notification_list_reads_the_inbox_index(cast, client_for):
    Notification.objects.bulk_create(
        Notification(user=user, event="e", category="bids", title=f"n{i}")
        for i in range(30)
        for user in (cast.officer_b, cast.ngo_member)
    )
    client = client_for(cast.officer_b)
    (page, *_) = [
        sql
        for sql in captured(lambda: client.get("/notifications/"), "notifications_notification")
        if "ORDER BY" in sql
    ]
    plan = plan_of(page, ordered=True)
    assert uses(plan, "notification_inbox_idx"), plan


@postgresql_only
@pytest.mark.parametrize(
    ("sort", "index"),
    [("", "problem_public_support_idx"), ("new", "problem_public_recent_idx")],
)
def test_the_problem_list_reads_its_partial_index(client, sort, index):
    base = PriorityProblemFactory()
    statuses = ("draft", "published", "in_call", "addressed", "archived")
    PriorityProblem.objects.bulk_create(
        PriorityProblem(
            municipality=base.municipality,
            sphere=base.sphere,
            title=f"p{i}",
            description="…",
            status=statuses[i % 5],
            support_count=i % 37,
            published_at=timezone.now() - datetime.timedelta(hours=i),
        )
        for i in range(400)
    )
    (page, *_) = [
        sql
        for sql in captured(
            lambda: client.get("/problems/", {"sort": sort} if sort else {}),
            "competitions_priorityproblem",
        )
        if "ORDER BY" in sql
    ]
    plan = plan_of(page)
    assert uses(plan, index), plan


@postgresql_only
def test_the_open_calls_read_the_published_call_indexes(client):
    now = timezone.now()
    base = CompetitionFactory(status=Competition.Status.PUBLISHED)
    calls = []
    # Mostly calls past their deadline, a few drafts, two open and one upcoming.
    for i in range(400):
        days = {0: 5, 1: -5, 2: -6}.get(i, -30 - i)
        call = Competition.objects.get(pk=base.pk)
        call.pk = None
        call.status = "draft" if i % 10 == 9 else "published"
        call.opens_at = now + datetime.timedelta(days=days)
        call.closes_at = call.opens_at + datetime.timedelta(days=20)
        call.implementation_start = (call.closes_at + datetime.timedelta(days=30)).date()
        call.implementation_end = (call.closes_at + datetime.timedelta(days=300)).date()
        calls.append(call)
    Competition.objects.bulk_create(calls)
    (page, *_) = [
        sql
        for sql in captured(
            lambda: client.get("/calls/", {"phase": "open"}), "competitions_competition"
        )
        if "ORDER BY" in sql
    ]
    plan = plan_of(page)
    assert uses(plan, "call_published_closes_idx") or uses(plan, "call_published_opens_idx"), plan


def test_the_document_lookup_filters_on_the_object_type():
    call = CompetitionFactory(status=Competition.Status.PUBLISHED)
    sql = str(
        GeneratedDocument.objects.for_object(call, kind="call-announcement", language="ru").query
    )
    assert '"documents_generateddocument"."object_type" = competitions.competition' in sql
    assert f'"documents_generateddocument"."object_id" = {call.pk}' in sql
    assert '"documents_generateddocument"."kind" = call-announcement' in sql
    assert '"documents_generateddocument"."language" = ru' in sql
    several = str(GeneratedDocument.objects.for_object(call, kind=["a", "b"]).query)
    assert '"documents_generateddocument"."kind" IN (a, b)' in several


def test_the_call_page_and_the_receipt_look_documents_up_by_object_type(client):
    from applications.views.bids import _receipts

    call = CompetitionFactory(status=Competition.Status.PUBLISHED)
    submission = BidSubmissionFactory()
    found = captured(lambda: client.get(f"/calls/{call.pk}/"), "documents_generateddocument")
    found += captured(lambda: _receipts(submission), "documents_generateddocument")
    assert len(found) == 2
    assert all('"documents_generateddocument"."object_type" = ' in sql for sql in found), found


@postgresql_only
def test_the_call_page_documents_read_the_object_index(client):
    call = CompetitionFactory(status=Competition.Status.PUBLISHED)
    # Documents of other objects, some of other types under the same id.
    types = ("competitions.competition", "applications.bidsubmission", "evaluation.result")
    GeneratedDocument.objects.bulk_create(
        GeneratedDocument(
            kind="call-announcement" if i % 3 == 0 else "other",
            object_type=types[i % 3],
            object_id=str(call.pk if i % 4 == 0 else i),
            language="ru",
            title="t",
            status="ready" if i % 5 else "failed",
        )
        for i in range(400)
    )
    (sql,) = captured(lambda: client.get(f"/calls/{call.pk}/"), "documents_generateddocument")
    (object_index,) = [
        i.name for i in GeneratedDocument._meta.indexes if i.fields[0] == "object_type"
    ]
    plan = plan_of(sql)
    assert uses(plan, object_index), plan
