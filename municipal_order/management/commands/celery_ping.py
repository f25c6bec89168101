from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from municipal_order.celery import app
from municipal_order.tasks import health


class Command(BaseCommand):
    help = "Send the health task through the broker and wait for a worker's answer."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--timeout", type=float, default=20.0)

    def handle(self, *args, timeout: float, **options) -> None:
        if app.conf.task_always_eager:
            raise CommandError("No CELERY_BROKER_URL configured: tasks run eagerly, no worker.")
        try:
            answer = health.apply_async().get(timeout=timeout)
        except Exception as exc:
            raise CommandError(f"No answer from a worker via {app.conf.broker_url}: {exc}") from exc
        if answer != "pong":
            raise CommandError(f"Unexpected answer {answer!r}")
        self.stdout.write(self.style.SUCCESS(f"worker answered {answer!r} via the broker"))
