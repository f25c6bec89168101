#!/usr/bin/env python3
"""Page benchmarks: time and queries per request, as ratios to a trivial view.

Runs against a throw-away SQLite database filled with the demo data (or the
database DATABASE_URL names). Timings on a shared 2-core machine are noisy:
compare ratios measured in one run, never absolute numbers across runs.

    make bench            # or: .venv/bin/python scripts/bench.py [--repeat 30]
"""

from __future__ import annotations

import argparse
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

    from accounts.models import User
    from applications.models import Bid
    from competitions.models import Competition, PriorityProblem

    call = Competition.objects.filter(status="published").first()
    problem = PriorityProblem.objects.public().first()
    bid = Bid.objects.get(
        status="submitted", organization__members__user__email="ngo.komok@demo.kg"
    )
    draft = Bid.objects.get(status="draft")
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
                client.force_login(User.objects.get(email=email))
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


if __name__ == "__main__":
    main()
