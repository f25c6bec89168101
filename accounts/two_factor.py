"""Who must log in with a second factor, and where a signed-in person stands (T29).

accounts knows the accounts that open the administration (site administrators and
staff); the roles that need it live in later apps (municipal officers, commission
members, ministry staff in `competitions`), which register them here from their
`AppConfig.ready()`, like the document-kind registry. accounts never imports them.

A person with a confirmed authenticator is asked for its code after the password,
whatever their role; a person who needs two-factor login and has none is sent to
set it up. Until then the session reaches only those pages (`accounts.middleware`).
"""

from __future__ import annotations

import enum
from collections.abc import Callable

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User

# key -> () -> a queryset of the ids of the users who need a second factor.
_REQUIREMENTS: dict[str, Callable[[], QuerySet]] = {}


def register_requirement(key: str, user_ids: Callable[[], QuerySet]) -> None:
    """Everyone in `user_ids()` (e.g. `MunicipalStaff.objects.values("user_id")`) must
    log in with a second factor. Registering a key again replaces it."""
    _REQUIREMENTS[key] = user_ids


def _requirement() -> Q:
    # Site administrators and anyone who may open the administration site.
    needs = Q(is_superuser=True) | Q(is_staff=True)
    for user_ids in _REQUIREMENTS.values():
        needs |= Q(pk__in=user_ids())
    return needs


class Step(enum.Enum):
    NONE = "none"  # nothing asked: no second factor needed, or already given
    VERIFY = "verify"  # enter the code of the confirmed authenticator
    SETUP = "setup"  # needed, but no authenticator yet


def pending_step(user: User) -> Step:
    """What a signed-in session that has not given a second factor still owes (one query)."""
    row = (
        User.objects.filter(pk=user.pk)
        .annotate(
            needs=ExpressionWrapper(_requirement(), output_field=BooleanField()),
            has_device=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
        )
        .values_list("needs", "has_device")
        .first()
    )
    if row is None:
        return Step.NONE
    needs, has_device = row
    if has_device:
        return Step.VERIFY
    return Step.SETUP if needs else Step.NONE


def requires_two_factor(user: User) -> bool:
    """True for the people who may not work without a second factor."""
    return User.objects.filter(pk=user.pk).filter(_requirement()).exists()


def authenticator(user: User, *, confirmed: bool = True) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("-pk").first()


def recovery_codes_left(user: User) -> int:
    device = StaticDevice.objects.filter(user=user, confirmed=True).first()
    return device.token_set.count() if device is not None else 0
