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
import time

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


# --- When a request arrived ------------------------------------------------------------
#
# Under a last-minute storm a request can wait seconds for a free worker; judging the
# deadline when the worker finally runs the view refused bids that arrived on time.
# The moment that counts is the request's arrival: the trusted proxy's
# `X-Request-Start` (nginx: `proxy_set_header X-Request-Start "t=${msec}";`) when the
# portal runs behind one, else when the earliest middleware saw it. The deciding clock
# stays the authority: arrival = deciding_now() - time elapsed since arrival.

MAX_QUEUEING = datetime.timedelta(seconds=60)


class RequestArrivalMiddleware:
    """First in the chain: notes when the request arrived in this process.

    Only the time elapsed since then is used (against the deciding clock), so this
    server's own clock may be off; the wall clock is read rather than a monotonic one
    so that tests that freeze time (time-machine) freeze this too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.arrived_at = time.time()
        return self.get_response(request)


def _waited_before_us(request) -> float:
    """Seconds the request waited at the proxy before this process saw it (0 if unknown)."""
    if not getattr(settings, "BEHIND_PROXY", False):
        return 0.0
    raw = request.META.get("HTTP_X_REQUEST_START", "")
    try:
        started = float(raw.removeprefix("t="))
    except ValueError:
        return 0.0
    waited = request.arrived_at - started
    # A header from a skewed or hostile source is bounded, never trusted to go back far.
    return min(max(waited, 0.0), MAX_QUEUEING.total_seconds())


def arrival_time(request) -> datetime.datetime:
    """When the request reached the portal, on the deciding clock."""
    now = deciding_now()
    if not hasattr(request, "arrived_at"):
        return now
    elapsed = max(time.time() - request.arrived_at, 0.0) + _waited_before_us(request)
    return now - datetime.timedelta(seconds=min(elapsed, MAX_QUEUEING.total_seconds()))
