"""Readable labels for audit history: the rows keep machine keys, pages show words."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import DecimalField
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from municipal_order.lib.money import format_som

register = template.Library()

FIELD_LABELS = {
    "user": _("User"),
    "role": _("Role"),
    "position": _("Position"),
    "email": _("E-mail"),
    "full_name": _("Full name"),
    "phone": _("Phone"),
    "language": _("Language"),
    "kind": _("Kind"),
    "sha256": "SHA-256",
    "pages": _("Pages"),
    "size": _("Size"),
    "error": _("Error"),
    "object": _("Object"),
    "region": _("Region"),
    "note": _("Note"),
    "verified": _("verified"),
    "reason": _("Reason"),
    "answer": _("Answer"),
    "status": _("Status"),
    "title": _("Title"),
    "inn": _("INN"),
    "bids_to_reconfirm": _("Bids asked to re-confirm"),
    "commission_invitations": _("Commission invitations waiting"),
    "affiliation": _("Affiliation"),
    "decision": _("Decision"),
    "question": _("Question"),
    "due_at": _("Answer by"),
    "receipt": _("Receipt No."),
    "clarification_closed": _("Open clarification closed"),
    "stage": _("Evaluation stage"),
    "admitted": _("Bids admitted"),
    "files": _("Files"),
}

VALUE_LABELS = {
    ("role", "head"): _("head"),
    ("role", "officer"): _("officer"),
    ("role", "admin"): _("administrator"),
    ("role", "editor"): _("editor"),
    ("role", "viewer"): _("viewer"),
    ("language", "ru"): _("Russian"),
    ("language", "ky"): _("Kyrgyz"),
    ("language", "en"): _("English"),
    ("decision", "pending"): _("being checked"),
    ("decision", "admitted"): _("admitted"),
    ("decision", "not_admitted"): _("not admitted"),
    ("decision", "clarification"): _("clarification requested"),
    ("stage", ""): _("admission of bids"),
    ("stage", "scoring"): _("scoring by the commission"),
}


def _model_field(object_type: str, key: str) -> Any:
    """The model field an audit row's key names, for the object's type ("app.model")."""
    try:
        model = apps.get_model(object_type)
        return model._meta.get_field(key)
    except (LookupError, ValueError, FieldDoesNotExist):
        return None


@register.filter
def field_label(key: str, object_type: str = "") -> str:
    """The field's name in the reader's language: the model's own verbose name."""
    if key in FIELD_LABELS:
        return str(FIELD_LABELS[key])
    field = _model_field(object_type, key)
    if field is not None and getattr(field, "verbose_name", None):
        return capfirst(str(field.verbose_name))
    return key.replace("_", " ")


def _plain(value: object) -> str:
    """Nested JSON (lists of criteria, members…) as one readable line."""
    if isinstance(value, dict):
        return ", ".join(_plain(v) for v in value.values() if v not in (None, ""))
    if isinstance(value, list):
        return "; ".join(_plain(v) for v in value) or "—"
    return str(value)


@register.simple_tag
def value_label(key: str, value: object, object_type: str = "") -> object:
    """A value as the reader knows it: choice labels, dates in Bishkek time."""
    if value is None or value == "":
        return "—"
    if isinstance(value, list | dict):
        return _plain(value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if (key, value) in VALUE_LABELS:
        return VALUE_LABELS[(key, value)]
    field = _model_field(object_type, key)
    choices = dict(getattr(field, "flatchoices", None) or ())
    if value in choices:
        return choices[value]
    if isinstance(field, DecimalField):
        try:
            return format_som(Decimal(str(value)))
        except (InvalidOperation, ValueError):
            return value
    if isinstance(value, str):
        return _as_date(value) or value
    return value


def _as_date(value: str) -> str | None:
    """An ISO date-time (stored in UTC) in Bishkek time, or an ISO date, as pages show them."""
    try:
        moment = parse_datetime(value)
    except ValueError:
        moment = None
    if moment is not None and timezone.is_aware(moment):
        return date_format(timezone.localtime(moment), "d.m.Y H:i")
    try:
        day = parse_date(value)
    except ValueError:
        day = None
    return date_format(day, "d.m.Y") if day is not None else None
