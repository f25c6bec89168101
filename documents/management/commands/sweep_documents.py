from __future__ import annotations

from django.core.management.base import BaseCommand

from documents.services import sweep_pending


class Command(BaseCommand):
    help = "Queue again the documents still pending after a few minutes (broker outage)."

    def handle(self, *args, **options) -> None:
        count = sweep_pending()
        self.stdout.write(f"re-queued {count} pending document(s)")
