from django.db import migrations, models


class Migration(migrations.Migration):
    """The quota of a group counted from an index (the calibration page of a large unit): on
    PostgreSQL the levels are included, so the count never reads the rows and their explanations."""

    dependencies = [
        ("yearend", "0004_self_assessment_report_and_pivotal_periods"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="classification",
            index=models.Index(fields=["year", "group"], include=("unit", "proposed_level", "calibrated_level",
                                                                 "approved_level", "amended_level"),
                               name="yearend_class_quota"),
        ),
    ]
