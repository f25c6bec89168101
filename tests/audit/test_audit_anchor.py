"""The chain head is anchored outside the database (security issue, item 2).

Without an anchor an emptied or shortened chain verifies: an empty chain is
"intact: 0 events". These tests erase rows the way the table's owner could (raw
SQL; on PostgreSQL the owner's TRUNCATE, or DELETE with the trigger disabled) and
expect `verify_audit` to notice through the newest anchor.
"""

from __future__ import annotations

import datetime
import json
import re

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from audit.models import AuditEvent
from audit.services import (
    Anchor,
    anchor_chain,
    anchor_names,
    latest_anchor,
    read_anchor,
    record,
    verify_chain,
)
from audit.tasks import anchor_audit_chain

pytestmark = pytest.mark.django_db

NAME = re.compile(r"^audit-anchors/\d{4}/\d{2}/\d{8}T\d{6}\.\d{6}Z-(\d+)\.json$")


def make_events(user, n=3):
    events = []
    for i in range(n):
        with transaction.atomic():
            events.append(record("user.updated", user, by=user, after={"n": i}))
    return events


def owner_sql(sql: str, params: list | None = None) -> None:
    """What the table's owner can do behind the ORM's back."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        cursor.execute(sql, params or [])
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")


def empty_the_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # the owner passes the TRUNCATE trigger
            cursor.execute("TRUNCATE audit_auditevent")
    else:
        owner_sql("DELETE FROM audit_auditevent")


def verify_audit(*args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("verify_audit", *args, stdout=out)
    return out.getvalue()


def test_anchor_audit_writes_the_chain_head_to_the_private_storage(user):
    *_, third = make_events(user)
    call_command("anchor_audit")
    (name,) = anchor_names()
    assert NAME.match(name).group(1) == "3"
    data = json.loads((settings.MEDIA_ROOT / name).read_text())
    assert data["count"] == 3
    assert data["last_id"] == third.pk
    assert data["last_hash"] == third.hash
    assert data["anchored_at"].endswith("Z")
    assert data["forced"] is False


def test_anchoring_twice_writes_two_files_both_consistent(user):
    make_events(user)
    first = anchor_chain()
    second = anchor_chain()  # nothing happened in between: the same head, a new file
    assert first.name != second.name
    assert (first.count, first.last_id, first.last_hash) == (
        second.count,
        second.last_id,
        second.last_hash,
    )
    make_events(user, 1)
    third = anchor_chain()
    assert anchor_names() == [third.name, second.name, first.name]
    assert third.count == 4
    assert "matches 3 anchors" in verify_audit("--all-anchors")


def test_verify_audit_detects_an_emptied_chain_through_the_anchor(user):
    make_events(user)
    anchor = anchor_chain()
    empty_the_chain()
    assert verify_chain().ok  # the hash chain alone cannot tell: nothing is left to check
    with pytest.raises(
        CommandError,
        match=rf"chain shortened: anchored 3 events at {re.escape(anchor.when)}, found 0",
    ):
        verify_audit()


def test_verify_audit_detects_a_shortened_tail(user):
    first, *_ = make_events(user)
    anchor_chain()
    owner_sql("DELETE FROM audit_auditevent WHERE id > %s", [first.pk])
    assert verify_chain().ok
    with pytest.raises(CommandError, match=r"chain shortened: anchored 3 events at .*, found 1"):
        verify_audit()


def test_verify_audit_detects_a_tail_replaced_by_as_many_new_events(user):
    *_, third = make_events(user)
    anchor_chain()
    owner_sql("DELETE FROM audit_auditevent WHERE id = %s", [third.pk])
    make_events(user, 1)  # the count is back to 3 and the chain links
    assert verify_chain().ok
    with pytest.raises(CommandError, match=rf"chain shortened: event #{third.pk}, the last of 3"):
        verify_audit()


def test_verify_audit_detects_a_rewritten_last_event(user):
    """Rewriting the last row and recomputing its hash leaves no broken link: only the
    anchor can tell."""
    *_, third = make_events(user)
    anchor_chain()
    third.after = {"n": 99}
    forged = third.compute_hash()
    owner_sql(
        "UPDATE audit_auditevent SET after = %s, hash = %s WHERE id = %s",
        ['{"n": 99}', forged, third.pk],
    )
    assert verify_chain().ok
    with pytest.raises(CommandError, match=rf"chain rewritten: event #{third.pk} had hash"):
        verify_audit()


def test_a_valid_chain_with_older_anchors_passes(user):
    for _ in range(3):
        make_events(user, 1)
        anchor_chain()
    make_events(user, 2)  # events after the newest anchor are fine
    out = verify_audit()
    assert "audit trail intact: 5 events" in out
    assert "matches the anchor of" in out
    assert "(3 events)" in out
    assert "matches 3 anchors" in verify_audit("--all-anchors")


def test_verify_audit_without_an_anchor_says_so(user):
    make_events(user)
    assert "intact: 3 events; no anchor yet" in verify_audit()


def test_anchoring_refuses_a_chain_that_contradicts_the_last_anchor(user):
    make_events(user)
    anchor_chain()
    empty_the_chain()
    with pytest.raises(CommandError, match="not anchored: chain shortened: anchored 3 events"):
        call_command("anchor_audit")
    assert len(anchor_names()) == 1  # the next hourly run does not bless the empty chain
    with pytest.raises(CommandError, match="--force needs --note"):
        call_command("anchor_audit", "--force")


def test_a_forced_anchor_after_a_restore_records_the_mismatch(user, client):
    make_events(user)
    anchor_chain()
    empty_the_chain()
    call_command("anchor_audit", "--force", "--note", "restored the 1 May backup")
    forced = latest_anchor()
    assert forced is not None and forced.forced and forced.count == 0
    assert forced.note.startswith("restored the 1 May backup [chain shortened: anchored 3")
    assert "intact: 0 events" in verify_audit("--all-anchors")  # older anchors are superseded
    client.cookies["mo_language"] = "en"  # the portal's language choice; Russian otherwise
    html = client.get("/audit/anchor/").content.decode()
    assert "re-based after a restore from backup" in html


def test_an_unreadable_anchor_fails_verification_and_is_skipped_on_the_page(user, client):
    make_events(user, 1)
    good = anchor_chain()
    bad = settings.MEDIA_ROOT / "audit-anchors" / "2999" / "12" / "29991231T000000.000000Z-1.json"
    bad.parent.mkdir(parents=True)
    bad.write_text("{not json")
    with pytest.raises(CommandError, match="unreadable"):
        verify_audit()
    response = client.get("/audit/anchor/")
    assert response.status_code == 200
    assert good.last_hash in response.content.decode()


def test_the_hourly_task_writes_an_anchor(user):
    entry = settings.CELERY_BEAT_SCHEDULE["anchor-audit-chain"]
    assert entry == {"task": "audit.tasks.anchor_audit_chain", "schedule": 3600.0}
    make_events(user, 2)
    assert anchor_audit_chain.delay().get() == 2
    anchor = latest_anchor()
    assert anchor is not None and anchor.count == 2


def test_an_anchor_round_trips_through_its_file(user):
    make_events(user, 1)
    anchor = anchor_chain(note="first")
    assert read_anchor(anchor.name) == anchor
    assert Anchor.from_json(anchor.to_json(), anchor.name) == anchor


# --- The public page ---------------------------------------------------------------


def test_the_anchor_page_is_public_and_shows_the_newest_anchors_in_bishkek_time(user, client):
    *_, third = make_events(user)
    at = datetime.datetime(2026, 5, 12, 4, 0, 0, tzinfo=datetime.UTC)
    with time_machine.travel(at, tick=False):
        anchor_chain()
    with time_machine.travel(at + datetime.timedelta(hours=1), tick=False):
        make_events(user, 1)
        newest = anchor_chain()
    client.cookies["mo_language"] = "ky"
    response = client.get("/audit/anchor/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ky">' in html
    assert "12.05.2026 10:00:00" in html and "12.05.2026 11:00:00" in html  # UTC+6
    assert html.index("12.05.2026 11:00:00") < html.index("12.05.2026 10:00:00")  # newest first
    assert third.hash in html and newest.last_hash in html
    assert f"#{newest.last_id}" in html
    assert 'class="site-footer' in html  # the portal's layout (base.html)


def test_the_anchor_page_before_any_anchor(client):
    client.cookies["mo_language"] = "en"
    response = client.get("/audit/anchor/")
    assert response.status_code == 200
    assert "No anchors have been published yet." in response.content.decode()


def test_the_footer_links_the_anchor_page(client):
    assert 'href="/audit/anchor/"' in client.get("/").content.decode()


def test_the_anchor_page_refuses_post(client):
    assert client.post("/audit/anchor/").status_code == 405
    assert not AuditEvent.objects.exists()
