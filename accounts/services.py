"""Every write to accounts goes through here, audited in the same transaction."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User, normalize_email
from accounts.tokens import make_activation_token
from audit.services import record, snapshot
from municipal_order.lib.actors import Actor
from municipal_order.lib.emails import absolute_url
from municipal_order.lib.requests import client_ip
from notifications.services import queue_email

logger = logging.getLogger(__name__)

PROFILE_FIELDS = ["full_name", "phone", "language"]


@transaction.atomic
def register_user(
    *,
    email: str,
    password: str,
    full_name: str,
    phone: str = "",
    language: str = "ru",
    next_url: str = "",
    request: Any = None,
) -> User | None:
    """Create an inactive account and send the confirmation link after commit.

    For an address that already has an account (also one created a moment ago by a
    concurrent sign-up) nothing is created and the address's owner is told instead:
    the page answers the same either way, so sign-up reveals no accounts.

    `next_url` (a local path the view has validated, e.g. an invitation) rides on
    the e-mailed link, so the person lands there after confirming, in any browser.
    """
    email = normalize_email(email)
    existing = User.objects.filter(email=email).first()
    if existing is None:
        try:
            with transaction.atomic():  # a savepoint: the race's loser continues below
                user = User.objects.create_user(
                    email,
                    password,
                    full_name=full_name,
                    phone=phone,
                    language=language,
                    is_active=False,
                )
        except IntegrityError:
            existing = User.objects.get(email=email)
        else:
            record(
                "user.registered",
                user,
                by=request or user,
                after=snapshot(user, ["email", *PROFILE_FIELDS]),
            )
            _send_activation(user, next_url=next_url)
            return user
    record("user.signup_for_existing_account", existing, by=request or Actor.system("signup"))
    queue_email(
        "signup_existing",
        existing.email,
        {
            "user": existing,
            "login": absolute_url(_with_next(reverse("accounts:login"), next_url)),
            "reset": absolute_url(reverse("accounts:password_reset")),
        },
        language=existing.language,
    )
    return None


def _with_next(path: str, next_url: str) -> str:
    return f"{path}?{urlencode({'next': next_url})}" if next_url else path


def _send_activation(user: User, *, next_url: str = "") -> None:
    """The confirmation link, through the e-mail outbox, in the person's language."""
    path = reverse("accounts:activate", kwargs={"token": make_activation_token(user)})
    link = absolute_url(_with_next(path, next_url))
    queue_email(
        "activation",
        user.email,
        {"user": user, "link": link, "days": settings.ACCOUNT_ACTIVATION_DAYS},
        language=user.language,
    )


@transaction.atomic
def resend_activation(*, email: str, next_url: str = "") -> None:
    """Silently does nothing for unknown or confirmed addresses (no account oracle)."""
    user = User.objects.filter(email=email, email_confirmed_at__isnull=True).first()
    if user is not None:
        _send_activation(user, next_url=next_url)


@transaction.atomic
def confirm_email(user: User, *, request: Any = None) -> User:
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = timezone.now()
        user.is_active = True
        user.save(update_fields=["email_confirmed_at", "is_active"])
        record("user.email_confirmed", user, by=request or user)
    return user


@transaction.atomic
def update_profile(user: User, *, data: dict[str, Any], request: Any = None) -> User:
    user = User.objects.select_for_update().get(pk=user.pk)
    before = snapshot(user, PROFILE_FIELDS)
    for field in PROFILE_FIELDS:
        if field in data:
            setattr(user, field, data[field])
    user.full_clean(exclude=["password"])
    user.save(update_fields=PROFILE_FIELDS)
    after = snapshot(user, PROFILE_FIELDS)
    if after != before:
        record("user.profile_updated", user, by=request or user, before=before, after=after)
    return user


@transaction.atomic
def set_password(user: User, *, password: str, action: str, request: Any = None) -> User:
    """Password change or reset: the audit row says that it happened, never the value."""
    user.set_password(password)
    user.save(update_fields=["password"])
    record(action, user, by=request or user)
    return user


# --- Logins and logouts (Django's auth signals, accounts.auth_events) ---------------


def _site(request: Any) -> str:
    path = getattr(request, "path", "") or ""
    return "admin" if path.startswith(reverse("admin:index")) else "portal"


def record_login(user: User, *, request: Any) -> None:
    with transaction.atomic():
        record("user.logged_in", user, by=request or user, after={"site": _site(request)})


def record_logout(user: User, *, request: Any) -> None:
    with transaction.atomic():
        record("user.logged_out", user, by=request or user, after={"site": _site(request)})


def record_login_failed(*, email: str, request: Any, locked: bool) -> None:
    """A wrong password (or a refusal during the cool-off) for `email`: an audit row on
    the account if there is one, a log line in any case. Never the password."""
    address = client_ip(request) if request is not None else None
    site = _site(request)
    user = User.objects.filter(email=email).first() if email else None
    logger.warning(
        "Failed %s login for %s e-mail %r from %s%s",
        site,
        "an unknown" if user is None else "the",
        email,
        address,
        " (locked out: the password was not checked)" if locked else "",
    )
    if user is None or locked:
        # No account to attach a row to; or refused during the cool-off without
        # checking the password: an attacker's retries do not fill the audit trail.
        return
    with transaction.atomic():
        record(
            "user.login_failed",
            user,
            by=request or Actor.system("login"),
            after={"site": site},
        )


# --- Two-factor login (T29) ---------------------------------------------------------

RECOVERY_CODE_COUNT = 10
RECOVERY_DEVICE_NAME = "recovery codes"


def _issue_recovery_codes(user: User, codes: list[str] | None = None) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    # The same device keeps a session verified with one of its codes verified.
    device.token_set.all().delete()
    codes = codes or [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def start_authenticator_setup(
    user: User, *, key: str | None = None, request: Any = None
) -> TOTPDevice:
    """A new, unconfirmed authenticator with a fresh random secret (or `key`, hex: the
    demo's known one); it becomes the person's authenticator once a code confirms it."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    device = TOTPDevice(user=user, name="authenticator", confirmed=False)
    if key is not None:
        device.key = key
    device.save()
    record("user.2fa_setup_started", user, by=request or user)
    return device


@transaction.atomic
def enable_authenticator(
    user: User, device: TOTPDevice, *, recovery_codes: list[str] | None = None, by: Any
) -> list[str]:
    """Make `device` the person's one authenticator and issue new recovery codes (shown
    once). The secret and the codes never go into the audit trail."""
    replaced = TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()[0]
    if not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    codes = _issue_recovery_codes(user, recovery_codes)
    record(
        "user.2fa_enabled",
        user,
        by=by,
        after={"authenticator_replaced": bool(replaced), "recovery_codes": len(codes)},
    )
    return codes


@transaction.atomic
def confirm_authenticator(
    user: User, device: TOTPDevice, code: str, *, request: Any = None
) -> list[str] | None:
    """The recovery codes if `code` is the new authenticator's current one, else None
    (the wrong code counts towards the device's throttle all the same)."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user, confirmed=False)
    if not device.verify_token(normalize_code(code)):
        return None
    return enable_authenticator(user, device, by=request or user)


def normalize_code(code: str) -> str:
    """Spaces and dashes people type or copy are not part of a code; case does not matter."""
    return "".join(ch for ch in (code or "") if ch.isalnum()).lower()


@dataclass(frozen=True)
class SecondFactor:
    device: Device | None  # the device that accepted the code; None: refused
    recovery_codes_left: int | None = None  # set when a recovery code was used
    throttled: bool = False  # too many wrong codes just now: wait before the next


@transaction.atomic
def verify_second_factor(user: User, code: str, *, request: Any = None) -> SecondFactor:
    """A six-digit authenticator code, or one of the recovery codes (each works once).

    The authenticator refuses a code of a time step it has already accepted (a replay)
    and every device slows down after wrong codes (django-otp's throttling).
    """
    code = normalize_code(code)
    totp = code.isdigit() and len(code) <= 8
    model: type[Device] = TOTPDevice if totp else StaticDevice
    device = model.objects.select_for_update().filter(user=user, confirmed=True).first()
    if device is None:
        return SecondFactor(None)
    allowed, _details = device.verify_is_allowed()
    if not allowed:
        return SecondFactor(None, throttled=True)
    if not device.verify_token(code):
        record("user.2fa_failed", user, by=request or user, after={"recovery_code": not totp})
        return SecondFactor(None)
    if totp:
        record("user.2fa_verified", user, by=request or user)
        return SecondFactor(device)
    left = device.token_set.count()
    record("user.2fa_recovery_used", user, by=request or user, after={"recovery_codes_left": left})
    return SecondFactor(device, recovery_codes_left=left)


@transaction.atomic
def regenerate_recovery_codes(user: User, *, request: Any = None) -> list[str]:
    """Ten new recovery codes; the old ones stop working."""
    codes = _issue_recovery_codes(user)
    record("user.2fa_recovery_regenerated", user, by=request or user, after={"count": len(codes)})
    return codes


@transaction.atomic
def reset_two_factor(user: User, *, by: Any) -> None:
    """An administrator removes a person's authenticator and recovery codes (a lost
    phone): at the next login the person sets up a new one."""
    removed = sum(
        model.objects.filter(user=user).delete()[0] for model in (TOTPDevice, StaticDevice)
    )
    record("user.2fa_reset", user, by=by, after={"devices_removed": removed})
