"""Whether a call publishes each member's scores with its results.

On SQLite the new column rebuilds the call table, which the deadline guard's trigger
names: dropped for the rebuild and installed again, as in 0007.
"""

import importlib

from django.db import migrations, models

stage = importlib.import_module("competitions.migrations.0007_competition_stage")


class Migration(migrations.Migration):
    dependencies = [
        ("competitions", "0007_competition_stage"),
    ]

    operations = [
        migrations.RunPython(stage.drop_sqlite_guard, stage.install_sqlite_guard),
        migrations.AddField(
            model_name="competition",
            name="publish_member_scores",
            field=models.BooleanField(
                default=False,
                help_text="Off: the results show each bid's score only. Comments of the "
                "commission are never published.",
                verbose_name="publish each member's scores with the results",
            ),
        ),
        migrations.RunPython(stage.install_sqlite_guard, stage.drop_sqlite_guard),
    ]
