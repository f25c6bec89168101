"""The clock that decides deadlines.

With several web servers, each has its own clock; a bid must not be accepted by
one server and refused by another. In production the database's clock decides
(`PORTAL_CLOCK=database`, PostgreSQL's `clock_timestamp()`), and a server whose
own clock is more than a second off is logged (T55). Tests and SQLite use the
application's clock, which time-machine can move.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import connection
from django.utils import timezone

logger = logging.getLogger("portal.clock")
SKEW_WARNING = datetime.timedelta(seconds=1)


def deciding_now() -> datetime.datetime:
    """Now, as the deadlines are judged."""
    if settings.PORTAL_CLOCK != "database" or connection.vendor != "postgresql":
        return timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("SELECT clock_timestamp()")
        (database_now,) = cursor.fetchone()
    local_now = timezone.now()
    skew = local_now - database_now
    if abs(skew) > SKEW_WARNING:
        logger.warning(
            "clock_skew: this server's clock is %.3f s off the database's",
            skew.total_seconds(),
            extra={"skew_seconds": skew.total_seconds()},
        )
    return database_now
