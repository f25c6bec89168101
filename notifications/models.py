from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    """What a person can switch e-mail on or off for."""

    ACCOUNT = "account", _("Account and security")
    DOCUMENTS = "documents", _("Documents ready for download")
    COMPETITIONS = "competitions", _("Calls and amendments")
    BIDS = "bids", _("Bids and receipts")
    EVALUATION = "evaluation", _("Evaluation, results and appeals")
    PROJECTS = "projects", _("Projects, reports and tranches")


class Notification(models.Model):
    """An in-app message; its e-mail, if the person wants one, is an `OutgoingEmail`."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    event = models.CharField(_("event"), max_length=64)
    category = models.CharField(_("category"), max_length=32, choices=Category.choices)
    title = models.CharField(_("title"), max_length=255)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "read_at"]),  # the bell: unread count
            # The list: a person's notifications, newest first (the Meta ordering).
            models.Index(fields=["user", "-created_at", "-id"], name="notification_inbox_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class OutgoingEmail(models.Model):
    """The durable outbox: every e-mail the portal sends is a row here first.

    Written in the sender's transaction, rendered in the recipient's language,
    sent by a task after commit; a sweeper retries with backoff whatever the
    broker or the mail server dropped, so no e-mail is lost or sent twice.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting to be sent")
        SENDING = "sending", _("being sent")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    to = models.EmailField(_("to"))
    template = models.CharField(_("template"), max_length=64)
    language = models.CharField(_("language"), max_length=8)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("text"))
    html = models.TextField(_("HTML"), blank=True)
    notification = models.OneToOneField(
        Notification,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="email",
        verbose_name=_("notification"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"


class NotificationPreference(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("user"),
    )
    category = models.CharField(_("category"), max_length=32, choices=Category.choices)
    email = models.BooleanField(_("send e-mail"), default=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "category"], name="one_preference_per_category")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.category}: {self.email}"
