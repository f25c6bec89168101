#!/usr/bin/env python3
"""Page benchmarks: time and queries per request, as ratios to a trivial view.

Runs against a throw-away SQLite database filled with the demo data (or the
database DATABASE_URL names). Timings on a shared 2-core machine are noisy:
compare ratios measured in one run, never absolute numbers across runs.

    make bench            # or: .venv/bin/python scripts/bench.py [--repeat 30]

The last rows time a request that queues work (asking for a PDF) with the broker
up, with Redis down and with Redis hanging (issue item 5: a dead Redis used to cost
~19 s per queued task; the target is p95 < 2 s), as a ratio to the same request
with the broker up.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    tmp = tempfile.mkdtemp()
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-" + "x" * 40)
    os.environ.setdefault("HTTPS", "0")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    os.environ.setdefault("MEDIA_ROOT", tmp)
    os.environ["DJANGO_SETTINGS_MODULE"] = "municipal_order.settings"
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import override_settings

    plain_static = override_settings(
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    )
    call_command("migrate", verbosity=0)
    with plain_static, open(os.devnull, "w") as quiet:
        call_command("seed_demo", verbosity=0, stdout=quiet)

    from django_otp import DEVICE_ID_SESSION_KEY

    from accounts.models import User
    from accounts.two_factor import authenticator
    from applications.models import Bid
    from competitions.models import Competition, PriorityProblem
    from monitoring.models import Project
    from municipal_order.demo.data import CALLS

    titles = {phase: title for _code, _problem, title, phase, *_rest in CALLS}
    call = Competition.objects.get(title=titles["open"])
    results = Competition.objects.get(title=titles["results"])
    problem = PriorityProblem.objects.public().first()
    bid = Bid.objects.get(
        competition=call, status="submitted", organization__members__user__email="ngo.komok@demo.kg"
    )
    result_bid = Bid.objects.get(
        competition=results, organization__members__user__email="ngo.umut@demo.kg"
    )
    draft = Bid.objects.get(status="draft")
    # The day centre in Alamudun: the demo's first project, its interim report on file.
    project = Project.objects.filter(municipality__code="alamudun").order_by("pk").first()
    report = project.reports.order_by("due_on").first()
    pages = [
        ("/healthz", None),
        ("/", None),
        ("/municipalities/", None),
        ("/problems/", None),
        (f"/problems/{problem.pk}/", None),
        ("/calls/", None),
        (f"/calls/{call.pk}/", None),
        ("/municipalities/alamudun/workspace/", "officer.alamudun@demo.kg"),
        ("/organizations/", "ngo.komok@demo.kg"),
        (f"/bids/{bid.pk}/", "ngo.komok@demo.kg"),
        (f"/bids/{draft.pk}/edit/budget/", "ngo.ravnye@demo.kg"),
        (f"/bids/{draft.pk}/edit/documents/", "ngo.ravnye@demo.kg"),
        (f"/calls/{results.pk}/results/", None),
        (f"/commission/calls/{results.pk}/results/", "expert.civil@demo.kg"),
        (f"/bids/{result_bid.pk}/", "ngo.umut@demo.kg"),
        (f"/projects/{project.pk}/", None),
        ("/municipalities/alamudun/workspace/projects/", "officer.alamudun@demo.kg"),
        (f"/municipalities/alamudun/workspace/projects/{project.pk}/", "officer.alamudun@demo.kg"),
        ("/projects/mine/", "ngo.komok@demo.kg"),
        (f"/projects/{project.pk}/reports/{report.pk}/", "ngo.komok@demo.kg"),
    ]
    rows = []
    with override_settings(
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        DEBUG=True,  # to count queries
    ):
        for url, email in pages:
            client = Client()
            if email:
                user = User.objects.get(email=email)
                client.force_login(user)
                device = authenticator(user)
                if device is not None:  # the demo officer's second factor, as the code step does
                    session = client.session
                    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
                    session.save()
            client.get(url)  # warm up
            times, queries = [], 0
            for _ in range(args.repeat):
                reset_queries()
                start = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - start)
                queries = len(connection.queries)
                assert response.status_code == 200, (url, response.status_code)
            rows.append((url, statistics.median(times), queries))
    base = rows[0][1]
    print(f"machine: {os.cpu_count()} cores; database: {connection.vendor}; repeat: {args.repeat}")
    print(f"{'page':45} {'median ms':>10} {'× healthz':>10} {'queries':>8}")
    for url, median, queries in rows:
        print(f"{url:45} {median * 1000:10.1f} {median / base:10.1f} {queries:8}")
    with plain_static:
        evaluation = closed_call(200)
        protocol_s, protocol_pages = bench_document("evaluation-protocol", evaluation)
        consolidated_s, consolidated_pages = bench_document("evaluation-consolidated", evaluation)
    print(
        f"\n{'PDF: protocol of a 200-bid call (context + render)':45} {protocol_s * 1000:10.1f} "
        f"ms, {protocol_pages} pages (target <= 5000 ms)"
    )
    print(
        f"{'PDF: consolidated sheet of a 200-bid call':45} {consolidated_s * 1000:10.1f} "
        f"ms, {consolidated_pages} pages ({consolidated_s / consolidated_pages * 1000:.0f} "
        f"ms a page; the protocol {protocol_s / protocol_pages * 1000:.0f})"
    )
    with plain_static:
        queueing = bench_queueing(args.repeat)
    up = queueing[0][1]
    print(
        f"\n{'request that queues work (POST: a call announcement PDF)':45} {'median ms':>10} "
        f"{'p95 ms':>10} {'× up':>8} {'× healthz':>10}"
    )
    for label, median, p95 in queueing:
        print(
            f"{label:45} {median * 1000:10.1f} {p95 * 1000:10.1f} {median / up:8.1f} "
            f"{median / base:10.1f}"
        )


def bench_protocol(bids: int, repeat: int = 3) -> tuple[float, int]:
    """(median s, pages) of building the evaluation protocol's HTML (context and
    templates, in Russian) and rendering it with WeasyPrint, for a closed call of
    `bids` admitted bids (see `closed_call`)."""
    return bench_document("evaluation-protocol", closed_call(bids), repeat)


def closed_call(bids: int):
    """The CallEvaluation of a closed call of `bids` admitted bids written straight to
    the tables: three seats, a recusal on every tenth bid, a submitted score sheet of
    every other seat on each bid, a result on each."""
    from decimal import Decimal

    from django.utils import timezone

    from applications.models import Bid, BidSubmission
    from competitions.models import CommissionMember, Competition, Municipality
    from evaluation.models import (
        BidResult,
        CallEvaluation,
        ConflictDeclaration,
        Score,
        ScoreSheet,
    )
    from tests.factories import (
        CompetitionFactory,
        MunicipalityFactory,
        OrganizationFactory,
        UserFactory,
    )

    now = timezone.now()
    Role = CommissionMember.Role
    call = CompetitionFactory(
        municipality=Municipality.objects.first() or MunicipalityFactory(),
        status=Competition.Status.PUBLISHED,
        now=now - datetime.timedelta(days=40),
        commission=[
            (UserFactory(full_name="Председатель Бенч"), Role.CHAIR, "civil_society"),
            (UserFactory(full_name="Секретарь Бенч"), Role.SECRETARY, "state"),
            (UserFactory(full_name="Член Бенч"), Role.MEMBER, "expert"),
        ],
    )
    seats = list(call.commission.order_by("pk"))
    organizations = [OrganizationFactory(name_ru=f"ОО «Бенч {i}»") for i in range(bids)]
    bid_rows = Bid.objects.bulk_create(
        Bid(competition=call, organization=o, status=Bid.Status.SUBMITTED, title=f"Проект {i}")
        for i, o in enumerate(organizations)
    )
    submissions = BidSubmission.objects.bulk_create(
        BidSubmission(
            bid=b,
            receipt_number=f"B{call.pk}-{i:04d}",
            idempotency_key=f"bench-{call.pk}-{i}",
            submitted_at=now - datetime.timedelta(days=35, minutes=i),
            content={"title": f"Проект номер {i}: наставники и кружки для подростков"},
            submitted_by=seats[0].user,
            content_sha256="0" * 64,
            requested_total=Decimal("4500"),
        )
        for i, b in enumerate(bid_rows)
    )
    evaluation = CallEvaluation.objects.create(
        competition=call,
        closed_at=now,
        budget=call.total_budget,
        selected_total=Decimal("450000"),
        meeting_on=now.date(),
        meeting_place="Зал заседаний",
        decisions="Утвердить рейтинг.",
        approved_at=now,
        edition=1,
    )
    evaluation.attendees.set(seats)
    BidResult.objects.bulk_create(
        BidResult(
            evaluation=evaluation,
            submission=s,
            score=Decimal(95) - Decimal(i) / 4,
            sheets_counted=3 if i % 10 else 2,
            rank=i + 1,
            status="selected" if i < 100 else "reserve",
            reserve_position=None if i < 100 else i - 99,
            requested=Decimal("4500"),
            awarded=Decimal("4500") if i < 100 else None,
        )
        for i, s in enumerate(submissions)
    )
    ConflictDeclaration.objects.bulk_create(
        ConflictDeclaration(
            seat=seats[2], submission=s, has_conflict=True, statement="Родство.", declared_at=now
        )
        for s in submissions[::10]
    )
    criteria = list(call.criteria.order_by("position", "pk"))
    sheets = ScoreSheet.objects.bulk_create(
        ScoreSheet(seat=seat, submission=s, submitted_at=now, version=1)
        for i, s in enumerate(submissions)
        for seat in seats
        if i % 10 or seat != seats[2]
    )
    Score.objects.bulk_create(
        Score(sheet=sheet, criterion=c, value=(sheet.pk + c.pk) % 10 + 1)
        for sheet in sheets
        for c in criteria
    )
    return evaluation


def bench_document(kind: str, evaluation, repeat: int = 3) -> tuple[float, int]:
    """(median s, pages) of building a call evaluation's document (HTML in Russian,
    then WeasyPrint)."""
    from documents.models import GeneratedDocument
    from documents.services import build_html
    from municipal_order.lib.pdf import render_pdf

    doc = GeneratedDocument(
        kind=kind,
        object_type="evaluation.callevaluation",
        object_id=str(evaluation.pk),
        language="ru",
        title={"evaluation-protocol": "Протокол"}.get(kind, "Сводный оценочный лист"),
    )
    times, pages = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        html, _sha = build_html(doc)
        pages = render_pdf(html).pages
        times.append(time.perf_counter() - start)
    return statistics.median(times), pages


def bench_queueing(repeat: int) -> list[tuple[str, float, float]]:
    """(label, median s, p95 s) of a POST that queues a task: broker up, then Redis down."""
    from django.test import Client

    from accounts.models import User
    from competitions.models import Competition
    from documents.models import GeneratedDocument
    from municipal_order.celery import app
    from tests.drills.outage import celery_conf, redis_down, silent_port

    # An NGO member asks for a published call's announcement (public; no second factor).
    client = Client()
    client.force_login(User.objects.get(email="ngo.komok@demo.kg"))
    call = Competition.objects.filter(status="published").first()
    url = f"/documents/request/call-announcement/{call.pk}/"

    def measure(times_to_run: int = repeat) -> tuple[float, float]:
        times = []
        for _ in range(times_to_run):
            # A pending document is reused (a double click makes one): start without one,
            # so that every POST creates a row and queues its task.
            GeneratedDocument.objects.filter(status=GeneratedDocument.Status.PENDING).delete()
            start = time.perf_counter()
            response = client.post(url, {"language": "ru"})
            times.append(time.perf_counter() - start)
            assert response.status_code == 302, response.status_code
        times.sort()
        return statistics.median(times), times[max(0, round(0.95 * len(times)) - 1)]

    # Broker up: a live in-memory broker, not eager (eager would render the PDF inline).
    up = {"broker_write_url": "memory://localhost/", "task_always_eager": False}
    with celery_conf(app, up):
        measure()  # warm up
        broker_up = measure()
    # Redis down: the settings production computes for a Redis at a closed port.
    with redis_down(app):
        broker_down = measure()
    # Redis accepting connections but never answering: bounded by the read timeout
    # (~2 s a request), so only a few rounds.
    with silent_port() as port, redis_down(app, port=port):
        broker_hung = measure(min(repeat, 5))
    return [
        ("broker up (in-memory transport)", *broker_up),
        ("broker down (Redis refused)", *broker_down),
        ("broker hung (Redis never answers)", *broker_hung),
    ]


if __name__ == "__main__":
    main()
