"""Existing installations upgrade in place (issue 13, part 7): migration org 0003 turns today's
single agency into the first agency of the tree with all its data, on both databases.

The database is taken back to the schema before the tree (org 0002), filled through the models
as they stood then, and migrated forward again."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("org", "0002_person_name_search_index")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def back_to_the_latest_schema():
    """Going back to org 0002 also unapplies what depends on 0003 (other apps' later
    migrations): whatever happens, the database ends at the latest schema for the next tests."""
    yield
    executor = MigrationExecutor(connection)
    _migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_the_single_agency_becomes_the_top_of_the_tree_with_its_people_and_codes(back_to_the_latest_schema):
    old = _migrate(BEFORE)
    Agency, Unit, Person = (old.get_model("org", name) for name in ("Agency", "Unit", "Person"))
    agency = Agency.objects.create(code="VPQH", name="Văn phòng Quốc hội", external_authority="UBTVQH")
    top = Unit.objects.create(agency=agency, code="VPQH", name="Văn phòng Quốc hội", path="", depth=0)
    Unit.objects.filter(pk=top.pk).update(path=f"{top.pk:08d}/")
    office = Unit.objects.create(
        agency=agency, code="VPL", name="Vụ Pháp luật", parent=top, path=f"{top.pk:08d}/", depth=1
    )
    for number in range(3):
        Person.objects.create(
            staff_code=f"NV00{number}",
            full_name=f"Nguyễn Văn {number}",
            sort_key=f"nguyen van {number}",
            search_name=f" nguyen van so{number}",
            category="cong_chuc",
            unit=office if number else top,
        )

    new = _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    Agency, Person = new.get_model("org", "Agency"), new.get_model("org", "Person")
    (upgraded,) = Agency.objects.all()
    assert (upgraded.code, upgraded.parent_id, upgraded.depth) == ("VPQH", None, 0)
    assert upgraded.path == f"{upgraded.pk:08d}/"
    assert set(Person.objects.values_list("agency_id", flat=True)) == {upgraded.pk}
    assert Person.objects.count() == 3

    # The tree and the per-agency codes work on the upgraded data, through today's code.
    from congtam.org import services
    from congtam.org.models import Person as CurrentPerson
    from congtam.org.models import Unit as CurrentUnit
    from congtam.org.selectors import _name_contains

    below = services.agency_create(actor=None, code="STC", name="Sở Tài chính", parent=services.default_agency())
    assert below.path == upgraded.path + f"{below.pk:08d}/"
    unit = services.unit_create(actor=None, agency=below, code="VPL", name="Vụ Pháp luật")  # same code, other agency
    services.person_create(actor=None, staff_code="NV001", full_name="Trần Thị Sở", category="cong_chuc", unit=unit)
    assert CurrentUnit.objects.filter(code="VPL").count() == 2
    # The name search (its index kept in step by triggers on SQLite) still finds old and new people.
    found = set(CurrentPerson.objects.filter(_name_contains(" nguyen van so")).values_list("staff_code", flat=True))
    assert found == {"NV000", "NV001", "NV002"}
    assert CurrentPerson.objects.filter(_name_contains(" tran thi so")).get().agency == below
