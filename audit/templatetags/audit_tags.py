"""Readable labels for audit history: the rows keep machine keys, pages show words."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

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
}


@register.filter
def field_label(key: str) -> str:
    return FIELD_LABELS.get(key, key)


def _plain(value: object) -> str:
    """Nested JSON (lists of criteria, members…) as one readable line."""
    if isinstance(value, dict):
        return ", ".join(_plain(v) for v in value.values() if v not in (None, ""))
    if isinstance(value, list):
        return "; ".join(_plain(v) for v in value) or "—"
    return str(value)


@register.simple_tag
def value_label(key: str, value: object) -> object:
    if value is None or value == "":
        return "—"
    if isinstance(value, list | dict):
        return _plain(value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return VALUE_LABELS.get((key, value), value)
