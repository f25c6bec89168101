"""Projects signed before progress reports existed get the reports their agreement
calls for (as `monitoring.services.schedule.sync_schedule` makes them at signing)."""

import datetime

from django.db import migrations

FINAL_REPORT_DAYS = 15


def schedule(apps, schema_editor):
    Project = apps.get_model("monitoring", "Project")
    ProgressReport = apps.get_model("monitoring", "ProgressReport")
    for project in Project.objects.filter(status="active", reports__isnull=True):
        interim = project.tranches.filter(condition="interim").order_by("position", "due_on")
        rows = [
            ProgressReport(project=project, kind="interim", number=n, due_on=t.due_on)
            for n, t in enumerate(interim, start=1)
        ]
        rows.append(
            ProgressReport(
                project=project,
                kind="final",
                number=1,
                due_on=project.ends_on + datetime.timedelta(days=FINAL_REPORT_DAYS),
            )
        )
        ProgressReport.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0003_progress_reports")]

    operations = [migrations.RunPython(schedule, migrations.RunPython.noop)]
