from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from applications.models import BidDocument
from applications.services.integrity import verify_bid_documents


class Command(BaseCommand):
    help = "Re-hash every stored bid file; exit non-zero naming the files that changed."

    def handle(self, *args, **options) -> None:
        broken = verify_bid_documents()
        if broken:
            names = "\n  ".join(f"{d.pk} (bid {d.bid_id}): {d.name}" for d in broken)
            raise CommandError(f"{len(broken)} file(s) do not match their hash:\n  {names}")
        count = BidDocument.objects.count()
        self.stdout.write(self.style.SUCCESS(f"bid files intact: {count}"))
