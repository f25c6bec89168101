"""The primary database and, when configured, a read replica for reporting.

National dashboards, exports and open data read a great deal and may be a few seconds
behind: they read through `reporting()`, which names the replica when
`DATABASE_REPLICA_URL` is set and the primary otherwise. Nothing else is routed: the
router keeps every other read, every write and every migration on the primary, so a
request never reads its own write from a lagging copy.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

REPLICA = "replica"


def reporting() -> str:
    """The alias reporting queries use: `queryset.using(reporting())`."""
    return REPLICA if REPLICA in settings.DATABASES else "default"


class PrimaryOnlyRouter:
    """Reads and writes on the primary unless a query names the replica itself."""

    def db_for_read(self, model: Any, **hints: Any) -> str:
        return "default"

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the same data on both

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == "default"
