"""Receivers of Django's own authentication signals: the one use of signals (docs/architecture.md).

The portal's login, the administration's login and every logout pass through
`django.contrib.auth.login()/logout()/authenticate()`, which send these signals;
connecting here (from `AccountsConfig.ready()`) covers both logins without
wrapping Django's views. Each receiver hands over to a service in
`accounts.services`, which writes the audit row in its own transaction.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.proxy import AxesProxyHandler

from accounts import services
from accounts.backends import lockout_username
from accounts.models import User


def logged_in(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    services.record_login(user, request=request)
    # A successful login clears the account's failure count (T28); the address's
    # count of failures against other accounts stays.
    AxesProxyHandler.reset_attempts(username=user.email)


def logged_out(sender: Any, request: Any, user: User | None, **kwargs: Any) -> None:
    if user is not None and user.is_authenticated:
        services.record_logout(user, request=request)


def login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any):
    # Django has already replaced the password in `credentials` by asterisks.
    services.record_login_failed(
        email=lockout_username(request, credentials),
        request=request,
        locked=bool(getattr(request, "login_refused_locked", False)),
    )


def connect() -> None:
    from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

    user_logged_in.connect(logged_in, dispatch_uid="accounts.logged_in")
    user_logged_out.connect(logged_out, dispatch_uid="accounts.logged_out")
    user_login_failed.connect(login_failed, dispatch_uid="accounts.login_failed")
