from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from municipal_order.roles import roles_for


def _unread_count(user) -> int:
    from notifications.models import Notification

    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def portal(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    authenticated = bool(user is not None and user.is_authenticated)
    return {
        "SITE_NAME": settings.SITE_NAME,
        # Signed in with the password only (accounts.middleware): a menu with "log out" alone.
        "two_factor_pending": getattr(request, "two_factor_pending", False),
        "roles": roles_for(user) if user is not None else None,
        "unread_notifications": (
            SimpleLazyObject(lambda: _unread_count(user)) if authenticated else 0
        ),
    }
