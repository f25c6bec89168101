"""Needs attention: the tasks a page lists, each a count and a link, from any app.

An earlier app declares a `TaskList` for a kind of object (the municipality an
officer works for); later apps register providers into it from their
`AppConfig.ready()`, as with panels (`municipal_order.lib.panels`). A provider
returns a `Task` when there is something to do and `None` when there is not, so
a list with nothing to do stays empty and the page can say so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest


@dataclass(frozen=True)
class Task:
    """One line of "needs attention": `label` already says the count in words."""

    key: str
    label: str
    count: int
    url: str


@dataclass(frozen=True)
class TaskProvider:
    key: str
    # (request, obj) -> the task, or None when there is nothing to do
    task: Callable[[HttpRequest, Any], Task | None]
    # Lower first; ties in registration order.
    order: int = 100


class TaskList:
    """The tasks of one kind of object that later apps add to."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._providers: dict[str, TaskProvider] = {}

    def __repr__(self) -> str:
        return f"TaskList({self.name!r}, {list(self._providers)})"

    def register(self, provider: TaskProvider) -> TaskProvider:
        if provider.key in self._providers and self._providers[provider.key] != provider:
            raise ValueError(f"task {provider.key!r} registered twice in {self.name}")
        self._providers[provider.key] = provider
        return provider

    def providers(self) -> list[TaskProvider]:
        return sorted(self._providers.values(), key=lambda p: p.order)

    def collect(self, request: HttpRequest, obj: Any) -> list[Task]:
        """The tasks with something to do for `obj`, in order."""
        found = []
        for provider in self.providers():
            task = provider.task(request, obj)
            if task is not None and task.count:
                found.append(task)
        return found
