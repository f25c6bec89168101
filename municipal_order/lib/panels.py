"""Panels: how a later app shows itself on an earlier app's page without being imported.

The earlier app declares a `Slot` for each place on its pages that others may fill
(the call page, the officer's call page, the workspace); a later app registers a
`Panel` into it from its `AppConfig.ready()`. The page's view collects the slot
and its template includes each panel's template:

    {% for panel in panels %}{% include panel.template %}{% endfor %}

Inside, the panel's own context is `panel.context`. The shape follows the
document-kind registry (`documents.registry`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest


@dataclass(frozen=True)
class Panel:
    key: str
    template: str
    # (request, obj) -> dict for the template, or None when the panel has nothing to show
    context: Callable[[HttpRequest, Any], dict[str, Any] | None]
    # Lower first; ties in registration order.
    order: int = 100


@dataclass(frozen=True)
class RenderedPanel:
    key: str
    template: str
    context: dict[str, Any]


class Slot:
    """A place on a page that later apps fill with panels."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._panels: dict[str, Panel] = {}

    def __repr__(self) -> str:
        return f"Slot({self.name!r}, {list(self._panels)})"

    def register(self, panel: Panel) -> Panel:
        if panel.key in self._panels and self._panels[panel.key] != panel:
            raise ValueError(f"panel {panel.key!r} registered twice in {self.name}")
        self._panels[panel.key] = panel
        return panel

    def panels(self) -> list[Panel]:
        return sorted(self._panels.values(), key=lambda p: p.order)

    def collect(self, request: HttpRequest, obj: Any) -> list[RenderedPanel]:
        """The panels that have something to show for `obj`, with their context."""
        found = []
        for panel in self.panels():
            context = panel.context(request, obj)
            if context is not None:
                found.append(RenderedPanel(panel.key, panel.template, context))
        return found
