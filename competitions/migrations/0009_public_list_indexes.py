"""Partial indexes for the public lists: problems by support or newest (public,
not archived) and the calls open now (published; opens_at and closes_at ranges).

On SQLite, CREATE INDEX does not rebuild the call table, so the deadline guard's
trigger (applications 0010) stays in place, unlike 0007 and 0008.
"""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("competitions", "0008_competition_publish_member_scores"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="competition",
            index=models.Index(
                condition=models.Q(("status", "published")),
                fields=["opens_at"],
                name="call_published_opens_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="competition",
            index=models.Index(
                condition=models.Q(("status", "published")),
                fields=["closes_at"],
                name="call_published_closes_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="priorityproblem",
            index=models.Index(
                condition=models.Q(
                    models.Q(("status", "draft"), _negated=True),
                    models.Q(("status", "archived"), _negated=True),
                ),
                fields=["-support_count", "-published_at", "-id"],
                name="problem_public_support_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="priorityproblem",
            index=models.Index(
                condition=models.Q(
                    models.Q(("status", "draft"), _negated=True),
                    models.Q(("status", "archived"), _negated=True),
                ),
                fields=["-published_at", "-id"],
                name="problem_public_recent_idx",
            ),
        ),
    ]
