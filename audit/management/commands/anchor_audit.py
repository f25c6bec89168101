from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.exceptions import AnchorMismatch, AnchorUnreadable
from audit.services import anchor_chain


class Command(BaseCommand):
    help = (
        "Write the audit chain's head (count, last id, last hash, UTC time) to a new file "
        "under audit-anchors/ in the private storage. Celery beat does this hourly."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="anchor even though the chain contradicts the previous anchor (only after "
            "a deliberate restore from backup; the mismatch is written into the anchor)",
        )
        parser.add_argument("--note", default="", help="a reason kept in the anchor file")

    def handle(self, *args, **options) -> None:
        if options["force"] and not options["note"].strip():
            raise CommandError("--force needs --note: say why the chain is allowed to differ")
        try:
            anchor = anchor_chain(force=options["force"], note=options["note"].strip())
        except AnchorMismatch as exc:
            raise CommandError(
                f"not anchored: {exc}. Investigate (manage.py verify_audit); after a "
                "deliberate restore from backup use --force --note '…'."
            ) from None
        except AnchorUnreadable as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"anchored {anchor.count} events (last #{anchor.last_id} {anchor.last_hash}) "
                f"at {anchor.when} → {anchor.name}"
            )
        )
