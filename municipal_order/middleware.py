"""Request id (echoed in the response and in every log line) and the portal's language choice."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import gettext as _

from municipal_order.lib.requests import (
    accepted_request_id,
    client_ip,
    serving,
)

security_log = logging.getLogger("portal.security")

# Everything the portal serves comes from its own origin (no CDN). Inline styles
# stay allowed for small layout attributes; inline scripts never.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response (T38, T40)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        # A page made for a signed-in person (a bid, a workspace) is never kept by a
        # browser's or a proxy's cache, where the next user of a shared computer finds it.
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response.headers.setdefault("Cache-Control", "private, no-store")
        return response


class SessionTimeoutMiddleware:
    """Ends a signed-in session idle for SESSION_IDLE_TIMEOUT, or older than
    SESSION_ABSOLUTE_TIMEOUT since login, whatever the requests in between (T30)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            session = request.session
            started = session.setdefault("_auth_started", now)
            seen = session.get("_last_seen", now)
            if (
                now - seen > settings.SESSION_IDLE_TIMEOUT
                or now - started > settings.SESSION_ABSOLUTE_TIMEOUT
            ):
                logout(request)
                if request.headers.get("X-Autosave") or request.headers.get("X-Upload"):
                    # The bid form keeps the text and says so (static/js/bid-form.js).
                    return JsonResponse(
                        {"error": _("Your session ended. Log in again: what you typed stays.")},
                        status=401,
                    )
                messages.info(request, _("Your session ended. Log in again to continue."))
                return redirect_to_login(request.get_full_path())
            # Written at most once a minute: not a session save on every request.
            if now - seen > 60 or "_last_seen" not in session:
                session["_last_seen"] = now
        return self.get_response(request)


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = accepted_request_id(request.headers.get("X-Request-ID", ""))
        request.request_id = request_id  # type: ignore[attr-defined]
        with serving(request_id):
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


class PortalLocaleMiddleware(LocaleMiddleware):
    """Russian unless the person chose otherwise.

    The language cookie (set by the switcher, at login and in the profile) wins.
    Without it, a browser that prefers Kyrgyz gets Kyrgyz; everything else gets
    Russian, the portal's default: many phones here are set to English although
    their owners read Russian or Kyrgyz, and English is a third language by choice.
    """

    def process_request(self, request: HttpRequest) -> None:
        supported = dict(settings.LANGUAGES)
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in supported:
            preferred = translation.get_language_from_request(request)
            language = preferred if preferred == "ky" else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class NotFoundThrottleMiddleware:
    """Guessing addresses of other people's objects is slowed down (T2): after
    NOT_FOUND_LIMIT answers 404 within a minute, a person (or an address, for
    visitors) gets 429 until the minute is over. Object ids are UUIDs already; this
    makes a scan also loud and slow."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = self._key(request)
        window = f"notfound:{key}:{int(time.time() // 60)}"
        if (cache.get(window) or 0) >= settings.NOT_FOUND_LIMIT:
            security_log.warning("not_found_throttled", extra={"who": key})
            response = HttpResponse(
                _("Too many requests for pages that do not exist. Wait a minute."), status=429
            )
            response["Retry-After"] = "60"
            return response
        response = self.get_response(request)
        # add() starts the count; when the key exists already, incr() is atomic.
        if response.status_code == 404 and not cache.add(window, 1, timeout=120):
            cache.incr(window)
        return response

    @staticmethod
    def _key(request: HttpRequest) -> str:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return f"user:{user.pk}"
        return f"ip:{client_ip(request) or '-'}"


class PortalNotFoundMiddleware:
    """Under `make run` (DEBUG) a missing page still shows the portal's own 404 page,
    in the reader's language, not Django's technical page listing every URL pattern
    to whoever tries the demo."""

    MARKER = b"DEBUG = True"  # the technical 404 page says why it is shown

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            settings.DEBUG
            and response.status_code == 404
            and not getattr(response, "streaming", False)
            and self.MARKER in response.content
        ):
            from municipal_order.views import page_not_found  # views import the URLconf

            return page_not_found(request)
        return response
