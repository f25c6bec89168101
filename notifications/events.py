"""The events people are notified about. Texts live in templates/emails/notifications/."""

from __future__ import annotations

from dataclasses import dataclass

from notifications.models import Category


@dataclass(frozen=True)
class Event:
    key: str
    category: Category


EVENTS: dict[str, Event] = {
    e.key: e
    for e in [
        Event("document_ready", Category.DOCUMENTS),
        Event("municipal_staff_added", Category.ACCOUNT),
        Event("call_amended", Category.COMPETITIONS),
        Event("bid_submitted", Category.BIDS),
        Event("seal_broken", Category.BIDS),
        Event("bid_withdrawn", Category.BIDS),
        Event("bid_deadline_reminder", Category.BIDS),
    ]
}
