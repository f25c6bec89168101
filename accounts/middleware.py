"""Half a login opens nothing (T29).

After the password, a session that still owes its second factor (`two_factor.pending_step`)
reaches only the code step, the set-up pages, logout and the language switch
(static files are served before this runs). Every other page, the administration
included, redirects to the step the person still has to take and comes back to
the page afterwards. Runs after django-otp's `OTPMiddleware`, which tells whether
the session has given its second factor.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from accounts.two_factor import Step, pending_step

# URL names a session that owes its second factor may open.
ALLOWED_BEFORE_SECOND_FACTOR = frozenset(
    {
        "accounts:otp_verify",
        "accounts:otp_setup",
        "accounts:logout",
        "set_language",
    }
)


class TwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        user: Any = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        step = pending_step(user)
        if step is Step.NONE:
            return None
        request.two_factor_pending = True  # type: ignore[attr-defined]  # the navigation reads it
        match = request.resolver_match
        if match is not None and match.view_name in ALLOWED_BEFORE_SECOND_FACTOR:
            return None
        target = reverse("accounts:otp_verify" if step is Step.VERIFY else "accounts:otp_setup")
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(target)
