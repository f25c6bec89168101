"""Every write to accounts goes through here."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.tasks import send_activation_email
from municipal_order.lib.tasks import enqueue


@transaction.atomic
def register_user(
    *, email: str, password: str, full_name: str, phone: str = "", language: str = "ru"
) -> User:
    """Create an inactive account and send the confirmation link after commit."""
    user = User.objects.create_user(
        email,
        password,
        full_name=full_name,
        phone=phone,
        language=language,
        is_active=False,
    )
    enqueue(send_activation_email, user.pk)
    return user


def resend_activation(*, email: str) -> None:
    """Silently does nothing for unknown or confirmed addresses (no account oracle)."""
    user = User.objects.filter(email=email, email_confirmed_at__isnull=True).first()
    if user is not None:
        enqueue(send_activation_email, user.pk)


@transaction.atomic
def confirm_email(user: User) -> User:
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = timezone.now()
        user.is_active = True
        user.save(update_fields=["email_confirmed_at", "is_active"])
    return user
