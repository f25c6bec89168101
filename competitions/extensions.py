"""What later apps (bids, evaluation, projects, open data) hook into on a call.

competitions comes before them in the dependency chain and never imports them;
they register here from their `AppConfig.ready()`:

- panels on the public call page, the officer's call page and the workspace;
- tasks in an officer's "needs attention" list (`NEEDS_ATTENTION`);
- counts shown in lists of calls (`Competition.objects.with_counts()`);
- handlers told when an announced call is amended.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Expression

from municipal_order.lib.attention import TaskList
from municipal_order.lib.panels import Slot

if TYPE_CHECKING:
    from competitions.models import Amendment, Competition

# The public call page, beside the conditions (bids received, results, projects).
CALL_PAGE = Slot("competitions.call_page")
# The officer's page of an announced call (bids, admission, evaluation, projects).
CALL_MANAGE = Slot("competitions.call_manage")
# A priority problem's public page, below its description (the projects answering it).
PROBLEM_PAGE = Slot("competitions.problem_page")
# The municipality's workspace: what needs the officer's attention ...
WORKSPACE = Slot("competitions.workspace")
# ... and the buttons at its top, to the later apps' own pages.
WORKSPACE_LINKS = Slot("competitions.workspace_links")

# name -> () -> an expression annotated on each call by `with_counts()`.
_CALL_COUNTS: dict[str, Callable[[], Expression]] = {}


def register_call_count(name: str, expression: Callable[[], Expression]) -> None:
    """Annotate lists of calls with `name` (a subquery is best: no join fan-out)."""
    if name in _CALL_COUNTS and _CALL_COUNTS[name] is not expression:
        raise ValueError(f"call count {name!r} registered twice")
    _CALL_COUNTS[name] = expression


def call_counts() -> dict[str, Expression]:
    return {name: make() for name, make in _CALL_COUNTS.items()}


@dataclass(frozen=True)
class AmendmentHandler:
    """A later app's part in amending an announced call (`amend_call`):
    `amended(call, amendment, by)` runs in the amendment's transaction (flag, notify
    after commit) and returns facts for the audit row."""

    key: str
    amended: Callable[[Competition, Amendment, Any], dict[str, Any]]


_AMENDMENT_HANDLERS: dict[str, AmendmentHandler] = {}


def register_amendment_handler(handler: AmendmentHandler) -> AmendmentHandler:
    if handler.key in _AMENDMENT_HANDLERS and _AMENDMENT_HANDLERS[handler.key] != handler:
        raise ValueError(f"amendment handler {handler.key!r} registered twice")
    _AMENDMENT_HANDLERS[handler.key] = handler
    return handler


def amendment_handlers() -> list[AmendmentHandler]:
    return list(_AMENDMENT_HANDLERS.values())


# What an officer of a municipality has to do, each a count and a link, shown on the
# signed-in home (`accounts:dashboard`) and the workspace. competitions lists its own
# (drafts to announce, calls past the deadline, unanswered questions); later apps add
# theirs (organisations to verify, bids to admit, reports to review).
NEEDS_ATTENTION = TaskList("competitions.needs_attention")
