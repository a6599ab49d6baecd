# The source systems' model now belongs to the api app (its table is unchanged): Django's state
# only.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0001_initial"),
        ("api", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="workitem",
                    name="source_system",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="items",
                        to="api.sourcesystem",
                        verbose_name="source system",
                    ),
                ),
                migrations.DeleteModel(name="SourceSystem"),
            ],
            database_operations=[],
        ),
    ]
