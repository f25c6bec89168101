from __future__ import annotations

import hmac
import logging

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.permissions import is_site_admin
from competitions.models import Municipality, Region
from municipal_order.celery import app as celery_app
from municipal_order.lib.requests import current_request_id

logger = logging.getLogger(__name__)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    context = {
        "region_count": Region.objects.count(),
        "municipality_count": Municipality.objects.valid_on().count(),
    }
    return render(request, "home.html", context)


def _database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # healthz must answer, whatever broke
        logger.warning("healthz: database check failed: %s", exc)
        return "error"
    return "ok"


def _broker_status() -> str:
    if celery_app.conf.task_always_eager:
        return "eager"
    try:
        with celery_app.connection_for_write() as conn:
            # One quick retry: kombu's default pause before it is 2 s, which let anyone
            # hold a web worker that long through the public /healthz while Redis is down.
            conn.ensure_connection(
                max_retries=1, interval_start=0, interval_step=0.2, interval_max=0.2, timeout=2
            )
    except Exception as exc:
        logger.warning("healthz: broker check failed: %s", exc)
        return "error"
    return "ok"


# The worker round trip holds a web worker for up to WORKER_TIMEOUT seconds, so it is
# not for anyone who asks (issue item 9): only for callers with HEALTHZ_TOKEN
# (monitoring) or a site administrator, and at most once per WORKER_CHECK_TTL for
# all of them together: the answer is cached, and a lock turns concurrent callers
# away while one check runs, so even allowed callers cannot pile up.
WORKER_TIMEOUT = 5
WORKER_CHECK_TTL = 30
WORKER_CHECK_KEY = "healthz:worker"
WORKER_CHECK_LOCK = "healthz:worker:lock"


def _worker_status() -> str:
    """Round-trip the health task through the broker to a worker (it waits)."""
    from municipal_order.tasks import health

    try:
        result = health.delay()
        return "ok" if result.get(timeout=WORKER_TIMEOUT) == "pong" else "error"
    except Exception as exc:
        logger.warning("healthz: worker check failed: %s", exc)
        return "error"


def _may_check_worker(request: HttpRequest) -> bool:
    token = settings.HEALTHZ_TOKEN
    sent = request.headers.get("X-Healthz-Token", "")
    if token and sent and hmac.compare_digest(sent.encode(), token.encode()):
        return True
    return is_site_admin(getattr(request, "user", None))


def _cached_worker_status() -> str:
    """The worker's status, asking it at most once per WORKER_CHECK_TTL.

    The cache may be the Redis that just went down: then every allowed caller checks
    (and, with the broker on the same Redis, fails within a second).
    """
    try:
        cached = cache.get(WORKER_CHECK_KEY)
        if cached is not None:
            return str(cached)
        if not cache.add(WORKER_CHECK_LOCK, 1, timeout=WORKER_TIMEOUT + 5):
            return "checking"  # another request is asking the worker right now
    except Exception as exc:
        logger.warning("healthz: cache unavailable: %s", exc)
        return _worker_status()
    status = _worker_status()
    try:
        # Failures are cached too: a dead worker must not cost every caller 5 s.
        cache.set(WORKER_CHECK_KEY, status, timeout=WORKER_CHECK_TTL)
        cache.delete(WORKER_CHECK_LOCK)
    except Exception as exc:
        logger.warning("healthz: cache unavailable: %s", exc)
    return status


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Public and cheap: database and broker. `?worker=1` adds the worker round trip
    for callers allowed to ask (anyone else gets `"worker": "skipped"`)."""
    checks = {"database": _database_status(), "broker": _broker_status()}
    if request.GET.get("worker") == "1":
        checks["worker"] = _cached_worker_status() if _may_check_worker(request) else "skipped"
    # "skipped" and "checking" say nothing about health; only an error does.
    healthy = "error" not in checks.values()
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """400: for requests over the portal's limits, say which limit (T36)."""
    from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent

    if isinstance(exception, TooManyFilesSent):
        reason = _("Too many files in one request: send at most %(count)s.") % {
            "count": settings.DATA_UPLOAD_MAX_NUMBER_FILES
        }
    elif isinstance(exception, TooManyFieldsSent):
        reason = _("The form sent too many fields. Reload the page and try again.")
    elif isinstance(exception, RequestDataTooBig):
        reason = _("The request is too large. Files may be at most 20 MB each.")
    else:
        reason = ""
    return render(request, "errors/400.html", {"reason": reason}, status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/403.html", {"reason": str(exception or "")}, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors here: the database may be what failed.
    template = loader.get_template("errors/500.html")
    return HttpResponse(template.render({"request_id": current_request_id()}), status=500)
