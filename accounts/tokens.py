"""Signed, expiring, single-use e-mail confirmation links (no table needed).

The link carries a fingerprint of the account's state (e-mail, password hash,
confirmation time): confirming the address, or changing the password or the
e-mail, changes the state, so a link works once and never after a password
change. A used link is recognised, so the page can say "already confirmed,
log in" without logging anyone in.
"""

from __future__ import annotations

import enum

from django.conf import settings
from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

from accounts.models import User

SALT = "accounts.activation"


class LinkState(enum.Enum):
    VALID = "valid"
    USED = "used"  # genuine, but the address is already confirmed
    INVALID = "invalid"  # forged, expired, or the account changed since


def _fingerprint(user: User) -> str:
    state = f"{user.pk}|{user.email}|{user.password}|{user.email_confirmed_at}"
    return salted_hmac(SALT, state, algorithm="sha256").hexdigest()[:32]


def make_activation_token(user: User) -> str:
    return signing.dumps({"u": user.pk, "f": _fingerprint(user)}, salt=SALT, compress=True)


def read_activation_token(token: str) -> tuple[User | None, LinkState]:
    """The account the link was made for and whether it may still confirm it."""
    max_age = settings.ACCOUNT_ACTIVATION_DAYS * 24 * 3600
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.BadSignature:
        return None, LinkState.INVALID
    user = User.objects.filter(pk=data.get("u")).first()
    if user is None:
        return None, LinkState.INVALID
    if constant_time_compare(_fingerprint(user), str(data.get("f", ""))):
        return user, LinkState.VALID
    if user.email_confirmed_at is not None:
        return user, LinkState.USED
    return None, LinkState.INVALID
