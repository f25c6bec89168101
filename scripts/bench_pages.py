#!/usr/bin/env python3
"""Every page type at national scale, on PostgreSQL and gunicorn (issue 14).

Two throw-away databases are filled by `manage.py bench_data`: scale 1 (≈500
municipalities, 2,000 calls, 20,000 bids, their scores, projects, notifications and
audit rows) and scale 10 (ten times the public content). For every page type, for
the public, an NGO member, an officer, ministry staff and a site administrator:

- the SQL query count at both sizes (the same number is the target),
- the page weight at scale 10 (bytes, and gzipped as it travels; target < 200 KB),
- p50/p95 server time at each size against gunicorn (2 sync workers, the 2-core
  target) under USERS concurrent clients, with /healthz measured in the same run as
  the yardstick (target p95 ≤ 150 ms on this machine, noted with its ratio),
- for the three heaviest lists, the ORM's time against hand-written SQL returning
  the same rows (target within 3×).

It prints a table and writes docs/performance.md (the section between the markers).

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres   # where to create them
    BENCH_REDIS_URL=redis://127.0.0.1:6379/13
    .venv/bin/python scripts/bench_pages.py [--users 4] [--repeat 20] [--keep]

A child process (`--probe DATABASE_URL`) does what needs Django on one database:
picks the sample objects, opens the sessions, counts queries and bytes, times the
ORM against raw SQL; it answers in JSON. Needs PostgreSQL and Redis: without them
it says so in one line and exits 0 (CI runs the query-count tests instead).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import bench_storm as storm  # noqa: E402  (its HTTP client, gunicorn and services helpers)

DOC = ROOT / "docs" / "performance.md"
BEGIN = "<!-- bench_pages: begin -->"
END = "<!-- bench_pages: end -->"
TARGET_P95_MS = 150
TARGET_KB = 200
TARGET_RAW = 3.0


# --- the child: one database, in-process -------------------------------------------------


def probe(database_url: str) -> dict[str, Any]:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "municipal_order.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    pages = sample_pages()
    cookies = {who: open_session(user) for who, user in users().items()}
    rows = []
    with override_settings(ALLOWED_HOSTS=["*"]):
        for name, who, path in pages:
            client = Client()
            if who != "public":
                client.cookies[settings.SESSION_COOKIE_NAME] = cookies[who]
            client.get(path)  # warm-up: caches, the session's first touch
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(path)
            body = response.content
            rows.append(
                {
                    "name": name,
                    "who": who,
                    "path": path,
                    "status": response.status_code,
                    "queries": len(ctx.captured_queries),
                    "bytes": len(body),
                    "gzip": len(gzip.compress(body, 6)),
                }
            )
    with override_settings(ALLOWED_HOSTS=["*"]):
        downloads = exports_probe(cookies["ministry"], settings.SESSION_COOKIE_NAME)
    return {
        "pages": rows,
        "cookies": cookies,
        "cookie_name": settings.SESSION_COOKIE_NAME,
        "raw": raw_sql_ratios(),
        "counts": table_counts(),
        "exports": downloads,
    }


EXPORTS = ["calls.csv", "bids.csv", "scores.csv", "projects.csv", "payments.csv", "bids.xlsx"]


def exports_probe(cookie: str, cookie_name: str) -> list[dict[str, Any]]:
    """The ministry's downloads of the whole country: rows, size, time, and the peak of
    Python memory while one is made and sent (tracemalloc, in a second pass)."""
    import tracemalloc

    from django.test import Client

    client = Client()
    client.cookies[cookie_name] = cookie
    out = []
    for name in EXPORTS:
        path = f"/ministry/exports/{name}"
        started = time.perf_counter()
        body = b"".join(client.get(path).streaming_content)
        seconds = time.perf_counter() - started
        tracemalloc.start()
        try:
            for _chunk in client.get(path).streaming_content:
                pass
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        lines = body.count(b"\n") - 1 if name.endswith(".csv") else None
        out.append(
            {"name": name, "rows": lines, "bytes": len(body), "seconds": seconds, "peak": peak}
        )
    return out


def users() -> dict[str, Any]:
    """One user per persona, the busiest of their kind (made if the data has none)."""
    from django.db.models import Count
    from django.utils import timezone

    from accounts.models import User
    from applications.models import Bid, OrganizationMember
    from competitions.models import MinistryStaff, MunicipalStaff

    # The editor of the draft with the most budget lines among calls still open (the
    # budget step's worst case), else of the organisation with the most bids.
    draft = (
        Bid.objects.filter(status="draft", competition__closes_at__gt=timezone.now())
        .annotate(n=Count("budget_lines"))
        .order_by("-n", "pk")
        .first()
    )
    editors = OrganizationMember.objects.filter(role__in=["admin", "editor"])
    if draft is not None:
        editors = editors.filter(organization=draft.organization_id)
    ngo = (
        editors.annotate(n=Count("organization__bids"))
        .order_by("-n", "pk")
        .select_related("user")
        .first()
    )
    officer = (
        MunicipalStaff.objects.annotate(n=Count("municipality__competitions"))
        .order_by("-n", "pk")
        .select_related("user")
        .first()
    )
    ministry = MinistryStaff.objects.filter(region__isnull=True).select_related("user").first()
    if ministry is None:
        user = User.objects.create_user(email="bench.ministry@bench.kg", password=None)
        ministry = MinistryStaff.objects.create(user=user, region=None)
    admin = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
        email="bench.admin@bench.kg", password=None
    )
    return {
        "ngo": ngo.user,
        "officer": officer.user,
        "ministry": ministry.user,
        "admin": admin,
    }


def open_session(user) -> str:
    """A signed-in session as the login view leaves it, with the second factor passed
    for those who need one."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.two_factor import requires_two_factor

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session["_auth_started"] = session["_last_seen"] = time.time() + 3600  # outlives the run
    if requires_two_factor(user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.create()
    return str(session.session_key)


def sample_pages() -> list[tuple[str, str, str]]:
    """(name, persona, path) of each page type, on the busiest objects of the data."""
    from django.db.models import Count
    from django.utils import timezone

    from applications.models import Bid
    from competitions.models import Competition, Municipality, PriorityProblem, Region
    from monitoring.models import Project
    from opendata.selectors import ocid_for

    persona = users()
    officer = persona["officer"]
    code = officer.municipal_roles.select_related("municipality").first().municipality.code
    ngo = persona["ngo"]
    # Pages whose panels follow the call's stage are sampled at one stage in both
    # databases (results published, projects signed), so that their query counts compare.
    funded = Competition.objects.filter(
        results_published_at__isnull=False, projects__isnull=False
    ).distinct()
    call = (
        funded.annotate(n=Count("questions", distinct=True)).order_by("-n", "pk").first()
        or Competition.objects.annotate(n=Count("questions")).order_by("-n", "pk").first()
    )
    results = funded.order_by("pk").first()
    problem = (
        PriorityProblem.objects.public().annotate(n=Count("comments")).order_by("-n", "pk").first()
    )
    project = Project.objects.annotate(n=Count("milestones")).order_by("-n", "pk").first()
    mine = Bid.objects.filter(organization__members__user=ngo).annotate(n=Count("budget_lines"))
    ngo_bid = mine.exclude(status="draft").order_by("-n", "pk").first()
    draft = mine.filter(status="draft", competition__closes_at__gt=timezone.now())
    draft = draft.order_by("-n", "pk").first()
    municipality = Municipality.objects.order_by("pk").first()
    # The oblast with the most calls: its figures and its calls list.
    region_code = (
        Region.objects.annotate(n=Count("municipalities__competitions"))
        .order_by("-n", "pk")
        .values_list("code", flat=True)
        .first()
    )
    pages = [
        ("healthz", "public", "/healthz"),
        ("home", "public", "/"),
        ("call list", "public", "/calls/"),
        ("call page", "public", f"/calls/{call.pk}/"),
        ("problem list", "public", "/problems/"),
        ("problem page", "public", f"/problems/{problem.pk}/"),
        ("municipality directory", "public", "/municipalities/"),
        ("municipality page", "public", f"/municipalities/{municipality.code}/"),
    ]
    if results is not None:
        pages.append(("call results", "public", f"/calls/{results.pk}/results/"))
        ocid = ocid_for(results)
        pages.append(("OCDS release package", "public", f"/opendata/ocds/{ocid}/releases.json"))
        pages.append(("OCDS record", "public", f"/opendata/ocds/{ocid}/record.json"))
        pages.append(("API: a call's results", "public", f"/api/v1/calls/{results.pk}/results/"))
    if project is not None:
        pages.append(("project page", "public", f"/projects/{project.pk}/"))
    pages += [
        ("NGO home", "ngo", "/accounts/"),
        ("my organisations and bids", "ngo", "/organizations/"),
        ("notifications", "ngo", "/notifications/"),
        ("my projects", "ngo", "/projects/mine/"),
    ]
    if ngo_bid is not None:
        pages.append(("bid page", "ngo", f"/bids/{ngo_bid.pk}/"))
    if draft is not None:
        pages.append(("bid budget step", "ngo", f"/bids/{draft.pk}/edit/budget/"))
    workspace = f"/municipalities/{code}/workspace/"
    own_call = (
        Competition.objects.filter(municipality__code=code)
        .exclude(status="draft")  # a draft's page is its form
        .annotate(n=Count("questions"))
        .order_by("-n", "-pk")
        .first()
    )
    pages += [
        ("officer home", "officer", "/accounts/"),
        ("workspace", "officer", workspace),
        ("workspace calls", "officer", workspace + "calls/"),
        ("workspace problems", "officer", workspace + "problems/"),
        ("workspace projects", "officer", workspace + "projects/"),
        ("organisations to verify", "officer", workspace + "organizations/"),
    ]
    if own_call is not None:
        pages.append(("officer's call page", "officer", f"{workspace}calls/{own_call.pk}/"))
    pages += [
        ("ministry: my municipalities", "ministry", "/municipalities/mine/"),
        ("ministry home", "ministry", "/accounts/"),
        ("ministry: country figures", "ministry", "/ministry/"),
        ("ministry: oblast figures", "ministry", f"/ministry/regions/{region_code}/"),
        ("ministry: late projects", "ministry", "/ministry/projects/?state=late"),
        ("ministry: calls list", "ministry", f"/ministry/calls/?region={region_code}"),
        ("API: calls of an oblast", "public", f"/api/v1/calls/?region={region_code}"),
        ("API: projects", "public", "/api/v1/projects/"),
        ("API: municipalities", "public", "/api/v1/municipalities/"),
        ("admin index", "admin", "/admin/"),
        ("admin: municipalities", "admin", "/admin/competitions/municipality/"),
        ("admin: organisations", "admin", "/admin/applications/organization/"),
        ("admin: users", "admin", "/admin/accounts/user/"),
    ]
    return pages


# The heaviest lists: the ORM's rows against the same rows by hand-written SQL.
def raw_sql_ratios(repeat: int = 15) -> list[dict[str, Any]]:
    from django.db import connection

    from competitions.models import Competition, Municipality, PriorityProblem

    cases = [
        (
            "calls list (20, open first)",
            lambda: list(
                Competition.objects.exclude(status="draft")
                .select_related("municipality")
                .order_by("-closes_at")[:20]
            ),
            "SELECT c.*, m.* FROM competitions_competition c JOIN competitions_municipality m "
            "ON m.id = c.municipality_id WHERE c.status <> 'draft' ORDER BY c.closes_at DESC "
            "LIMIT 20",
        ),
        (
            "problems list (20 most supported)",
            lambda: list(
                PriorityProblem.objects.public()
                .exclude(status="archived")
                .select_related("municipality", "sphere")
                .order_by("-support_count", "-published_at", "-id")[:20]
            ),
            "SELECT p.*, m.*, s.* FROM competitions_priorityproblem p JOIN "
            "competitions_municipality m ON m.id = p.municipality_id JOIN competitions_sphere s "
            "ON s.id = p.sphere_id WHERE NOT (p.status = 'draft') AND NOT (p.status = 'archived') "
            "ORDER BY p.support_count DESC, p.published_at DESC, p.id DESC LIMIT 20",
        ),
        (
            "municipality directory (a page of 50)",
            # The view's order: region, then the stored Kyrgyz-alphabet key.
            lambda: list(
                Municipality.objects.select_related("region").order_by(
                    "region_id", "sort_key_ru", "pk"
                )[:50]
            ),
            "SELECT m.*, r.* FROM competitions_municipality m JOIN competitions_region r "
            "ON r.id = m.region_id ORDER BY m.region_id, m.sort_key_ru, m.id LIMIT 50",
        ),
    ]
    out = []
    for label, orm, sql in cases:
        orm()
        with connection.cursor() as cursor:
            cursor.execute(sql)
            cursor.fetchall()
        orm_times, raw_times = [], []
        for _ in range(repeat):
            start = time.perf_counter()
            orm()
            orm_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(sql)
                cursor.fetchall()
            raw_times.append(time.perf_counter() - start)
        orm_ms = statistics.median(orm_times) * 1000
        raw_ms = statistics.median(raw_times) * 1000
        out.append({"list": label, "orm_ms": orm_ms, "raw_ms": raw_ms, "ratio": orm_ms / raw_ms})
    return out


def table_counts() -> dict[str, int]:
    from applications.models import Bid
    from competitions.models import Competition, Municipality, PriorityProblem
    from evaluation.models import Score
    from monitoring.models import Project
    from notifications.models import Notification

    return {
        "municipalities": Municipality.objects.count(),
        "calls": Competition.objects.count(),
        "bids": Bid.objects.count(),
        "problems": PriorityProblem.objects.count(),
        "scores": Score.objects.count(),
        "projects": Project.objects.count(),
        "notifications": Notification.objects.count(),
    }


# --- the parent: databases, gunicorn, timing ---------------------------------------------


def database_url(server_url: str, name: str) -> str:
    parts = urlsplit(server_url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, timeout=3600
    )


def time_page(port: int, path: str, jar: dict[str, str], users: int, repeat: int) -> list[float]:
    """Seconds of each answer: `users` clients asking at once, `repeat` times each (a
    failed answer counts as NaN)."""
    for _ in range(2):
        storm.fetch(port, "GET", path, cookies=jar)
    samples: list[float] = []
    lock = threading.Lock()

    def client() -> None:
        for _ in range(repeat):
            answer = storm.fetch(port, "GET", path, cookies=jar)
            with lock:
                samples.append(answer.elapsed if answer.status == 200 else float("nan"))

    threads = [threading.Thread(target=client) for _ in range(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return samples


def time_pages(
    port: int,
    pages: list[dict[str, Any]],
    cookie_name: str,
    cookies: dict[str, str],
    users: int,
    repeat: int,
) -> dict[str, tuple[float, float]]:
    """p50/p95 (ms) of each page."""
    timings: dict[str, tuple[float, float]] = {}
    for page in pages:
        jar = {} if page["who"] == "public" else {cookie_name: cookies[page["who"]]}
        good = [s for s in time_page(port, page["path"], jar, users, repeat) if s == s]
        if not good:
            timings[page["name"]] = (float("nan"), float("nan"))
            continue
        timings[page["name"]] = (
            statistics.median(good) * 1000,
            storm.percentile(good, 95) * 1000,
        )
    return timings


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--probe", help=argparse.SUPPRESS)
    parser.add_argument("--users", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--scales", default="1,10")
    parser.add_argument("--keep", action="store_true", help="keep the databases")
    args = parser.parse_args()
    if args.probe:
        print(json.dumps(probe(args.probe), default=str))
        return 0

    server_url = os.environ.get("BENCH_DATABASE_URL", storm.DEFAULT_DATABASE_URL)
    redis_url = os.environ.get("BENCH_REDIS_URL", storm.DEFAULT_REDIS_URL)
    problem = storm.services_problem(server_url, redis_url)
    if problem:
        print(f"bench_pages: skipped: {problem}")
        return 0
    tmp = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    host = storm.machine()
    base_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "municipal_order.settings",
        "DEBUG": "0",
        "SECRET_KEY": "bench-pages-" + secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "HTTPS": "0",
        "BEHIND_PROXY": "1",
        "CELERY_BROKER_URL": redis_url,
        "REDIS_URL": redis_url,
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "MEDIA_ROOT": str(tmp / "private"),
        "STATIC_ROOT": str(tmp / "static"),
        "LOG_LEVEL": "ERROR",
        # Every client is 127.0.0.1: the API's per-address limit would answer 429.
        "API_ANON_PER_MINUTE": "1000000",
    }
    manage(base_env | {"DATABASE_URL": server_url}, "collectstatic", "--no-input", "-v0")
    results: dict[str, dict[str, Any]] = {}
    names = []
    try:
        for scale in args.scales.split(","):
            name = f"bench_pages_{scale.replace('.', '_')}_{secrets.token_hex(3)}"
            names.append(name)
            url = database_url(server_url, name)
            storm.server_sql(server_url, f'CREATE DATABASE "{name}"')
            env = base_env | {"DATABASE_URL": url}
            started = time.monotonic()
            manage(env, "migrate", "-v0")
            manage(env, "bench_data", "--scale", scale)
            built = time.monotonic() - started
            print(f"bench_pages: scale {scale} built in {built:.0f} s")
            answer = subprocess.run(
                [sys.executable, __file__, "--probe", url],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                text=True,
                timeout=1800,
            )
            found = json.loads(answer.stdout.strip().splitlines()[-1])
            server = storm.start_gunicorn(env, 2, tmp)
            try:
                found["timings"] = time_pages(
                    server.port,
                    found["pages"],
                    found["cookie_name"],
                    found["cookies"],
                    args.users,
                    args.repeat,
                )
            finally:
                server.stop()
            found["built_s"] = built
            results[scale] = found
    finally:
        if not args.keep:
            for name in names:
                storm.server_sql(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    text = report(results, host, args)
    print(text)
    write_doc(text)
    return 0


def report(results: dict[str, dict[str, Any]], host: str, args: argparse.Namespace) -> str:
    scales = list(results)
    small, large = results[scales[0]], results[scales[-1]]
    lines = [
        f"Machine: {host}. gunicorn, 2 sync workers; {args.users} clients at once, "
        f"{args.repeat} requests each per page.",
        "",
        "| scale | " + " | ".join(small["counts"]) + " | built in |",
        "|---|" + "---|" * (len(small["counts"]) + 1),
    ]
    for scale, found in results.items():
        lines.append(
            f"| {scale} | "
            + " | ".join(f"{v:,}" for v in found["counts"].values())
            + f" | {found['built_s']:.0f} s |"
        )
    health = {s: results[s]["timings"].get("healthz", (float("nan"),) * 2)[0] for s in scales}
    lines += [
        "",
        f"/healthz p50: {', '.join(f'{health[s]:.1f} ms at {s}×' for s in scales)}.",
        "",
        f"| page | as | queries {scales[0]}× | queries {scales[-1]}× | KB {scales[-1]}× "
        f"(gzip) | p50 ms | p95 ms {scales[0]}× | p95 ms {scales[-1]}× | p95 × healthz | ok |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    large_by_name = {p["name"]: p for p in large["pages"]}
    for page in small["pages"]:
        other = large_by_name.get(page["name"], page)
        p50, p95 = small["timings"].get(page["name"], (float("nan"),) * 2)
        _p50_l, p95_l = large["timings"].get(page["name"], (float("nan"),) * 2)
        same = page["queries"] == other["queries"]
        light = other["bytes"] < TARGET_KB * 1024
        fast = max(p95, p95_l) <= TARGET_P95_MS
        ok = "yes" if same and light and fast and page["status"] == 200 else "**no**"
        lines.append(
            f"| {page['name']} | {page['who']} | {page['queries']} | {other['queries']} | "
            f"{other['bytes'] / 1024:.0f} ({other['gzip'] / 1024:.0f}) | {p50:.1f} | {p95:.1f} | "
            f"{p95_l:.1f} | {p95_l / health[scales[-1]]:.1f} | {ok} |"
        )
    lines += [
        "",
        "| list (ORM vs hand-written SQL) | ORM ms | SQL ms | ratio |",
        "|---|---|---|---|",
    ]
    for row in large["raw"]:
        lines.append(
            f"| {row['list']} | {row['orm_ms']:.2f} | {row['raw_ms']:.2f} | {row['ratio']:.1f}× |"
        )
    lines += [
        "",
        f"Ministry downloads of the whole country at {scales[-1]}× (in-process; the peak is "
        "Python's memory while one is made and sent; target: far below the file's size):",
        "",
        "| download | rows | MB | seconds | peak memory MB | peak ÷ size |",
        "|---|---|---|---|---|---|",
    ]
    for row in large.get("exports", []):
        rows = "—" if row["rows"] is None else f"{row['rows']:,}"
        lines.append(
            f"| {row['name']} | {rows} | {row['bytes'] / 2**20:.1f} | {row['seconds']:.1f} | "
            f"{row['peak'] / 2**20:.1f} | {row['peak'] / max(row['bytes'], 1):.2f} |"
        )
    return "\n".join(lines)


def write_doc(text: str) -> None:
    if not DOC.exists():
        return
    doc = DOC.read_text()
    if BEGIN in doc and END in doc:
        head, rest = doc.split(BEGIN, 1)
        _old, tail = rest.split(END, 1)
        DOC.write_text(f"{head}{BEGIN}\n{text}\n{END}{tail}")


if __name__ == "__main__":
    sys.exit(main())
