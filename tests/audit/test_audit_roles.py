"""The application's database role cannot erase the audit trail (security issue, item 2).

On PostgreSQL each test creates its own login role, grants it the application's
privileges with `manage.py grant_app_role` (run, like migrations, as the owner:
the test connection) and connects a second time as that role. The role is dropped
in `finally`.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.utils import timezone

from audit.db_roles import forbidden_audit_privileges
from audit.models import AuditEvent
from audit.services import record, verify_chain

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="database roles exist on PostgreSQL"
)


def make_events(user, n=2):
    for i in range(n):
        with transaction.atomic():
            record("user.updated", user, by=user, after={"n": i})


def role_name() -> str:
    return f"mo_test_app_{os.getpid()}_{secrets.token_hex(3)}"


def create_role(name: str, password: str = "") -> None:
    with connection.cursor() as cursor:
        if password:
            cursor.execute(f"CREATE ROLE {name} LOGIN PASSWORD %s", [password])
        else:
            cursor.execute(f"CREATE ROLE {name} NOLOGIN")


def drop_role(name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP OWNED BY {name}")  # this database's grants
        cursor.execute(f"DROP ROLE {name}")


@contextlib.contextmanager
def connected_as(role: str, password: str):
    import psycopg2

    conf = connection.settings_dict
    conn = psycopg2.connect(
        dbname=conf["NAME"],
        user=role,
        password=password,
        host=conf["HOST"] or None,
        port=conf["PORT"] or None,
        connect_timeout=5,
    )
    conn.autocommit = True
    try:
        yield conn
    finally:
        conn.close()


@pytest.fixture
def app_role(transactional_db):
    """(name, psycopg2 connection) of a fresh application role, committed so that the
    second connection sees it; dropped afterwards."""
    name, password = role_name(), secrets.token_hex(16)
    create_role(name, password)
    try:
        out = StringIO()
        call_command("grant_app_role", name, stdout=out)
        assert "audit_auditevent: SELECT, INSERT only" in out.getvalue()
        with connected_as(name, password) as conn:
            yield name, conn
    finally:
        drop_role(name)


def refused(conn, sql: str, params: list | None = None) -> str:
    import psycopg2

    with conn.cursor() as cursor, pytest.raises(psycopg2.Error) as caught:
        cursor.execute(sql, params)
    return str(caught.value).splitlines()[0]


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_app_role_cannot_erase_the_audit_trail(app_role, user):
    name, conn = app_role
    make_events(user)
    attempts = {
        "TRUNCATE audit_auditevent": "permission denied",
        "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_update_delete": (
            "must be owner"
        ),
        "ALTER TABLE audit_auditevent DISABLE TRIGGER ALL": "must be owner",
        "DROP TRIGGER audit_event_no_truncate ON audit_auditevent": "must be owner",
        "DROP TABLE audit_auditevent": "must be owner",
        f"ALTER TABLE audit_auditevent OWNER TO {name}": "must be owner",
        "DELETE FROM audit_auditevent": "permission denied",
        "UPDATE audit_auditevent SET action = 'forged'": "permission denied",
        "SET session_replication_role = replica": "permission denied",  # skips triggers
        "SELECT setval(pg_get_serial_sequence('audit_auditevent', 'id'), 1)": ("permission denied"),
    }
    for sql, expected in attempts.items():
        message = refused(conn, sql)
        assert expected in message, f"{sql}: {message}"
    assert AuditEvent.objects.count() == 2
    assert verify_chain().ok


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_app_role_appends_to_the_chain_and_uses_the_app_tables(app_role, user):
    _name, conn = app_role
    make_events(user, 1)
    last = AuditEvent.objects.order_by("-id").first()
    event = AuditEvent(
        created_at=timezone.now(),
        actor_label="app role",
        action="probe.appended",
        object_type="accounts.user",
        object_id=str(user.pk),
        object_label="",
        after={"ok": True},
        request_id="",
        prev_hash=last.hash,
    )
    event.hash = event.compute_hash()
    with conn.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(7020170428)")
        cursor.execute(
            "INSERT INTO audit_auditevent (created_at, actor_label, action, object_type, "
            "object_id, object_label, after, request_id, prev_hash, hash) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [
                event.created_at,
                event.actor_label,
                event.action,
                event.object_type,
                event.object_id,
                event.object_label,
                json.dumps(event.after),
                event.request_id,
                event.prev_hash,
                event.hash,
            ],
        )
        # Ordinary tables: normal DML (Django's sessions, the application's rows).
        cursor.execute(
            "INSERT INTO django_session (session_key, session_data, expire_date) "
            "VALUES ('probe', 'x', now())"
        )
        cursor.execute("DELETE FROM django_session WHERE session_key = 'probe'")
        cursor.execute("UPDATE accounts_user SET full_name = 'Renamed' WHERE id = %s", [user.pk])
        cursor.execute("SELECT count(*) FROM django_migrations")
    result = verify_chain()
    assert result.ok and result.checked == 2
    user.refresh_from_db()
    assert user.full_name == "Renamed"


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_truncate_trigger_refuses_a_non_owner_even_with_the_privilege(app_role, user):
    """A mistaken GRANT ALL gives TRUNCATE back: the trigger still refuses it."""
    name, conn = app_role
    make_events(user, 1)
    with connection.cursor() as cursor:
        cursor.execute(f"GRANT TRUNCATE ON audit_auditevent TO {name}")
    assert "TRUNCATE" in forbidden_audit_privileges(name)
    message = refused(conn, "TRUNCATE audit_auditevent")
    assert "append-only: TRUNCATE refused" in message
    assert AuditEvent.objects.count() == 1


@on_postgresql
@pytest.mark.django_db
def test_the_owner_may_truncate_so_that_flush_works(user):
    """Django's flush (transactional tests, `manage.py flush`) truncates as the owner."""
    make_events(user, 1)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE audit_auditevent")
        assert not AuditEvent.objects.exists()
        transaction.set_rollback(True)
    assert AuditEvent.objects.count() == 1


@on_postgresql
@pytest.mark.django_db
def test_grant_app_role_refuses_a_superuser_an_unknown_role_and_a_bad_name():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        owner = cursor.fetchone()[0]
    with pytest.raises(CommandError, match=r"superuser|the role running this command"):
        call_command("grant_app_role", owner)
    with pytest.raises(CommandError, match="does not exist"):
        call_command("grant_app_role", "mo_no_such_role_anywhere")
    with pytest.raises(CommandError, match="not a plain role name"):
        call_command("grant_app_role", "x; DROP TABLE audit_auditevent")


@on_postgresql
@pytest.mark.django_db
def test_grant_app_role_refuses_the_owner_of_the_audit_table():
    name = role_name()
    create_role(name)  # rolled back with the test's transaction
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE audit_auditevent OWNER TO {name}")
    with pytest.raises(CommandError, match="owns audit_auditevent"):
        call_command("grant_app_role", name)


@on_postgresql
@pytest.mark.django_db
def test_grant_app_role_refuses_a_role_that_inherits_update_on_the_audit_table():
    group, name = role_name(), role_name()
    create_role(group)
    create_role(name)
    with connection.cursor() as cursor:
        cursor.execute(f"GRANT UPDATE ON audit_auditevent TO {group}")
        cursor.execute(f"GRANT {group} TO {name}")
    with pytest.raises(CommandError, match="still has UPDATE on audit_auditevent"):
        call_command("grant_app_role", name)


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the SQLite answer")
@pytest.mark.django_db
def test_grant_app_role_is_for_postgresql_only():
    with pytest.raises(CommandError, match="not PostgreSQL"):
        call_command("grant_app_role", "portal_app")
