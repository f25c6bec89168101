"""Document kinds. Each app registers its kinds in its own documents.py.

A kind knows how to load its object, who may see the document, and how to turn
the object into the HTML body of the PDF. The documents app stays ignorant of
the domain, so the dependency arrows keep pointing one way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models


@dataclass(frozen=True)
class DocumentKind:
    key: str
    model: type[models.Model]
    template: str
    # (obj) -> dict: template context; runs inside translation.override(language)
    context: Callable[[Any], dict[str, Any]]
    # (obj) -> str: title shown in lists and the PDF header
    title: Callable[[Any], str]
    # (obj) -> str: the organisation named in the PDF header (a municipality, an NGO)
    issuer: Callable[[Any], str]
    # (request, obj) -> None: raises Http404 / PermissionDenied like the object's own page
    check_access: Callable[[Any, Any], None]
    # (document) -> None: runs when the document is ready, inside the transaction
    # that marks it (queue side effects after commit). Domain apps pass
    # `notifications.services.tell_requester`, or None when another notice
    # already points to the document.
    on_ready: Callable[[Any], None] | None = None


_KINDS: dict[str, DocumentKind] = {}


def register(kind: DocumentKind) -> DocumentKind:
    if kind.key in _KINDS and _KINDS[kind.key] != kind:
        raise ValueError(f"document kind {kind.key!r} registered twice")
    _KINDS[kind.key] = kind
    return kind


def get_kind(key: str) -> DocumentKind:
    return _KINDS[key]
