#!/usr/bin/env python3
"""The deadline storm (security item 6, scenario T50 "last-minute storm").

50 organisations submit their complete drafts in the last second before a call's
deadline, against gunicorn with the production settings (2 sync workers, the
2-core target), while 200 visitors browse the public pages (each a page, then
~5 s reading: ~40 pages a second together). Measured: each
submit's latency (send → response) as a ratio to /healthz in the same run, the
status codes, and afterwards the reconciliation: every idempotency key sent has
exactly one `BidSubmission`, each submitted before the deadline, 50 receipts, no 5xx.

Needs PostgreSQL and Redis (skipped with one line, exit 0, when either is
unreachable); everything stays on 127.0.0.1. A throw-away database is created on
the server BENCH_DATABASE_URL names and dropped at the end, also on failure.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres   # where to create it
    BENCH_REDIS_URL=redis://127.0.0.1:6379/13                        # broker and cache
    .venv/bin/python scripts/bench_storm.py        # part of `make bench`

Exit 1 only when the reconciliation fails (a bid lost or duplicated, a 5xx, a
receipt missing); a p95 over the target is reported as FAIL with exit 0.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import http.client
import os
import platform
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from http.cookies import SimpleCookie
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/13"
TIME_BUDGET = 175  # seconds for the whole run; teardown gets what is left of 180
REQUEST_TIMEOUT = 30.0  # every request the benchmark sends
TARGET_P95 = 1.5  # seconds, at the deadline, on the 2-core target
REQUIRED_DOCUMENTS = ["Устав организации", "Смета расходов", "Гарантийное письмо партнёра"]
CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


class BudgetExceeded(Exception):
    pass


class SetupFailed(Exception):
    pass


def _out_of_time(signum: int, frame: FrameType | None) -> None:
    raise BudgetExceeded(f"the run took longer than {TIME_BUDGET} s")


def _stopped(signum: int, frame: FrameType | None) -> None:
    # SIGTERM (timeout, a supervisor) must still run the teardown, as Ctrl-C does.
    raise KeyboardInterrupt(f"stopped by {signal.Signals(signum).name}")


def _die_with_parent() -> None:
    """In the child: SIGTERM when this script dies, even by SIGKILL (Linux)."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def shown(url: str) -> str:
    """The URL without its password, for messages."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


# --- HTTP, as the trusted proxy passes it on --------------------------------------------


@dataclass
class Answer:
    status: int  # 0: no answer (refused, reset, timed out)
    elapsed: float  # seconds from connecting to the last byte of the answer
    sent_at: float  # epoch seconds, as in X-Request-Start
    location: str = ""
    cookies: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    error: str = ""


def fetch(
    port: int,
    method: str,
    path: str,
    *,
    cookies: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
) -> Answer:
    """One request on its own connection (sync workers close it anyway), with the headers
    nginx adds (`X-Request-Start: t=${msec}`, `X-Forwarded-For`, `X-Forwarded-Proto`)."""
    headers = {"X-Forwarded-For": "127.0.0.1", "X-Forwarded-Proto": "http"}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    body = None
    if form is not None:
        body = urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    start = time.perf_counter()
    sent_at = time.time()
    headers["X-Request-Start"] = f"t={sent_at:.3f}"
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        elapsed = time.perf_counter() - start
        jar: SimpleCookie = SimpleCookie()
        for raw in response.headers.get_all("Set-Cookie") or []:
            jar.load(raw)
        return Answer(
            status=response.status,
            elapsed=elapsed,
            sent_at=sent_at,
            location=response.headers.get("Location", ""),
            cookies={name: morsel.value for name, morsel in jar.items()},
            body=data,
        )
    except (OSError, http.client.HTTPException) as exc:
        return Answer(0, time.perf_counter() - start, sent_at, error=f"{type(exc).__name__}: {exc}")
    finally:
        connection.close()


def percentile(values: list[float], pct: int) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


# --- Services: the throw-away database, Redis, gunicorn --------------------------------


LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def not_loopback(*urls: str) -> list[str]:
    """The URLs whose host is not this machine: the benchmark creates and drops a database."""
    return [url for url in urls if (urlsplit(url).hostname or "localhost") not in LOOPBACK]


def services_problem(database_url: str, redis_url: str) -> str:
    """Empty when both answer, else why not."""
    try:
        import psycopg2

        psycopg2.connect(database_url, connect_timeout=3).close()
    except Exception as exc:
        return "PostgreSQL: " + " ".join(str(exc).split())[:200]
    try:
        import redis

        redis.Redis.from_url(redis_url, socket_connect_timeout=2, socket_timeout=2).ping()
    except Exception as exc:
        return "Redis: " + " ".join(str(exc).split())[:200]
    return ""


def server_sql(database_url: str, statement: str) -> None:
    import psycopg2

    connection = psycopg2.connect(database_url, connect_timeout=5)
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(statement)
    finally:
        connection.close()


class RedisLedger:
    """What the run adds to the bench's Redis database, to count queued tasks and to
    remove it afterwards (keys it created; items it pushed onto lists that were there)."""

    QUEUE = "celery"  # kombu LPUSHes new messages: they sit at the head of the list

    def __init__(self, url: str) -> None:
        import redis

        self.client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
        self.lists: dict[bytes, int] = {}
        self.keys: set[bytes] = set()
        for key in self.client.scan_iter(count=500):
            self.keys.add(key)
            if self.client.type(key) == b"list":
                self.lists[key] = self.client.llen(key)

    def queued(self) -> int:
        return int(self.client.llen(self.QUEUE))

    def clean(self) -> None:
        for key in self.client.scan_iter(count=500):
            if key not in self.keys:
                self.client.delete(key)
            elif key in self.lists and self.client.type(key) == b"list":
                added = self.client.llen(key) - self.lists[key]
                if added > 0:
                    self.client.ltrim(key, added, -1)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Gunicorn:
    process: subprocess.Popen[bytes]
    port: int
    log: Path
    version: str

    def tail(self, lines: int = 30) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        return ""

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)  # its own group: master and workers
        try:
            self.process.wait(timeout=8)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)


def start_gunicorn(env: dict[str, str], workers: int, tmp: Path) -> Gunicorn:
    import gunicorn
    from gunicorn.config import KNOWN_SETTINGS

    port = free_port()
    extra = []
    if any(setting.name == "control_socket_disable" for setting in KNOWN_SETTINGS):
        # Newer gunicorn (27 here) opens ~/.gunicorn/gunicorn.ctl, shared with any other one.
        extra.append("--no-control-socket")
    log = tmp / "gunicorn.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "municipal_order.wsgi",
                "-b",
                f"127.0.0.1:{port}",
                "-w",
                str(workers),
                "-k",
                "sync",
                "--timeout",
                "60",
                *extra,
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
    server = Gunicorn(process, port, log, gunicorn.__version__)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SetupFailed(f"gunicorn exited ({process.returncode}):\n{server.tail()}")
        if fetch(port, "GET", "/healthz").status == 200:
            return server
        time.sleep(0.2)
    server.stop()
    raise SetupFailed(f"gunicorn did not answer /healthz within 30 s:\n{server.tail()}")


# --- The data, built through the portal's services -------------------------------------


@dataclass
class Applicant:
    user_id: int
    bid_id: uuid.UUID
    cookies: dict[str, str] = field(default_factory=dict)
    csrf: str = ""
    key: str = field(default_factory=lambda: uuid.uuid4().hex)
    answer: Answer | None = None


def build(organisations: int) -> tuple[int, list[Applicant]]:
    """A municipality with its officer, a published call and `organisations` verified
    organisations, each with one complete draft: as seed_demo builds the demo."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.test.utils import override_settings
    from django.utils import timezone

    from accounts.services import confirm_email, register_user
    from applications.services.drafting import save_bid, start_bid
    from applications.services.files import add_document
    from applications.services.organizations import register_organization, set_verification
    from competitions.models import LegalForm, Municipality, MunicipalStaff, Sphere, TargetGroup
    from competitions.services.calls import COMMON_CRITERIA, publish_call, save_draft
    from competitions.services.problems import create_problem, publish_problem
    from competitions.services.programmes import create_programme
    from competitions.services.team import add_municipal_staff
    from competitions.services.territories import DEFAULT_PATH, import_territories
    from municipal_order.lib.actors import Actor

    # The bid the tests submit (budget, plan, indicators): one source for both.
    from tests.applications.conftest import INDICATORS, LINES
    from tests.files import pdf_upload

    system = Actor.system("bench_storm")
    password = secrets.token_urlsafe(16)

    def person(email: str, name: str) -> Any:
        user = register_user(email=email, password=password, full_name=name, language="ru")
        return confirm_email(user)

    # Nobody logs in with a password here (sessions are made directly): the fast hasher
    # only spares 50 × PBKDF2 while building; the server runs the production hashers.
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with fast, transaction.atomic():
        make_password(password)  # the hasher, loaded once
        import_territories(DEFAULT_PATH)
        municipality = Municipality.objects.get(code="alamudun")
        officer = person("officer@storm.bench.kg", "Специалист АО (стенд)")
        add_municipal_staff(
            municipality, email=officer.email, role=MunicipalStaff.Role.HEAD, by=system
        )
        chair = person("chair@storm.bench.kg", "Председатель комиссии (стенд)")
        member = person("member@storm.bench.kg", "Член комиссии (стенд)")
        problem = create_problem(
            municipality,
            data={
                "title": "Нет дневного центра для детей с инвалидностью",
                "description": "46 детей с инвалидностью; ближайший центр в Бишкеке.",
                "sphere": Sphere.objects.get(code="disability"),
                "beneficiaries": 46,
                "estimated_cost": Decimal("850000"),
                "assessment_method": "pra",
                "assessment_date": datetime.date(2026, 2, 18),
                "participants": 64,
                "women_participants": 41,
            },
            target_groups=TargetGroup.objects.filter(code="children-with-disabilities"),
            minutes=None,
            by=officer,
        )
        publish_problem(problem, by=officer)
        now = timezone.now()
        day = datetime.timedelta(days=1)
        programme = create_programme(
            municipality,
            data={
                "title": "Программа социального заказа (стенд)",
                "start_year": now.year,
                "end_year": now.year + 1,
                "kenesh_decision_number": "I-1/1",
                "kenesh_decision_date": (now - 30 * day).date(),
                "needs_assessment": "СИНС в сёлах аймака.",
            },
            budget={now.year: Decimal("50000000"), now.year + 1: Decimal("50000000")},
            problems=[problem],
            by=officer,
        )
        # The deadline moves to ~90 s from now right before the storm (main()).
        call = save_draft(
            municipality,
            call=None,
            data={
                "programme": programme,
                "title": "Дневной реабилитационный центр (штурм у дедлайна)",
                "goal": problem.description,
                "tasks": "Оказывать услуги 9 месяцев.",
                "target_group": "Дети с инвалидностью",
                "sphere": problem.sphere,
                "funding_source": "local",
                "total_budget": Decimal("25000000"),
                "max_per_bid": Decimal("500000"),
                "min_cofinancing_pct": 10,
                "implementation_start": (now + 30 * day).date(),
                "implementation_end": (now + 300 * day).date(),
                "opens_at": now - day,
                "closes_at": now + day,
                "required_documents": "\n".join(REQUIRED_DOCUMENTS),
                "eligible_forms": LegalForm.non_commercial(),
            },
            problems=[problem],
            criteria=[
                {"title": str(t), "weight": w, "max_score": 10, "guidance": ""}
                for t, w in COMMON_CRITERIA
            ],
            commission=[
                {"user": chair, "role": "chair", "affiliation": "civil_society"},
                {"user": officer, "role": "secretary", "affiliation": "state"},
                {"user": member, "role": "member", "affiliation": "civil_society"},
            ],
            by=officer,
        )
        call = publish_call(call, by=officer)
        start, end = call.implementation_start, call.implementation_end
        activities = [
            {
                "activity": "Ремонт и оснащение помещения",
                "starts_on": start,
                "ends_on": start + 30 * day,
                "responsible": "Руководитель проекта",
                "result": "Помещение готово",
            },
            {
                "activity": "Занятия с детьми",
                "starts_on": start + 31 * day,
                "ends_on": end,
                "responsible": "Логопед",
                "result": "20 детей занимаются 5 дней в неделю",
            },
        ]
        applicants = []
        for n in range(1, organisations + 1):
            user = person(f"ngo{n:02d}@storm.bench.kg", f"Руководитель ОФ №{n} (стенд)")
            organization = register_organization(
                admin=user,
                by=system,
                inn=f"9{n:013d}",
                name_ru=f"Общественный фонд «Штурм-{n:02d}»",
                legal_form=LegalForm.FOUNDATION,
                region=municipality.region,
                municipality=municipality,
                email=user.email,
            )
            organization = set_verification(organization, verified=True, note="стенд", by=officer)
            bid = start_bid(call, organization, by=user)
            bid = save_bid(
                bid,
                data={
                    "problem": problem,
                    "title": f"Дневной центр №{n}",
                    "summary": "Центр для 20 детей.",
                    "goal": "Реабилитация детей рядом с домом.",
                    "tasks": "Занятия 5 дней в неделю.",
                    "target_group": "Дети с инвалидностью 3–14 лет.",
                    "beneficiaries": 20,
                },
                budget_lines=LINES,
                activities=activities,
                indicators=INDICATORS,
                expected_version=bid.version,
                by=user,
            )
            for requirement in REQUIRED_DOCUMENTS:
                upload = pdf_upload(name=f"doc-{n}.pdf", text=requirement)
                add_document(bid, upload=upload, requirement=requirement, by=user)
            applicants.append(Applicant(user_id=user.pk, bid_id=bid.pk))
    return call.pk, applicants


def open_sessions(applicants: list[Applicant]) -> None:
    """A signed-in session for each member, as the login view leaves it (NGO members
    have no second factor)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from accounts.models import User
    from accounts.two_factor import requires_two_factor

    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    users = User.objects.in_bulk([a.user_id for a in applicants])
    for applicant in applicants:
        user = users[applicant.user_id]
        if requires_two_factor(user):
            raise SetupFailed(f"{user.email} would need a second factor")
        session = store_class()
        session[SESSION_KEY] = user._meta.pk.value_to_string(user)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session["_auth_started"] = session["_last_seen"] = time.time()
        session.create()
        applicant.cookies[settings.SESSION_COOKIE_NAME] = str(session.session_key)


def fetch_csrf(port: int, applicants: list[Applicant], csrf_cookie: str) -> None:
    """Each member opens the bid's page (the preview with the submit button) once."""

    def one(applicant: Applicant) -> None:
        answer = fetch(port, "GET", f"/bids/{applicant.bid_id}/", cookies=applicant.cookies)
        match = CSRF_FIELD.search(answer.body)
        if answer.status != 200 or match is None or csrf_cookie not in answer.cookies:
            applicant.csrf = ""
            return
        applicant.csrf = match.group(1).decode()
        applicant.cookies[csrf_cookie] = answer.cookies[csrf_cookie]

    run_threads([lambda a=a: one(a) for a in applicants], width=4)
    broken = [a for a in applicants if not a.csrf]
    if broken:
        raise SetupFailed(f"{len(broken)} bid pages gave no CSRF token (first: {broken[0].bid_id})")


def run_threads(jobs: list[Any], width: int) -> None:
    lock = threading.Lock()
    pending = list(jobs)

    def worker() -> None:
        while True:
            with lock:
                if not pending:
                    return
                job = pending.pop()
            job()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(width)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=REQUEST_TIMEOUT * 3)


def healthz_median(port: int, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        answer = fetch(port, "GET", "/healthz")
        if answer.status != 200:
            raise SetupFailed(f"/healthz answered {answer.status} {answer.error}")
        times.append(answer.elapsed)
    return statistics.median(times)


def process_cpu(pids: list[int]) -> dict[int, float]:
    """CPU seconds (user + system) each process used so far; gone processes are left out."""
    tick = os.sysconf("SC_CLK_TCK")
    used = {}
    for pid in pids:
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            used[pid] = (int(fields[11]) + int(fields[12])) / tick
    return used


def children(parent: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError):
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == parent:
                    found.append(int(entry.name))
    return found


def database_backends() -> list[int]:
    """The PostgreSQL backends serving the bench database, other than this script's."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        pids = [row[0] for row in cursor.fetchall()]
    connection.close()
    return pids


@dataclass
class CpuUse:
    """CPU seconds spent between the release and the last submit's answer."""

    gunicorn: float = 0.0
    postgres: float = 0.0
    load_generator: float = 0.0
    wall: float = 0.0


# --- The storm ---------------------------------------------------------------------------


@dataclass
class Storm:
    release_at: float
    browse: list[Answer]
    probes: list[Answer]
    queued_before: int
    queued_after: int
    cpu: CpuUse


def storm(
    port: int,
    applicants: list[Applicant],
    call_id: int,
    release_at: float,
    browsers: int,
    ledger: RedisLedger,
    server_pid: int,
    think: float = 5.0,
) -> Storm:
    go = threading.Event()
    stop = threading.Event()
    browse: list[Answer] = []
    probes: list[Answer] = []
    lock = threading.Lock()

    def submitter(applicant: Applicant) -> None:
        form = {"csrfmiddlewaretoken": applicant.csrf, "idempotency_key": applicant.key}
        go.wait()
        path = f"/bids/{applicant.bid_id}/submit/"
        applicant.answer = fetch(port, "POST", path, cookies=applicant.cookies, form=form)

    def browser(n: int) -> None:
        """A visitor: a page, then a pause to read it (uniform 0–2×`think` s, so
        `browsers` visitors ask about browsers/think pages a second together)."""
        pages = ["/calls/", f"/calls/{call_id}/", "/problems/", "/"]
        pace = random.Random(n)
        i = n
        stop.wait(pace.uniform(0, think))  # arrivals spread, not in step
        while not stop.is_set():
            answer = fetch(port, "GET", pages[i % len(pages)])
            i += 1
            if go.is_set():
                with lock:
                    browse.append(answer)
            stop.wait(pace.uniform(0, 2 * think))

    def prober() -> None:
        while not stop.is_set():
            answer = fetch(port, "GET", "/healthz")
            if go.is_set():
                probes.append(answer)
            stop.wait(0.25)

    submitters = [threading.Thread(target=submitter, args=(a,), daemon=True) for a in applicants]
    background = [threading.Thread(target=browser, args=(n,), daemon=True) for n in range(browsers)]
    background.append(threading.Thread(target=prober, daemon=True))
    for thread in submitters:
        thread.start()
    while release_at - time.time() > 3:  # the browsing load starts 3 s before the storm
        time.sleep(0.2)
    for thread in background:
        thread.start()
    queued_before = ledger.queued()
    workers = [server_pid, *children(server_pid)]
    backends = database_backends()
    while (left := release_at - time.time()) > 0:
        time.sleep(min(left, 0.05) if left > 0.002 else 0)
    cpu_before = (process_cpu(workers), process_cpu(backends), time.process_time())
    wall = time.perf_counter()
    go.set()
    finish = time.monotonic() + REQUEST_TIMEOUT + 5
    for thread in submitters:
        thread.join(timeout=max(finish - time.monotonic(), 0.1))
    cpu = CpuUse(wall=time.perf_counter() - wall)
    after = process_cpu(workers), process_cpu(backends)
    cpu.gunicorn = sum(t - cpu_before[0].get(pid, t) for pid, t in after[0].items())
    cpu.postgres = sum(t - cpu_before[1].get(pid, t) for pid, t in after[1].items())
    cpu.load_generator = time.process_time() - cpu_before[2]
    time.sleep(0.5)  # the receipts' tasks are queued on commit, just before the answer
    queued_after = ledger.queued()
    stop.set()
    for thread in background:
        thread.join(timeout=REQUEST_TIMEOUT + 2)
    return Storm(release_at, browse, probes, queued_before, queued_after, cpu)


# --- Reconciliation and the report ------------------------------------------------------


@dataclass
class Reconciliation:
    ok: bool
    lines: list[str]


def reconcile(
    call_id: int, applicants: list[Applicant], deadline: datetime.datetime
) -> Reconciliation:
    from applications.models import BidSubmission
    from documents.models import GeneratedDocument

    rows = list(
        BidSubmission.objects.filter(bid__competition_id=call_id).values(
            "id", "bid_id", "idempotency_key", "submitted_at", "receipt_number"
        )
    )
    sent = {(a.bid_id, a.key): a for a in applicants if a.answer is not None}
    per_key = {pair: 0 for pair in sent}
    strangers = 0
    for row in rows:
        pair = (row["bid_id"], row["idempotency_key"])
        if pair in per_key:
            per_key[pair] += 1
        else:
            strangers += 1
    exactly_one = sum(1 for count in per_key.values() if count == 1)
    missing = sum(1 for count in per_key.values() if count == 0)
    doubled = sum(1 for count in per_key.values() if count > 1)
    by_pair = {(r["bid_id"], r["idempotency_key"]): r for r in rows}
    receipt_mismatch = 0
    for pair, applicant in sent.items():
        row = by_pair.get(pair)
        answer = applicant.answer
        if row is not None and answer is not None and str(row["id"]) not in answer.location:
            receipt_mismatch += 1
    numbers = {r["receipt_number"] for r in rows}
    late = [r for r in rows if r["submitted_at"] >= deadline]
    margins = [(r["submitted_at"] - deadline).total_seconds() for r in rows]
    pdfs = GeneratedDocument.objects.filter(
        kind="bid-receipt", object_id__in=[str(r["id"]) for r in rows]
    ).count()
    five_xx = sum(1 for a in applicants if a.answer and a.answer.status >= 500)
    silent = sum(1 for a in applicants if a.answer is None or a.answer.status == 0)
    expected = len(applicants)
    checks = [
        (
            f"keys sent with exactly one BidSubmission: {exactly_one}/{len(sent)}",
            exactly_one == expected,
        ),
        (
            f"keys without a row: {missing}; with more than one: {doubled}",
            not missing and not doubled,
        ),
        (f"rows for keys never sent: {strangers}", strangers == 0),
        (f"receipts (distinct numbers): {len(numbers)} of {expected}", len(numbers) == expected),
        (f"receipt PDFs queued (GeneratedDocument rows): {pdfs}", pdfs == expected),
        (f"answers pointing at another receipt: {receipt_mismatch}", receipt_mismatch == 0),
        (f"5xx: {five_xx}; no answer: {silent}", five_xx == 0 and silent == 0),
        (
            f"submitted_at before the deadline: {len(rows) - len(late)}/{len(rows)}"
            + (f" (latest {max(margins):+.3f} s)" if margins else ""),
            not late,
        ),
    ]
    lines = [f"  {'ok ' if good else 'NOT'} {text}" for text, good in checks]
    return Reconciliation(all(good for _, good in checks), lines)


def machine() -> str:
    model = f"platform.processor()={platform.processor()!r}"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model += f" ({line.split(':', 1)[1].strip()})"
                break
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return f"{os.cpu_count()} cores, {model}, {platform.machine()}; load average {load} at start"


def report(
    server: Gunicorn,
    workers: int,
    applicants: list[Applicant],
    result: Storm,
    baseline: float,
    deadline_epoch: float,
    reconciliation: Reconciliation,
    host: str,
) -> bool:
    answers = [a.answer for a in applicants if a.answer is not None]
    answered = [a for a in answers if a.status]
    accepted = [a for a in answered if a.status == 302 and "/receipts/" in a.location]
    five_xx = [a for a in answered if a.status >= 500]
    refused = len(answered) - len(accepted) - len(five_xx)  # 409 late, 403, a redirect back
    latencies = [a.elapsed for a in answered]
    sends = [a.sent_at - deadline_epoch for a in answers]
    statuses: dict[int, int] = {}
    for a in answers:
        statuses[a.status] = statuses.get(a.status, 0) + 1

    def row(label: str, seconds: float) -> str:
        return f"  {label:34} {seconds * 1000:9.0f} ms {seconds / baseline:9.1f} ×"

    print()
    print("Deadline storm (T50) — compare ratios within one run, not ms across machines")
    print(f"  machine: {host}")
    print(
        f"  gunicorn {server.version}: {workers} workers, worker class sync "
        "(as the docs/operations.md recipe); behind the proxy: X-Request-Start"
    )
    print(
        f"  load: {len(applicants)} submits released together"
        f" {min(sends):+.3f} … {max(sends):+.3f} s to the deadline,"
        f" {len(result.browse)} public page views by the browsers meanwhile"
    )
    print(
        f"  submits sent / accepted / refused / 5xx / no answer: {len(answers)} / "
        f"{len(accepted)} / {refused} / {len(five_xx)} / {len(answers) - len(answered)}"
        f"   (status codes: {dict(sorted(statuses.items()))})"
    )
    print(f"  {'':34} {'latency':>12} {'× healthz':>11}")
    print(row("/healthz median, idle (baseline)", baseline))
    ok = False
    if latencies:
        p95 = percentile(latencies, 95)
        print(row("submit p50", percentile(latencies, 50)))
        print(row("submit p95", p95))
        print(row("submit p99", percentile(latencies, 99)))
        print(row("submit max", max(latencies)))
        ok = p95 <= TARGET_P95
    browse = [a.elapsed for a in result.browse if a.status == 200]
    if browse:
        print(row("public pages p50 during the storm", percentile(browse, 50)))
        print(row("public pages p95 during the storm", percentile(browse, 95)))
    probes = [a.elapsed for a in result.probes if a.status]
    if probes:
        print(row("/healthz max during the storm", max(probes)))
    cpu = result.cpu
    print(
        f"  storm: release → last submit answered {cpu.wall:.2f} s; CPU meanwhile: gunicorn "
        f"workers {cpu.gunicorn:.2f} s, PostgreSQL backends {cpu.postgres:.2f} s, this load "
        f"generator {cpu.load_generator:.2f} s (of {cpu.wall * (os.cpu_count() or 1):.2f} s "
        f"on {os.cpu_count()} cores)"
    )
    print(
        f"  tasks queued in Redis during the storm (receipt PDFs, e-mails): "
        f"{result.queued_after - result.queued_before}"
    )
    print(f"  rows reconciled: {'OK' if reconciliation.ok else 'NOT OK'}")
    for line in reconciliation.lines:
        print(line)
    verdict = "PASS" if ok else "FAIL"
    print(f"  target p95 ≤ {TARGET_P95} s: {verdict}")
    return ok


# --- Where a submit's time goes (--profile) ---------------------------------------------


def locks_call_row(sql: str) -> bool:
    """A `FOR UPDATE` that locks a call's row: on the call, or on a join with it without
    `OF` (PostgreSQL then locks every joined row)."""
    if "FOR UPDATE" not in sql or '"competitions_competition"' not in sql:
        return False
    tail = sql.rsplit("FOR UPDATE", 1)[1]
    return " OF " not in tail or '"competitions_competition"' in tail


def statements_under_lock(queries: list[tuple[str, float]]) -> tuple[int, int]:
    """How many statements run after the call row is locked, and after the audit chain's
    advisory lock, until the COMMIT that releases them."""
    call_at = chain_at = commit_at = None
    for n, (sql, _) in enumerate(queries):
        if call_at is None and locks_call_row(sql):
            call_at = n
        if chain_at is None and "pg_advisory_xact_lock" in sql:
            chain_at = n
        if sql == "COMMIT" and (call_at is not None or chain_at is not None):
            commit_at = n  # marked by an on_commit callback (the commit is no statement)
            break
    if commit_at is None:
        commit_at = len(queries)
    return (
        commit_at - call_at if call_at is not None else 0,
        commit_at - chain_at if chain_at is not None else 0,
    )


def profile_submits(applicants: list[Applicant], count: int, call_id: int) -> None:
    """The same setup, no server and no concurrency: `count` submits one after another
    through the test client (the whole middleware stack, the production settings) timed,
    with their queries; `count` more under cProfile; the public pages for comparison."""
    import cProfile
    import io
    import pstats

    from django.db import connection, transaction
    from django.test import Client

    from accounts.models import User

    queries: list[tuple[str, float]] = []

    marked: list[bool] = []  # a commit marker is pending (one per transaction)

    def mark_commit() -> None:
        queries.append(("COMMIT", 0.0))
        marked.clear()

    def timed(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            queries.append((sql, time.perf_counter() - start))
            if locks_call_row(sql) and connection.in_atomic_block and not marked:
                # The first callback after the submit's COMMIT marks where it was.
                marked.append(True)
                transaction.on_commit(mark_commit)

    # One client, as one gunicorn worker: its handler loads the middleware once.
    client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_FOR="127.0.0.1")
    profiler = cProfile.Profile()
    walls: list[float] = []
    per_submit: list[tuple[int, float]] = []
    locked: list[tuple[int, int]] = []
    statements: dict[str, int] = {}
    count = min(count, (len(applicants) - 1) // 2)
    batch = applicants[: 2 * count + 1]
    for n, applicant in enumerate(batch):
        client.logout()
        user = User.objects.get(pk=applicant.user_id)
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        profiled = n > count
        queries.clear()
        with connection.execute_wrapper(timed):
            start = time.perf_counter()
            if profiled:
                profiler.enable()
            response = client.post(
                f"/bids/{applicant.bid_id}/submit/",
                {"idempotency_key": applicant.key},
                HTTP_X_REQUEST_START=f"t={time.time():.3f}",
            )
            if profiled:
                profiler.disable()
            wall = time.perf_counter() - start
        if response.status_code != 302 or "/receipts/" not in response["Location"]:
            raise SetupFailed(f"profiled submit answered {response.status_code}")
        if n == 0 or profiled:
            continue  # the first is the warm-up: imports, templates, connections
        walls.append(wall)
        locked.append(statements_under_lock(queries))
        queries[:] = [q for q in queries if q[0] != "COMMIT"]
        per_submit.append((len(queries), sum(t for _, t in queries)))
        for sql, _ in queries:
            head = re.sub(r'"s\d+_x\d+"', '"s…"', re.sub(r"\s+", " ", sql))[:96]
            statements[head] = statements.get(head, 0) + 1
    client.logout()
    pages = {}
    for path in ("/healthz", "/calls/", f"/calls/{call_id}/"):
        client.get(path)
        times = []
        for _ in range(10):
            start = time.perf_counter()
            client.get(path)
            times.append(time.perf_counter() - start)
        pages[path] = statistics.median(times)

    median = statistics.median(walls)
    print(f"profile: {len(walls)} submits one at a time (after a warm-up), in process")
    print(
        f"  submit: median {median * 1000:.1f} ms wall; "
        f"{statistics.median(q for q, _ in per_submit):.0f} queries taking "
        f"{statistics.median(t for _, t in per_submit) * 1000:.1f} ms (client side)"
    )
    for path, seconds in pages.items():
        print(
            f"  GET {path:24} median {seconds * 1000:6.1f} ms ({seconds / median:.2f} × a submit)"
        )
    call_lock, chain_lock = (statistics.median(n[i] for n in locked) for i in (0, 1))
    print(
        f"  statements while the call's row is locked: {call_lock:.0f}; "
        f"the audit chain's advisory lock: {chain_lock:.0f} (each until COMMIT)"
    )
    print("  statements per submit (first 96 characters), most frequent first:")
    for head, seen in sorted(statements.items(), key=lambda item: -item[1]):
        print(f"  {seen / len(walls):4.1f}  {head}")
    project = re.escape(str(ROOT)) + r"/(?!\.venv)"  # the portal's code, not the libraries
    for order, limit in (("cumulative", 40), ("tottime", 15)):
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats(order)
        if order == "cumulative":
            stats.print_stats(project, limit)
        else:
            stats.print_stats(limit)
        print(
            f"cProfile of {count} submits, by {order}"
            + (", project code" if order == "cumulative" else "")
            + ":"
        )
        print(out.getvalue().split("\n\n", 1)[-1].rstrip())


# --- Main --------------------------------------------------------------------------------


@dataclass
class Held:
    """What the run started, for the teardown: stopped or removed whatever happened."""

    ledger: RedisLedger | None = None
    server: Gunicorn | None = None
    collect: subprocess.Popen[bytes] | None = None


def run(args: argparse.Namespace, bench_url: str, redis_url: str, tmp: Path, held: Held) -> int:
    started = time.monotonic()
    host = machine()
    env = {
        "DJANGO_SETTINGS_MODULE": "municipal_order.settings",
        "DEBUG": "0",
        "SECRET_KEY": "bench-storm-" + secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "127.0.0.1",
        "HTTPS": "0",
        "BEHIND_PROXY": "1",
        "DATABASE_URL": bench_url,
        "CELERY_BROKER_URL": redis_url,
        "REDIS_URL": redis_url,  # the cache, as production's REDIS_URL
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "MEDIA_ROOT": str(tmp / "private"),
        "STATIC_ROOT": str(tmp / "static"),
        "PORTAL_CLOCK": "database",
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    # DEBUG=0 serves hashed static names from the manifest: collected meanwhile.
    held.collect = subprocess.Popen(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=ROOT,
        env=dict(os.environ),
        preexec_fn=_die_with_parent,
    )
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from competitions.models import Competition
    from municipal_order.lib.clock import deciding_now

    call_command("migrate", verbosity=0)
    t_migrated = time.monotonic() - started
    call_id, applicants = build(args.organisations)
    t_built = time.monotonic() - started
    if held.collect.wait(timeout=60) != 0:
        raise SetupFailed("collectstatic failed")
    print(
        f"storm: database migrated in {t_migrated:.0f} s, {len(applicants)} complete drafts "
        f"built in {t_built - t_migrated:.0f} s"
    )
    if args.profile:
        profile_submits(applicants, args.profile, call_id)
        return 0
    # No time machine in a real server: the call's deadline moves to ~90 s from now on
    # the deciding clock (amend_call would rightly give applicants 7 days' grace).
    lead = min(args.lead, TIME_BUDGET - (time.monotonic() - started) - 45)
    if lead < 30:
        raise SetupFailed(f"setup took too long ({t_built:.0f} s): no time left for the storm")
    now = deciding_now()
    deadline = now + datetime.timedelta(seconds=lead)
    Competition.objects.filter(pk=call_id).update(
        opens_at=now - datetime.timedelta(days=1), closes_at=deadline
    )
    deadline_epoch = deadline.timestamp()
    release_at = deadline_epoch - args.send_before
    print(f"storm: deadline in {lead:.0f} s; starting gunicorn, sessions, CSRF tokens")

    held.server = server = start_gunicorn(dict(os.environ), args.workers, tmp)
    open_sessions(applicants)
    for _ in range(5):  # both workers warm on the public pages
        fetch(server.port, "GET", "/calls/")
        fetch(server.port, "GET", f"/calls/{call_id}/")
    fetch_csrf(server.port, applicants, settings.CSRF_COOKIE_NAME)
    baseline = healthz_median(server.port, 40)
    if time.time() > release_at - 4:
        raise SetupFailed("preparing the clients took past the release time: raise --lead")
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        host += "; " + " ".join(cursor.fetchone()[0].split()[:2])
    connection.close()  # idle through the wait; the reconciliation reconnects
    print(f"storm: releasing the submits in {release_at - time.time():.0f} s")
    assert held.ledger is not None
    result = storm(
        server.port,
        applicants,
        call_id,
        release_at,
        args.browsers,
        held.ledger,
        server.process.pid,
        think=args.think,
    )
    reconciliation = reconcile(call_id, applicants, deadline)
    report(
        server,
        args.workers,
        applicants,
        result,
        baseline,
        deadline_epoch,
        reconciliation,
        host,
    )
    if not reconciliation.ok:
        print("gunicorn's last lines:\n" + server.tail(15))
    print(f"storm: done in {time.monotonic() - started:.0f} s")
    return 0 if reconciliation.ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--organisations", type=int, default=50)
    parser.add_argument("--browsers", type=int, default=200, help="visitors browsing meanwhile")
    parser.add_argument("--think", type=float, default=5.0, help="a visitor's mean pause, s")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--lead", type=float, default=90.0, help="deadline this far ahead, s")
    parser.add_argument("--send-before", type=float, default=1.0, help="s before the deadline")
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="N",
        help="no storm: time N submits one at a time through the test client, profile N more",
    )
    args = parser.parse_args()

    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    redis_url = os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL)
    remote = not_loopback(database_url, redis_url)
    if remote:
        print(
            f"storm benchmark refused: loopback servers only, not {', '.join(map(shown, remote))}"
        )
        return 2
    problem = services_problem(database_url, redis_url)
    if problem:
        print(
            f"storm benchmark skipped: needs PostgreSQL at {shown(database_url)} and Redis at "
            f"{shown(redis_url)} ({problem})"
        )
        return 0

    signal.signal(signal.SIGALRM, _out_of_time)
    signal.signal(signal.SIGTERM, _stopped)
    signal.signal(signal.SIGHUP, _stopped)
    signal.alarm(TIME_BUDGET)
    name = f"mo_bench_storm_{os.getpid()}"
    tmp = Path(tempfile.mkdtemp(prefix="bench-storm-"))
    held = Held(ledger=RedisLedger(redis_url))
    created = False
    try:
        server_sql(database_url, f'CREATE DATABASE "{name}"')
        created = True
        bench_url = urlunsplit(urlsplit(database_url)._replace(path=f"/{name}"))
        return run(args, bench_url, redis_url, tmp, held)
    except (SetupFailed, BudgetExceeded, KeyboardInterrupt) as exc:
        print(f"storm benchmark FAILED to run: {exc}", file=sys.stderr)
        if held.server is not None:
            print(held.server.tail(15), file=sys.stderr)
        return 1
    finally:
        signal.alarm(0)  # the teardown is not cut short
        teardown(held, database_url, name if created else "", tmp)


def teardown(held: Held, database_url: str, name: str, tmp: Path) -> None:
    if held.server is not None:
        held.server.stop()
    if held.collect is not None and held.collect.poll() is None:
        held.collect.kill()
        held.collect.wait(timeout=5)
    with contextlib.suppress(Exception):
        from django.db import connections

        connections.close_all()
    if name:
        try:
            server_sql(database_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        except Exception as exc:
            print(f"storm: could not drop the database {name}: {exc}", file=sys.stderr)
    if held.ledger is not None:
        try:
            held.ledger.clean()
        except Exception as exc:
            print(f"storm: could not clean up Redis: {exc}", file=sys.stderr)
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
