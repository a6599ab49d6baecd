"""Agencies in a tree (issue 13): an installation holds a province or a ministry with the agencies
below it. Today's single agency becomes the first (top) agency of the tree with all its data:
its path is its own id, every person takes the agency of their unit, and unit, position and
staff codes become unique within an agency instead of across the database.

On SQLite the person table is rebuilt by the change of its columns, which drops the triggers
that keep the name-search index in step (migration 0002); they are made again, and the index
rebuilt, at the end."""

import importlib

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Q, Subquery

import congtam.core.fields

SEARCH_INDEX = importlib.import_module("congtam.org.migrations.0002_person_name_search_index")


def fill_tree(apps, schema_editor):
    Agency = apps.get_model("org", "Agency")
    Person = apps.get_model("org", "Person")
    Unit = apps.get_model("org", "Unit")
    for agency in Agency.objects.all():
        Agency.objects.filter(pk=agency.pk).update(path=f"{agency.pk:08d}/", depth=0)
    Person.objects.update(agency_id=Subquery(Unit.objects.filter(pk=OuterRef("unit_id")).values("agency_id")[:1]))


def search_triggers_again(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SEARCH_INDEX.SQLITE_FORWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("org", "0002_person_name_search_index")]

    operations = [
        migrations.AddField(
            model_name="agency",
            name="parent",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="children",
                to="org.agency",
                verbose_name="superior agency",
            ),
        ),
        migrations.AddField(
            model_name="agency",
            name="path",
            field=congtam.core.fields.SortKeyField(db_index=True, default="", editable=False, max_length=900),
        ),
        migrations.AddField(
            model_name="agency",
            name="depth",
            field=models.PositiveSmallIntegerField(default=0, editable=False),
        ),
        migrations.AlterField(
            model_name="agency",
            name="code",
            field=models.CharField(max_length=50, unique=True, verbose_name="agency code"),
        ),
        migrations.AlterModelOptions(
            name="agency",
            options={"ordering": ["path"], "verbose_name": "agency", "verbose_name_plural": "agencies"},
        ),
        migrations.AddField(
            model_name="person",
            name="agency",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="people",
                to="org.agency",
                verbose_name="agency",
            ),
        ),
        migrations.RunPython(fill_tree, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="person",
            name="agency",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="people",
                to="org.agency",
                verbose_name="agency",
            ),
        ),
        migrations.AlterField(
            model_name="person",
            name="staff_code",
            field=models.CharField(db_index=True, max_length=50, verbose_name="staff code"),
        ),
        migrations.AlterField(
            model_name="unit",
            name="code",
            field=models.CharField(db_index=True, max_length=50, verbose_name="unit code"),
        ),
        migrations.AlterField(
            model_name="position",
            name="code",
            field=models.CharField(max_length=50, verbose_name="position code"),
        ),
        migrations.AddConstraint(
            model_name="agency",
            constraint=models.CheckConstraint(condition=~Q(parent=models.F("id")), name="org_agency_not_own_parent"),
        ),
        migrations.AddConstraint(
            model_name="unit",
            constraint=models.UniqueConstraint(fields=("agency", "code"), name="org_unit_code_unique_in_agency"),
        ),
        migrations.AddConstraint(
            model_name="position",
            constraint=models.UniqueConstraint(fields=("agency", "code"), name="org_position_code_unique_in_agency"),
        ),
        migrations.AddConstraint(
            model_name="person",
            constraint=models.UniqueConstraint(fields=("agency", "staff_code"), name="org_person_code_unique_in_agency"),
        ),
        migrations.RunPython(search_triggers_again, migrations.RunPython.noop),
    ]
