from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.exceptions import AnchorUnreadable
from audit.services import verify_chain_and_anchors


class Command(BaseCommand):
    help = (
        "Verify the audit trail's hash chain and compare it with the newest anchor "
        "(manage.py anchor_audit); exit non-zero at the first broken row, or when the "
        "chain is shorter than anchored or the anchored event changed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--all-anchors",
            action="store_true",
            help="compare with every anchor (back to the last forced one), not only the newest",
        )

    def handle(self, *args, **options) -> None:
        try:
            result = verify_chain_and_anchors(all_anchors=options["all_anchors"])
        except AnchorUnreadable as exc:
            raise CommandError(str(exc)) from None
        chain = result.chain
        if not chain.ok:
            raise CommandError(
                f"audit trail broken at event #{chain.broken_id}: {chain.reason} "
                f"({chain.checked} events before it are intact)"
            )
        if result.problem:
            raise CommandError(f"audit trail does not match its anchor: {result.problem}")
        if result.anchors:
            newest = result.anchors[0]
            anchored = (
                f"matches the anchor of {newest.when} ({newest.count} events)"
                if len(result.anchors) == 1
                else f"matches {len(result.anchors)} anchors, the newest of {newest.when} "
                f"({newest.count} events)"
            )
        else:
            anchored = "no anchor yet (manage.py anchor_audit)"
        self.stdout.write(
            self.style.SUCCESS(f"audit trail intact: {chain.checked} events; {anchored}")
        )
