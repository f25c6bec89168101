"""Signed, expiring e-mail confirmation links (no table needed)."""

from __future__ import annotations

from django.conf import settings
from django.core import signing

from accounts.models import User

SALT = "accounts.activation"


def make_activation_token(user: User) -> str:
    return signing.dumps({"u": user.pk, "e": user.email}, salt=SALT, compress=True)


def read_activation_token(token: str) -> User | None:
    """The user the token was made for, if it is genuine, fresh and still matches."""
    max_age = settings.ACCOUNT_ACTIVATION_DAYS * 24 * 3600
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.BadSignature:
        return None
    user = User.objects.filter(pk=data.get("u")).first()
    if user is None or user.email != data.get("e"):
        return None
    return user
