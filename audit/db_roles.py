"""Privileges of the application's database role (PostgreSQL).

Migrations run as the owner role, which owns every table. The web, worker and beat
processes connect as a separate role that owns nothing and gets only what it needs:
SELECT/INSERT/UPDATE/DELETE on the application's tables, USAGE on their sequences,
and on the audit table only SELECT and INSERT. Without ownership it cannot ALTER
the audit table (DISABLE TRIGGER), TRUNCATE it or DROP it (docs/operations.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import connection, transaction

from audit.models import AuditEvent

ROLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
APP_TABLE_PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE"
AUDIT_TABLE_PRIVILEGES = "SELECT, INSERT"
# Must all be false for the role on the audit table, however it came by them
# (a direct grant, PUBLIC or a group role it belongs to).
FORBIDDEN_ON_AUDIT = ("UPDATE", "DELETE", "TRUNCATE", "TRIGGER", "REFERENCES")
# Django's migration journal is not a model; the role may read it (showmigrations).
MIGRATIONS_TABLE = "django_migrations"


class RoleError(Exception):
    """The role cannot be made the application's role (the message says why)."""


@dataclass
class GrantReport:
    role: str
    tables: list[str] = field(default_factory=list)
    sequences: list[str] = field(default_factory=list)
    audit_table: str = AuditEvent._meta.db_table


def _sequences_of(cursor, table: str) -> list[str]:
    """Sequences owned by the table's columns (identity and serial)."""
    cursor.execute(
        """
        SELECT s.oid::regclass::text FROM pg_class s
        JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = s.oid
        WHERE s.relkind = 'S' AND d.refobjid = %s::regclass AND d.deptype IN ('a', 'i')
        """,
        [connection.ops.quote_name(table)],
    )
    return [row[0] for row in cursor.fetchall()]


def _check_role(cursor, role: str, audit_table: str) -> None:
    cursor.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = %s", [role])
    row = cursor.fetchone()
    if row is None:
        raise RoleError(
            f"role {role!r} does not exist: create it first "
            f"(CREATE ROLE {role} LOGIN PASSWORD '…'; see docs/operations.md)"
        )
    if row[0]:
        raise RoleError(f"role {role!r} is a superuser: the application role must not be one")
    cursor.execute("SELECT current_user")
    if cursor.fetchone()[0] == role:
        raise RoleError(
            f"role {role!r} is the role running this command (the owner): "
            "run it as the migration role and name a different application role"
        )
    cursor.execute(
        "SELECT pg_has_role(%s, c.relowner, 'USAGE') FROM pg_class c WHERE c.oid = %s::regclass",
        [role, connection.ops.quote_name(audit_table)],
    )
    if cursor.fetchone()[0]:
        raise RoleError(
            f"role {role!r} owns {audit_table} (or is a member of its owner): it could "
            "disable the audit trigger and TRUNCATE the table. Run migrations as a "
            "separate owner role (docs/operations.md)."
        )


def forbidden_audit_privileges(role: str) -> list[str]:
    """Privileges on the audit table the role must not have but has."""
    audit_table = connection.ops.quote_name(AuditEvent._meta.db_table)
    found = []
    with connection.cursor() as cursor:
        for privilege in FORBIDDEN_ON_AUDIT:
            cursor.execute("SELECT has_table_privilege(%s, %s, %s)", [role, audit_table, privilege])
            if cursor.fetchone()[0]:
                found.append(privilege)
    return found


def grant_app_role(role: str) -> GrantReport:
    """Give `role` exactly the application's privileges; idempotent. Run as the owner,
    after every `migrate` (new tables get no privileges until then)."""
    if connection.vendor != "postgresql":
        raise RoleError("database roles are a PostgreSQL matter; this database is not PostgreSQL")
    if not ROLE_NAME.match(role):
        raise RoleError(f"{role!r} is not a plain role name (letters, digits, underscore)")
    quoted_role = connection.ops.quote_name(role)
    audit_table = AuditEvent._meta.db_table
    report = GrantReport(role=role, audit_table=audit_table)
    with transaction.atomic(), connection.cursor() as cursor:
        _check_role(cursor, role, audit_table)
        tables = sorted(
            connection.introspection.django_table_names(only_existing=True, include_views=False)
        )
        schemas: set[str] = set()
        for table in [*tables, MIGRATIONS_TABLE]:
            quoted = connection.ops.quote_name(table)
            cursor.execute(
                "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE c.oid = %s::regclass",
                [quoted],
            )
            schemas.add(cursor.fetchone()[0])
            cursor.execute(f"REVOKE ALL ON TABLE {quoted} FROM {quoted_role}")
            if table == MIGRATIONS_TABLE:
                privileges = "SELECT"
            elif table == audit_table:
                privileges = AUDIT_TABLE_PRIVILEGES
            else:
                privileges = APP_TABLE_PRIVILEGES
            cursor.execute(f"GRANT {privileges} ON TABLE {quoted} TO {quoted_role}")
            for sequence in _sequences_of(cursor, table):
                # USAGE and SELECT, not UPDATE: the role has no business calling setval().
                cursor.execute(f"REVOKE ALL ON SEQUENCE {sequence} FROM {quoted_role}")
                cursor.execute(f"GRANT USAGE, SELECT ON SEQUENCE {sequence} TO {quoted_role}")
                report.sequences.append(sequence)
            if table != MIGRATIONS_TABLE:
                report.tables.append(table)
        for schema in sorted(schemas):
            quoted_schema = connection.ops.quote_name(schema)
            cursor.execute(f"GRANT USAGE ON SCHEMA {quoted_schema} TO {quoted_role}")
        leaked = forbidden_audit_privileges(role)
        if leaked:
            raise RoleError(
                f"role {role!r} still has {', '.join(leaked)} on {audit_table} through PUBLIC "
                "or a group role it belongs to: revoke it there"
            )
    return report
