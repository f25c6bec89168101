from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from audit.exceptions import AuditLogImmutable
from audit.models import GENESIS_HASH, AuditEvent
from audit.services import record, verify_chain
from municipal_order.lib.actors import Actor

pytestmark = pytest.mark.django_db


def make_events(user, n=3):
    events = []
    for i in range(n):
        with transaction.atomic():
            events.append(
                record("user.updated", user, by=user, before={"n": i}, after={"n": i + 1})
            )
    return events


def test_events_are_chained(user):
    first, second, third = make_events(user)
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert len({first.hash, second.hash, third.hash}) == 3


@pytest.mark.django_db(transaction=True)
def test_record_outside_a_transaction_is_refused(user):
    with pytest.raises(RuntimeError, match=r"inside transaction\.atomic"):
        record("x", user, by=user)
    assert not AuditEvent.objects.exists()


def test_the_intact_chain_verifies(user, capsys):
    make_events(user)
    assert verify_chain().ok
    call_command("verify_audit")
    assert "intact: 3 events" in capsys.readouterr().out


def test_the_orm_refuses_updates_and_deletes(user):
    (event,) = make_events(user, 1)
    event.action = "forged"
    with pytest.raises(AuditLogImmutable):
        event.save()
    with pytest.raises(AuditLogImmutable):
        event.delete()
    with pytest.raises(AuditLogImmutable):
        AuditEvent.objects.filter(pk=event.pk).update(action="forged")
    with pytest.raises(AuditLogImmutable):
        AuditEvent.objects.all().delete()


def test_a_system_actor_is_labelled(user):
    with transaction.atomic():
        event = record("territories.imported", user, by=Actor.system("import_territories"))
    assert event.actor is None
    assert event.actor_label == "import_territories"


def test_a_value_that_is_not_json_native_survives_a_reload(user):
    import datetime
    from decimal import Decimal

    with transaction.atomic():
        record(
            "x",
            user,
            by=user,
            after={"amount": Decimal("1234567.50"), "day": datetime.date(2026, 12, 31)},
        )
    assert verify_chain().ok


def _tamper(sql: str, params: list) -> None:
    """Change a row behind the ORM's back, as someone with table rights could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_update_delete"
            )
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute(
                "ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_no_update_delete"
            )


def test_verify_audit_names_the_first_tampered_row(user):
    _, second, _ = make_events(user)
    _tamper("UPDATE audit_auditevent SET after = %s WHERE id = %s", ['{"n": 99}', second.pk])
    result = verify_chain()
    assert result.broken_id == second.pk
    with pytest.raises(CommandError, match=f"broken at event #{second.pk}"):
        call_command("verify_audit")


def test_verify_audit_detects_a_removed_row(user):
    _, second, third = make_events(user)
    _tamper("DELETE FROM audit_auditevent WHERE id = %s", [second.pk])
    result = verify_chain()
    assert result.broken_id == third.pk
    assert "link broken" in result.reason


def test_a_recomputed_hash_still_breaks_the_next_link(user):
    """A forger who also recomputes the edited row's hash is caught at the next row."""
    _, second, third = make_events(user)
    second.after = {"n": 99}
    forged_hash = second.compute_hash()
    _tamper(
        "UPDATE audit_auditevent SET after = %s, hash = %s WHERE id = %s",
        ['{"n": 99}', forged_hash, second.pk],
    )
    assert verify_chain().broken_id == third.pk


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL")
def test_the_database_trigger_blocks_update_and_delete(user):
    (event,) = make_events(user, 1)
    for sql in (
        "UPDATE audit_auditevent SET action = 'forged' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "user.updated"
