"""Settings for the T47 drill's worker subprocess: the test settings, on the test
database the drill names (DATABASE_URL), its private files and its own queues."""

from __future__ import annotations

import os
from pathlib import Path

from tests.settings import *  # noqa: F403

MEDIA_ROOT = Path(os.environ["DRILL_MEDIA_ROOT"])
# Nested work (the "document ready" e-mail) goes through the broker too, as in production.
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,  # noqa: F405
    "global_keyprefix": os.environ["DRILL_KEYPREFIX"],
    # Short, so that the killed worker's unacknowledged task comes back within the drill.
    "visibility_timeout": int(os.environ["DRILL_VISIBILITY_TIMEOUT"]),
    # kombu looks for such tasks every 10 s and scans on every 10th look (~100 s):
    # look every second here, so the drill waits for the timeout, not for the scan.
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
