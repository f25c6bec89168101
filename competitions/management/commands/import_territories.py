from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from competitions.services.territories import DEFAULT_PATH, TerritoryImportError, import_territories


class _DryRun(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Import regions, districts and municipalities from a CSV (idempotent; all or nothing). "
        "Columns: type,code,parent,kind,name_ru,name_ky,name_en,valid_from,valid_to,successor,"
        "population,source. Default: the file shipped with the portal."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", nargs="?", default=str(DEFAULT_PATH))
        parser.add_argument("--dry-run", action="store_true", help="report, write nothing")

    def handle(self, *args, path: str, dry_run: bool, **options) -> None:
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        try:
            with transaction.atomic():
                report = import_territories(file)
                if dry_run:
                    raise _DryRun
        except TerritoryImportError as exc:
            raise CommandError(
                "import refused, nothing written:\n  " + "\n  ".join(exc.errors)
            ) from None
        except _DryRun:
            self.stdout.write("dry run: nothing written")
        if options["verbosity"] == 0:
            return
        for line in report.summary():
            self.stdout.write(line)
        for change in report.changes:
            self.stdout.write(f"  {change}")
