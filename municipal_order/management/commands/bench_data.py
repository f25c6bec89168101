"""`manage.py bench_data --scale 1`: national-scale data for benchmarks (see
`municipal_order.benchdata`). On a migrated, empty database; `--force` adds to one
that already has calls."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from competitions.models import Competition
from municipal_order.benchdata import TINY_SCALE, Generator


class Command(BaseCommand):
    help = (
        "Generate national-scale benchmark data straight through the models: ~500 "
        "municipalities, 2,000 calls, 20,000 bids with submissions, scores, results, "
        "5,000 projects, notifications and the audit chain. --scale N multiplies the "
        "public content (municipalities, problems, supports, comments, questions); a "
        "scale below 1 shrinks everything (--tiny: about 10 calls, for tests)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--scale", type=float, default=1.0)
        parser.add_argument("--tiny", action="store_true", help=f"same as --scale {TINY_SCALE}")
        parser.add_argument("--seed", type=int, default=20240)
        parser.add_argument(
            "--force", action="store_true", help="run even if the database already has calls"
        )

    def handle(self, *args, scale: float, tiny: bool, seed: int, force: bool, **options) -> None:
        scale = TINY_SCALE if tiny else scale
        if scale <= 0:
            raise CommandError("--scale must be positive")
        if Competition.objects.exists() and not force:
            raise CommandError(
                "The database already has calls: bench_data is meant for an empty, migrated "
                "database (use --force to add to it anyway)."
            )
        began = time.monotonic()
        generator = Generator(scale=scale, seed=seed, out=self.stdout.write)
        rows = generator.run()
        if connection.vendor == "postgresql":
            # What autovacuum does some minutes after a bulk load: without fresh
            # statistics the planner takes 14,000-row tables for 28 rows (docs/performance.md).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(f"[bench_data] done in {time.monotonic() - began:.1f} s (scale {scale})")
        if options["verbosity"] > 1:
            for label, n in sorted(rows.items()):
                self.stdout.write(f"  {label}: {n}")
