"""Invitations by e-mail, shared by every app that invites people who may have no
account yet (organisation members, commission members).

The row holds a random single-use token, an expiry and who sent it; the app's
model adds what the invitee gets (a role, a seat). Whoever follows the link while
logged out is sent to log in with `next` pointing back at the invitation; the
login page's sign-up link and the e-mailed activation link carry that `next`
(accounts.views.safe_next), so a newcomer lands on the invitation after
confirming the address, in whatever browser opens the e-mail.
"""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

INVITATION_DAYS = 14


def new_token() -> str:
    return secrets.token_urlsafe(32)


def expiry(now: datetime.datetime | None = None) -> datetime.datetime:
    return (now or timezone.now()) + datetime.timedelta(days=INVITATION_DAYS)


class EmailInvitation(models.Model):
    """An invitation to `email`: open until accepted, revoked or expired."""

    email = models.EmailField(_("e-mail"))
    token = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        abstract = True

    def is_open(self, now: datetime.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.accepted_at is None and self.revoked_at is None and now < self.expires_at

    def is_pending(self) -> bool:
        """Neither accepted nor withdrawn (it may have expired: it can be sent again)."""
        return self.accepted_at is None and self.revoked_at is None

    def is_expired(self, now: datetime.datetime | None = None) -> bool:
        return self.is_pending() and (now or timezone.now()) >= self.expires_at
