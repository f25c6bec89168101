"""The database refuses a submission received at or after its call's deadline.

The service judges the deadline first; this guard holds when code or a person goes
around it (security item 6, T49). `submitted_at` is when the request arrived, on
the deciding clock.
"""

from django.db import migrations

POSTGRES = """
CREATE OR REPLACE FUNCTION applications_submission_before_deadline() RETURNS trigger AS $$
DECLARE deadline timestamptz;
BEGIN
    SELECT c.closes_at INTO deadline
      FROM applications_bid b JOIN competitions_competition c ON c.id = b.competition_id
     WHERE b.id = NEW.bid_id;
    IF NEW.submitted_at >= deadline THEN
        RAISE EXCEPTION 'bid submission received at % is not before the deadline %',
            NEW.submitted_at, deadline USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER applications_submission_before_deadline
    BEFORE INSERT OR UPDATE OF submitted_at, bid_id ON applications_bidsubmission
    FOR EACH ROW EXECUTE FUNCTION applications_submission_before_deadline();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS applications_submission_before_deadline ON applications_bidsubmission;
DROP FUNCTION IF EXISTS applications_submission_before_deadline();
"""
# SQLite stores datetimes as ISO text in UTC; julianday() compares them as instants.
SQLITE = """
CREATE TRIGGER applications_submission_before_deadline
BEFORE INSERT ON applications_bidsubmission
WHEN julianday(NEW.submitted_at) >= (
    SELECT julianday(c.closes_at)
      FROM applications_bid b JOIN competitions_competition c ON c.id = b.competition_id
     WHERE b.id = NEW.bid_id)
BEGIN
    SELECT RAISE(ABORT, 'bid submission is not before the deadline');
END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS applications_submission_before_deadline;"


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES, params=None)
    elif schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN, params=None)
    elif schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_DOWN)


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0009_ascii_identifiers"),
        ("competitions", "0005_competitions_calls"),
    ]

    operations = [migrations.RunPython(install, remove)]
