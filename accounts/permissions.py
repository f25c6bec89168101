"""Who the signed-in person is, for the checks of every later app."""

from __future__ import annotations

from typing import Any


def is_site_admin(user: Any) -> bool:
    """An active superuser (`User.is_site_admin`); False for anonymous visitors."""
    return bool(getattr(user, "is_site_admin", False))
