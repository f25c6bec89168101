"""Rate limits of the public API: per address for visitors, per person when signed in.

Two departures from DRF's own classes: the address is the portal's `client_ip` (the
last X-Forwarded-For entry behind the proxy, as the login lockout reads it), and the
rate is read from the settings at each request, so a changed `REST_FRAMEWORK` (the
tests) applies at once rather than the value DRF's class kept at import.
"""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from municipal_order.lib.requests import client_ip


class AnonThrottle(AnonRateThrottle):
    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request: Request) -> str:
        return client_ip(request) or "-"


class UserThrottle(UserRateThrottle):
    """Signed-in people only. DRF's own class also counts visitors, by address, at the
    user rate: a visitor would then be held to the lower of the two rates."""

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if not (request.user and request.user.is_authenticated):
            return None  # visitors are AnonThrottle's
        return super().get_cache_key(request, view)
