"""Writing the audit trail. Services call `record()` inside their own transaction."""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.http import HttpRequest
from django.utils import timezone

from audit.models import GENESIS_HASH, AuditEvent, object_type_of
from municipal_order.lib.actors import By, as_actor
from municipal_order.lib.requests import current_request_id

# Any constant; serialises appends to the chain on PostgreSQL.
_CHAIN_LOCK_KEY = 7_020_170_428


def _jsonable(value: Any) -> Any:
    """Exactly what the JSON column will give back, so the hash survives a reload."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def _client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    raw = request.META.get("REMOTE_ADDR") or ""
    try:
        return ipaddress.ip_address(raw).compressed
    except ValueError:
        return None


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """Field values of obj for before/after (foreign keys as ids)."""
    data = {}
    for name in fields:
        field = obj._meta.get_field(name)
        assert isinstance(field, models.Field), name  # a concrete field, not a reverse relation
        data[name] = getattr(obj, field.attname)
    return _jsonable(data)


def record(
    action: str,
    obj: models.Model,
    *,
    by: By,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain. Must run inside the caller's transaction."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit.record() must be called inside transaction.atomic()")
    actor = as_actor(by)
    user = actor.signed_in_user
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
    last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
    event = AuditEvent(
        created_at=timezone.now(),
        actor=user,
        actor_label=actor.label or (str(user) if user else ""),
        action=action,
        object_type=object_type_of(obj),
        object_id=str(obj.pk),
        object_label=str(obj)[:255],
        before=_jsonable(before),
        after=_jsonable(after),
        ip=_client_ip(actor.request),
        request_id=current_request_id() if current_request_id() != "-" else "",
        prev_hash=last or GENESIS_HASH,
    )
    event.hash = event.compute_hash()
    event.save()
    return event


@dataclass
class VerifyResult:
    checked: int
    broken_id: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_id is None


def verify_chain(*, batch: int = 2000) -> VerifyResult:
    """Walk the chain in id order; report the first row whose hash or link is wrong."""
    expected_prev = GENESIS_HASH
    checked = 0
    last_id = 0
    with transaction.atomic():
        while True:
            rows = list(AuditEvent.objects.filter(id__gt=last_id).order_by("id")[:batch])
            if not rows:
                return VerifyResult(checked=checked)
            for event in rows:
                if event.prev_hash != expected_prev:
                    return VerifyResult(
                        checked,
                        event.id,
                        "previous-hash link broken (a row was removed or altered)",
                    )
                if event.compute_hash() != event.hash:
                    return VerifyResult(checked, event.id, "content does not match its hash")
                expected_prev = event.hash
                checked += 1
                last_id = event.id
