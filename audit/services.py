"""Writing the audit trail. Services call `record()` inside their own transaction."""

from __future__ import annotations

import dataclasses
import datetime
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.db.models import Count, Max
from django.http import HttpRequest
from django.utils import timezone

from audit.exceptions import AnchorMismatch, AnchorUnreadable
from audit.models import GENESIS_HASH, AuditEvent, object_type_of
from municipal_order.lib.actors import By, as_actor
from municipal_order.lib.requests import client_ip, current_request_id
from municipal_order.lib.storage import private_storage

logger = logging.getLogger(__name__)

# Any constant; serialises appends to the chain on PostgreSQL.
_CHAIN_LOCK_KEY = 7_020_170_428


class _UTCEncoder(DjangoJSONEncoder):
    """Date-times in UTC: a value typed in Bishkek time and the same instant read back
    from the database must compare equal, or every save records a change that did not
    happen."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime) and timezone.is_aware(o):
            o = o.astimezone(datetime.UTC)
        return super().default(o)


def _jsonable(value: Any) -> Any:
    """Exactly what the JSON column will give back, so the hash survives a reload."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=_UTCEncoder, ensure_ascii=False))


def _client_ip(request: HttpRequest | None) -> str | None:
    # Behind the reverse proxy, the address it appended (the same rule as the lockout).
    return None if request is None else client_ip(request)


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
    last_id: int | None = None
    last_hash: str = GENESIS_HASH

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
                return VerifyResult(
                    checked=checked, last_id=last_id or None, last_hash=expected_prev
                )
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


# --- Anchors: the chain head, kept outside the database ---------------------------
# The owner role can empty or shorten the table and the chain would still verify
# (an empty chain is intact). So the head (count, last id, last hash) is written to
# the private storage every hour and shown on a public page; verify_audit compares.

ANCHOR_DIR = "audit-anchors"
ANCHOR_VERSION = 1


@dataclass(frozen=True)
class Anchor:
    count: int
    last_id: int | None
    last_hash: str
    anchored_at: datetime.datetime  # aware, UTC
    forced: bool = False
    note: str = ""
    name: str = ""  # the file in the private storage

    @property
    def when(self) -> str:
        return self.anchored_at.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")

    def to_json(self) -> bytes:
        data = {
            "version": ANCHOR_VERSION,
            "table": AuditEvent._meta.db_table,
            "count": self.count,
            "last_id": self.last_id,
            "last_hash": self.last_hash,
            "anchored_at": self.when,
            "forced": self.forced,
            "note": self.note,
        }
        return (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()

    @classmethod
    def from_json(cls, raw: bytes, name: str) -> Anchor:
        try:
            data = json.loads(raw)
            count, last_id, last_hash = data["count"], data["last_id"], data["last_hash"]
            anchored_at = datetime.datetime.fromisoformat(data["anchored_at"])
            valid = (
                data.get("version") == ANCHOR_VERSION
                and isinstance(count, int)
                and count >= 0
                and (last_id is None or isinstance(last_id, int))
                and (last_id is None) == (count == 0)
                and isinstance(last_hash, str)
                and len(last_hash) == 64
                and anchored_at.tzinfo is not None
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise AnchorUnreadable(f"anchor {name} is unreadable: {exc}") from None
        if not valid:
            raise AnchorUnreadable(f"anchor {name} is unreadable: unexpected values")
        return cls(
            count=count,
            last_id=last_id,
            last_hash=last_hash,
            anchored_at=anchored_at.astimezone(datetime.UTC),
            forced=bool(data.get("forced", False)),
            note=str(data.get("note", "")),
            name=name,
        )


def chain_head() -> tuple[int, int | None, str]:
    """(count, last id, last hash) from one snapshot. Appends are serialised and commit
    in id order, so a snapshot always sees a prefix of the chain."""
    head = AuditEvent.objects.aggregate(count=Count("id"), last_id=Max("id"))
    last_id = head["last_id"]
    if last_id is None:
        return 0, None, GENESIS_HASH
    last_hash = AuditEvent.objects.filter(pk=last_id).values_list("hash", flat=True).get()
    return head["count"], last_id, last_hash


def _listdir(path: str) -> tuple[list[str], list[str]]:
    try:
        dirs, files = private_storage().listdir(path)
    except FileNotFoundError:  # local disk, nothing anchored yet (a bucket answers empty)
        return [], []
    return list(dirs), list(files)


def anchor_names(limit: int | None = None) -> list[str]:
    """Anchor files, newest first (names start with the UTC time, so they sort)."""
    names: list[str] = []
    for year in sorted(_listdir(ANCHOR_DIR)[0], reverse=True):
        for month in sorted(_listdir(f"{ANCHOR_DIR}/{year}")[0], reverse=True):
            folder = f"{ANCHOR_DIR}/{year}/{month}"
            files = [f for f in _listdir(folder)[1] if f.endswith(".json")]
            for file in sorted(files, reverse=True):
                names.append(f"{folder}/{file}")
                if limit is not None and len(names) >= limit:
                    return names
    return names


def read_anchor(name: str) -> Anchor:
    try:
        with private_storage().open(name, "rb") as fh:
            raw = fh.read()
    except OSError as exc:
        raise AnchorUnreadable(f"anchor {name} is unreadable: {exc}") from None
    return Anchor.from_json(raw, name)


def latest_anchor() -> Anchor | None:
    names = anchor_names(limit=1)
    return read_anchor(names[0]) if names else None


def latest_anchors(limit: int = 24) -> list[Anchor]:
    """For the public page: the newest anchors; an unreadable file is logged and skipped
    (verify_audit is where it fails loudly)."""
    anchors = []
    for name in anchor_names(limit=limit):
        try:
            anchors.append(read_anchor(name))
        except AnchorUnreadable as exc:
            logger.error("%s", exc)
    return anchors


def compare_with_anchor(anchor: Anchor, *, found: int) -> str:
    """Why the chain (of `found` events) contradicts the anchor, or "" when it does not."""
    if found < anchor.count:
        return f"chain shortened: anchored {anchor.count} events at {anchor.when}, found {found}"
    if anchor.last_id is None:
        return ""
    current = AuditEvent.objects.filter(pk=anchor.last_id).values_list("hash", flat=True).first()
    if current is None:
        return (
            f"chain shortened: event #{anchor.last_id}, the last of {anchor.count} "
            f"anchored at {anchor.when}, is missing (found {found} events)"
        )
    if current != anchor.last_hash:
        return (
            f"chain rewritten: event #{anchor.last_id} had hash {anchor.last_hash} "
            f"when anchored at {anchor.when}, now {current}"
        )
    return ""


def anchor_chain(*, force: bool = False, note: str = "") -> Anchor:
    """Write the chain head to `audit-anchors/<yyyy>/<mm>/<UTC time>-<count>.json` in the
    private storage. A new file every time, never an overwrite. Refuses (AnchorMismatch)
    when the chain contradicts the previous anchor, so an emptied chain is not blessed
    by the next hourly run; `force` (after a restore from backup) records the mismatch
    in the file instead. Writes no rows, so it records no audit event."""
    previous = latest_anchor()
    count, last_id, last_hash = chain_head()
    problem = compare_with_anchor(previous, found=count) if previous else ""
    if problem and not force:
        raise AnchorMismatch(problem)
    if problem:
        logger.warning("audit anchor forced over a mismatch: %s", problem)
        note = f"{note} [{problem}]".strip()
    anchor = Anchor(
        count=count,
        last_id=last_id,
        last_hash=last_hash,
        anchored_at=timezone.now().astimezone(datetime.UTC),
        forced=bool(problem),
        note=note,
    )
    moment = anchor.anchored_at
    name = f"{ANCHOR_DIR}/{moment:%Y/%m}/{moment:%Y%m%dT%H%M%S.%fZ}-{count}.json"
    saved = private_storage().save(name, ContentFile(anchor.to_json()))
    logger.info("audit chain anchored: %s events, last #%s: %s", count, last_id, saved)
    return dataclasses.replace(anchor, name=saved)


@dataclass
class AnchoredVerifyResult:
    chain: VerifyResult
    anchors: list[Anchor]  # those compared, newest first
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.chain.ok and not self.problem


def verify_chain_and_anchors(*, all_anchors: bool = False) -> AnchoredVerifyResult:
    """verify_chain(), then the chain against the newest anchor (or every anchor back to
    the last forced one). Anchors are read first: events appended during the walk only
    make the chain longer than they say."""
    names = anchor_names(limit=None if all_anchors else 1)
    anchors: list[Anchor] = []
    for name in names:
        anchors.append(read_anchor(name))
        if anchors[-1].forced:  # anchors before a forced one describe an abandoned chain
            break
    chain = verify_chain()
    result = AnchoredVerifyResult(chain=chain, anchors=anchors)
    if chain.ok:
        for anchor in anchors:
            result.problem = compare_with_anchor(anchor, found=chain.checked)
            if result.problem:
                break
    return result
