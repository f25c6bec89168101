"""Who acts: the one type every service's `by=` argument is read through.

Views pass the request (so the audit row gets the address), tasks and commands
pass `Actor.system("label")`, tests and the demo data may pass a user.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias

from django.http import HttpRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


@dataclass(frozen=True)
class Actor:
    """A user, or the system (a task, a command) with a label."""

    user: Any = None
    label: str = ""
    request: HttpRequest | None = None

    @classmethod
    def system(cls, label: str) -> Actor:
        return cls(label=label)

    @property
    def signed_in_user(self) -> Any:
        """The acting user if there is a signed-in one, else None (the system)."""
        return self.user if getattr(self.user, "is_authenticated", False) else None


# What a service accepts as `by=`.
By: TypeAlias = "Actor | HttpRequest | AbstractBaseUser | AnonymousUser"


def as_actor(by: By) -> Actor:
    if isinstance(by, Actor):
        return by
    if isinstance(by, HttpRequest):
        # A request made outside the middleware (the test client's login) has no user.
        user = getattr(by, "user", None)
        signed_in = user is not None and user.is_authenticated
        return Actor(user=user if signed_in else None, request=by)
    return Actor(user=by)


def acting_user(by: By) -> Any:
    """The user behind `by` (None for the system): what a row's `created_by` stores."""
    return as_actor(by).user
