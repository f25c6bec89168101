from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from municipal_order.roles import roles_for


def portal(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    return {
        "SITE_NAME": settings.SITE_NAME,
        "roles": roles_for(user) if user is not None else None,
    }
