"""The events people are notified about. Texts live in templates/emails/notifications/.

The notifications app knows no domain: each app registers the events it sends
from its `AppConfig.ready()` (`register(Event("bid_submitted", Category.BIDS))`),
and `notify()` refuses an event nobody registered.
"""

from __future__ import annotations

from dataclasses import dataclass

from notifications.models import Category


@dataclass(frozen=True)
class Event:
    key: str
    category: Category


_EVENTS: dict[str, Event] = {}


def register(*events: Event) -> None:
    for event in events:
        if event.key in _EVENTS and _EVENTS[event.key] != event:
            raise ValueError(f"notification event {event.key!r} registered twice")
        _EVENTS[event.key] = event


def get_event(key: str) -> Event:
    try:
        return _EVENTS[key]
    except KeyError:
        raise LookupError(f"notification event {key!r} is not registered") from None


# The platform's own: a generated document is ready for whoever asked for it.
register(Event("document_ready", Category.DOCUMENTS))
