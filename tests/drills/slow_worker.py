"""The Celery app for the T47 drill's worker subprocess (`celery -A tests.drills.slow_worker`).

The portal's own app and tasks; only `render_pdf` is wrapped so that a render takes
DRILL_RENDER_SECONDS and announces its start in DRILL_RENDER_MARKER: the drill can
then `kill -9` the worker while a PDF is being rendered, the "10 s PDF" of T47.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.drills.worker_settings")
django.setup()

from documents import services  # noqa: E402
from municipal_order.celery import app  # noqa: E402

_render_pdf = services.render_pdf


def _slow_render_pdf(html: str):  # type: ignore[no-untyped-def]
    marker = os.environ.get("DRILL_RENDER_MARKER")
    if marker:
        Path(marker).write_text(str(os.getpid()))
    time.sleep(float(os.environ.get("DRILL_RENDER_SECONDS", "0")))
    return _render_pdf(html)


services.render_pdf = _slow_render_pdf

__all__ = ["app"]
