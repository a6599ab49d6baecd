# The source systems' model moves here from monitoring: its table stays where monitoring's first
# migration created it, so this changes Django's state only.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("monitoring", "0001_initial"),
        ("org", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SourceSystem",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"),
                        ),
                        ("name", models.CharField(max_length=200, unique=True, verbose_name="name")),
                        ("token_hash", models.CharField(max_length=128, unique=True, verbose_name="token hash")),
                        ("token_prefix", models.CharField(max_length=12, verbose_name="token prefix")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="issued at")),
                        ("revoked_at", models.DateTimeField(blank=True, null=True, verbose_name="revoked at")),
                        (
                            "created_by",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="issued by",
                            ),
                        ),
                        (
                            "units",
                            models.ManyToManyField(
                                related_name="+", to="org.unit", verbose_name="units (with the units below them)"
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "source system",
                        "verbose_name_plural": "source systems",
                        "ordering": ["name"],
                        "db_table": "monitoring_sourcesystem",
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
