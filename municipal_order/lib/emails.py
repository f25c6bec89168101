"""Templated e-mails rendered in the recipient's language.

Templates live in templates/emails/<name>-subject.txt, -body.txt and optionally
-body.html. Sending goes through the durable outbox (`notifications.services.
queue_email`); this module only renders and builds messages.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    body: str
    html: str = ""


def render_email(name: str, context: dict, *, language: str) -> RenderedEmail:
    context = {"SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL, **context}
    with translation.override(language):
        subject = " ".join(render_to_string(f"emails/{name}-subject.txt", context).split())
        body = render_to_string(f"emails/{name}-body.txt", context)
        html: str = ""
        with contextlib.suppress(TemplateDoesNotExist):
            html = render_to_string(f"emails/{name}-body.html", context)
    return RenderedEmail(subject[:255], body, html)


def absolute_url(url: str) -> str:
    """A link for an e-mail or a PDF: site paths get SITE_URL in front, full URLs stay."""
    return settings.SITE_URL + url if url.startswith("/") else url


def build_message(to: str, subject: str, body: str, html: str = "") -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, [to])
    if html:
        message.attach_alternative(html, "text/html")
    return message
