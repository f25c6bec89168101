"""Evaluation's stage on the call (competitions.phases) and when results were published.

On SQLite, adding a NOT NULL column rebuilds the call table, which the deadline
guard's trigger on bid submissions (applications 0010) names: the trigger is
dropped for the rebuild and installed again after it. PostgreSQL adds the column
in place and keeps its trigger.
"""

import importlib

from django.db import migrations, models

GUARD = "applications.migrations.0010_submission_deadline_guard"


def drop_sqlite_guard(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(importlib.import_module(GUARD).SQLITE_DOWN)


def install_sqlite_guard(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(importlib.import_module(GUARD).SQLITE)


class Migration(migrations.Migration):
    dependencies = [
        ("competitions", "0006_commissioninvitation"),
        ("applications", "0010_submission_deadline_guard"),
    ]

    operations = [
        migrations.RunPython(drop_sqlite_guard, install_sqlite_guard),
        migrations.AddField(
            model_name="competition",
            name="results_published_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="results published"),
        ),
        migrations.AddField(
            model_name="competition",
            name="stage",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "admission of bids"),
                    ("scoring", "scoring"),
                    ("deliberation", "deliberation"),
                    ("results", "results published"),
                    ("final", "final"),
                ],
                default="",
                max_length=16,
                verbose_name="evaluation stage",
            ),
        ),
        migrations.RunPython(install_sqlite_guard, drop_sqlite_guard),
    ]
