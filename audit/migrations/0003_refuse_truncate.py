"""On PostgreSQL the database refuses TRUNCATE of the audit table to everyone but
the table's owner (the migration role).

The application connects as a role that neither owns the table nor holds the
TRUNCATE privilege (`manage.py grant_app_role`), so it is refused twice: by
privileges, and by this trigger if someone grants it TRUNCATE by mistake (GRANT ALL).
The owner is let through on purpose: it could DISABLE TRIGGER or DROP TABLE anyway,
so refusing it would protect nothing, and it would break Django's flush (pytest-django's
transactional tests, `manage.py flush`). What catches the owner is the anchor kept
outside the database (`manage.py anchor_audit`, `verify_audit`).
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION audit_event_no_truncate() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF pg_catalog.pg_has_role(
        current_user,
        (SELECT relowner FROM pg_catalog.pg_class WHERE oid = TG_RELID),
        'USAGE'
    ) THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'audit_auditevent is append-only: TRUNCATE refused for %', current_user
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER audit_event_no_truncate
    BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_no_truncate();
"""

DROP = """
DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_event_no_truncate();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_trigger")]

    operations = [migrations.RunPython(forwards, backwards)]
