from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from audit.services import verify_chain


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain; exit non-zero at the first broken row."

    def handle(self, *args, **options) -> None:
        result = verify_chain()
        if not result.ok:
            raise CommandError(
                f"audit trail broken at event #{result.broken_id}: {result.reason} "
                f"({result.checked} events before it are intact)"
            )
        self.stdout.write(self.style.SUCCESS(f"audit trail intact: {result.checked} events"))
