from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.db_roles import RoleError, grant_app_role


class Command(BaseCommand):
    help = (
        "Run as the owner (migration) role after every migrate: give the application's "
        "PostgreSQL role DML on the app's tables and only SELECT/INSERT on the audit table."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("role", help="the role the web, worker and beat processes log in as")

    def handle(self, *args, **options) -> None:
        try:
            report = grant_app_role(options["role"])
        except RoleError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.role}: SELECT, INSERT, UPDATE, DELETE on {len(report.tables) - 1} "
                f"tables, USAGE on {len(report.sequences)} sequences; "
                f"{report.audit_table}: SELECT, INSERT only"
            )
        )
