"""Brute-force protection of both logins (T28): django-axes, keyed on the normalised e-mail."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from django.conf import settings
from django.http import HttpRequest

from accounts.models import normalize_email


def lockout_username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str:
    """The account a login attempt counts against: the e-mail as stored (trimmed,
    lowercased), so `Officer@Example.kg` and `officer@example.kg ` share one count."""
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        raw = credentials.get(field) or ""
    else:
        raw = getattr(request, "POST", {}).get(field, "")
    return normalize_email(str(raw))


class LockoutBackend(AxesStandaloneBackend):
    """Refuses a login from a locked account or address before the password is checked.

    It marks the request, so the failed-login receiver logs the refusal without adding
    an audit row for every retry an attacker sends during the cool-off.
    """

    def authenticate(  # type: ignore[override]
        self,
        request: HttpRequest,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        try:
            super().authenticate(request, username, password, **kwargs)
        except AxesBackendPermissionDenied:
            request.login_refused_locked = True  # type: ignore[attr-defined]
            raise
        return None
