"""Every write to accounts goes through here, audited in the same transaction."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User, normalize_email
from accounts.tokens import make_activation_token
from audit.services import record, snapshot
from municipal_order.lib.actors import Actor
from notifications.services import queue_email

PROFILE_FIELDS = ["full_name", "phone", "language"]


@transaction.atomic
def register_user(
    *,
    email: str,
    password: str,
    full_name: str,
    phone: str = "",
    language: str = "ru",
    request: Any = None,
) -> User | None:
    """Create an inactive account and send the confirmation link after commit.

    For an address that already has an account (also one created a moment ago by a
    concurrent sign-up) nothing is created and the address's owner is told instead:
    the page answers the same either way, so sign-up reveals no accounts.
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
            _send_activation(user)
            return user
    record("user.signup_for_existing_account", existing, by=request or Actor.system("signup"))
    queue_email(
        "signup_existing",
        existing.email,
        {
            "user": existing,
            "login": settings.SITE_URL + reverse("accounts:login"),
            "reset": settings.SITE_URL + reverse("accounts:password_reset"),
        },
        language=existing.language,
    )
    return None


def _send_activation(user: User) -> None:
    """The confirmation link, through the e-mail outbox, in the person's language."""
    link = settings.SITE_URL + reverse(
        "accounts:activate", kwargs={"token": make_activation_token(user)}
    )
    queue_email(
        "activation",
        user.email,
        {"user": user, "link": link, "days": settings.ACCOUNT_ACTIVATION_DAYS},
        language=user.language,
    )


@transaction.atomic
def resend_activation(*, email: str) -> None:
    """Silently does nothing for unknown or confirmed addresses (no account oracle)."""
    user = User.objects.filter(email=email, email_confirmed_at__isnull=True).first()
    if user is not None:
        _send_activation(user)


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
