"""Open data in OCDS 1.1: a release package and a record package per announced call,
and a bulk release package of the calls announced in a period (streamed); and the
"Open data" page that explains them and the public API.

Public, GET only, JSON shown inline. A draft call, an unknown call or another
publisher's ocid is a 404.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from competitions.models import Competition
from municipal_order.lib.db import reporting
from opendata.compile import compile_releases
from opendata.ocds import package_meta, releases_for
from opendata.selectors import (
    call_pk_from_ocid,
    calls_published_between,
    public_call_for_ocds,
    published_between,
)

JSON = "application/json"
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# The longest period one bulk request may ask for (a bounded response, a bounded job).
MAX_PERIOD_DAYS = 366


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _json(value: Any, status: int = 200) -> HttpResponse:
    return HttpResponse(_dumps(value), content_type=JSON, status=status)


def _publisher() -> dict[str, str]:
    return {"name": settings.SITE_NAME, "uri": settings.SITE_URL + "/"}


def _call_or_404(ocid: str) -> Competition:
    pk = call_pk_from_ocid(ocid)
    call = public_call_for_ocds(pk) if pk is not None else None
    if call is None:
        raise Http404
    return call


def _url(name: str, **kwargs: str) -> str:
    return settings.SITE_URL + reverse(f"opendata:{name}", kwargs=kwargs)


@require_GET
def release_package(request: HttpRequest, ocid: str) -> HttpResponse:
    call = _call_or_404(ocid)
    now = timezone.now()
    package = package_meta(_url("release_package", ocid=ocid), _publisher(), now)
    package["releases"] = releases_for(call, now=now)
    return _json(package)


@require_GET
def record_package(request: HttpRequest, ocid: str) -> HttpResponse:
    call = _call_or_404(ocid)
    now = timezone.now()
    releases = releases_for(call, now=now)
    package = package_meta(_url("record_package", ocid=ocid), _publisher(), now)
    package["packages"] = [_url("release_package", ocid=ocid)]
    package["records"] = [
        {"ocid": ocid, "releases": releases, "compiledRelease": compile_releases(releases)}
    ]
    return _json(package)


class BadPeriod(ValueError):
    pass


def _period(request: HttpRequest) -> tuple[datetime.date, datetime.date]:
    days = []
    for name in ("from", "to"):
        raw = request.GET.get(name, "")
        try:
            if not DATE.fullmatch(raw):
                raise ValueError
            days.append(datetime.date.fromisoformat(raw))
        except ValueError:
            raise BadPeriod(
                _("“%(name)s” must be a date written YYYY-MM-DD, for example 2026-01-31.")
                % {"name": name}
            ) from None
    first, last = days
    if last < first:
        raise BadPeriod(_("“to” must not be before “from”."))
    if (last - first).days >= MAX_PERIOD_DAYS:
        raise BadPeriod(_("The period may span at most %(n)d days.") % {"n": MAX_PERIOD_DAYS})
    return first, last


def _stream(head: dict[str, Any], calls: Iterator[Competition], now: datetime.datetime):
    """The package piece by piece: its fields, then each call's releases as they come."""
    yield _dumps(head)[:-1] + ',"releases":['
    first = True
    for call in calls:
        for release in releases_for(call, now=now):
            yield ("" if first else ",") + _dumps(release)
            first = False
    yield "]}"


@require_GET
def bulk_release_package(request: HttpRequest) -> HttpResponseBase:
    """The releases of every call announced from `from` to `to` (Bishkek dates, both
    included), streamed: the calls are read a chunk at a time, never all at once."""
    try:
        first, last = _period(request)
    except BadPeriod as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    # OCDS has no empty release package (`releases` has at least one item), and a
    # stream cannot take back its first bytes: ask first.
    if not published_between(first, last).exists():
        return JsonResponse({"error": _("No call was announced in this period.")}, status=404)
    now = timezone.now()
    uri = settings.SITE_URL + request.get_full_path()
    head = package_meta(uri, _publisher(), now)
    calls = calls_published_between(first, last)
    return StreamingHttpResponse(_stream(head, calls, now), content_type=JSON)


@require_GET
def open_data_page(request: HttpRequest) -> HttpResponse:
    """What is published, how to get it (the API, the OCDS packages), under which licence,
    and what never is. The examples name the newest announced call, if there is one."""
    example = (
        Competition.objects.using(reporting())
        .public()
        .order_by("-published_at", "-pk")
        .values_list("pk", flat=True)
        .first()
    )
    call_id = str(example or 42)
    api = settings.SITE_URL + reverse("api:root")
    return render(
        request,
        "opendata/index.html",
        {
            "api": api,
            "call_id": call_id,
            "example_ocid": f"{settings.OCDS_OCID_PREFIX}-{call_id}",
            "ocid_prefix": settings.OCDS_OCID_PREFIX,
            "site_url": settings.SITE_URL,
            "anon_per_minute": settings.API_ANON_PER_MINUTE,
            "user_per_minute": settings.API_USER_PER_MINUTE,
            "year": timezone.localdate().year,
        },
    )
