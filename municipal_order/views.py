from __future__ import annotations

import logging

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from competitions.models import Municipality, Region
from municipal_order.celery import app as celery_app
from municipal_order.middleware import current_request_id

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
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:
        logger.warning("healthz: broker check failed: %s", exc)
        return "error"
    return "ok"


def _worker_status() -> str:
    """Round-trip the health task through the broker to a worker (opt-in: it waits)."""
    from municipal_order.tasks import health

    try:
        result = health.delay()
        return "ok" if result.get(timeout=5) == "pong" else "error"
    except Exception as exc:
        logger.warning("healthz: worker check failed: %s", exc)
        return "error"


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _database_status(), "broker": _broker_status()}
    if request.GET.get("worker") == "1":
        checks["worker"] = _worker_status()
    healthy = all(value in ("ok", "eager") for value in checks.values())
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
