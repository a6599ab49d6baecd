"""Changing a catalogue: every change is a new version, old rows are ended (never edited), the
audit trail records old and new values, bad input is refused with a clear message."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from congtam.accounts.models import Role
from congtam.catalogue import events, selectors, services
from congtam.catalogue.models import CatalogueItem, CatalogueVersion
from congtam.catalogue.rules import parse_factor
from congtam.core.permissions import Refused
from congtam.org.services import ConcurrentEditError
from tests.catalogue.helpers import audit_since, last_seq, snapshot

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _codes(items) -> list[str]:
    return [item.code for item in items]


def test_each_addition_is_a_new_version_with_its_audit_entry(world):
    position = world.positions["CV"]
    seq = last_seq()
    first = services.catalogue_item_create(
        actor=world.users[Role.HR],
        position=position,
        code=" BC01 ",
        name="Báo cáo  thẩm tra",
        unit="báo cáo",
        factor="4",
        quality_requirement="Đúng hạn",
        reason="QĐ 12/2026",
    )
    second = services.catalogue_item_create(
        actor=None, position=position, code="GY01", name="Văn bản góp ý", factor="1,5"
    )

    assert (first.code, first.name, first.factor, first.version_from, first.version_to) == (
        "BC01",
        "Báo cáo thẩm tra",
        4,
        1,
        None,
    )
    assert (second.factor, second.version_from) == (Decimal("1.5"), 2)
    versions = list(
        CatalogueVersion.objects.filter(position=position)
        .order_by("number")
        .values_list("number", "note", "created_by")
    )
    assert versions == [(1, "QĐ 12/2026", world.users[Role.HR].pk), (2, "", None)]
    assert _codes(selectors.catalogue_at_version(position, 1)) == ["BC01"]
    assert _codes(selectors.catalogue_current(position)) == ["BC01", "GY01"]

    entries = audit_since(seq)
    assert [entry.event for entry in entries] == [events.ITEM_CREATED, events.ITEM_CREATED]
    assert entries[0].new == {
        "position": "CV",
        "code": "BC01",
        "name": "Báo cáo thẩm tra",
        "unit": "báo cáo",
        "factor": "4",
        "quality_requirement": "Đúng hạn",
        "version": 1,
    }
    assert entries[0].reason == "QĐ 12/2026" and entries[0].actor_label == "hoa"
    assert entries[0].subject_id == str(first.pk)


def test_a_change_ends_the_old_row_and_the_old_version_keeps_its_factor(world, catalogues):
    position = world.positions["CV"]
    old = catalogues["CV"]["BC01"]
    seq = last_seq()
    new = services.catalogue_item_update(
        actor=world.users[Role.HR], item=old, factor="4,5", name=old.name, reason="Điều chỉnh"
    )

    assert new.pk != old.pk and new.version_from == 4 and new.factor == Decimal("4.5")
    # A work item assigned from the old row still reads its factor, and the old version is unchanged.
    old_row = CatalogueItem.objects.get(pk=old.pk)
    assert (old_row.factor, old_row.version_from, old_row.version_to) == (Decimal(4), 1, 4)
    at_three = {item.code: item.factor for item in selectors.catalogue_at_version(position, 3)}
    assert at_three == {"BC01": Decimal(4), "GY01": Decimal(1), "TT01": Decimal(2)}
    assert {item.code: item.factor for item in selectors.catalogue_current(position)}["BC01"] == Decimal("4.5")

    [entry] = audit_since(seq)
    assert entry.event == events.ITEM_UPDATED and entry.reason == "Điều chỉnh"
    assert entry.old == {"factor": "4", "row": old.pk}
    assert entry.new == {"factor": "4.5", "version": 4}

    changes = selectors.catalogue_changes(position, 4)
    assert [(change.code, change.kind, change.changed_fields) for change in changes] == [
        ("BC01", "changed", ["factor"])
    ]


def test_a_change_that_changes_nothing_makes_no_version_and_no_audit_entry(world, catalogues):
    item = catalogues["CV"]["GY01"]
    before = snapshot()
    same = services.catalogue_item_update(
        actor=None, item=item, name=" Văn bản  góp ý ", factor="1.0000", unit="văn bản"
    )
    assert same.pk == item.pk
    assert snapshot() == before


def test_retiring_keeps_the_row_for_the_versions_that_had_it(world, catalogues):
    position = world.positions["CV"]
    item = catalogues["CV"]["TT01"]
    seq = last_seq()
    retired = services.catalogue_item_retire(actor=world.users[Role.ADMIN], item=item, reason="Không còn áp dụng")
    assert retired.version_to == 4
    assert _codes(selectors.catalogue_current(position)) == ["BC01", "GY01"]
    assert _codes(selectors.catalogue_at_version(position, 3)) == ["BC01", "GY01", "TT01"]
    assert selectors.catalogue_item_current(position, "TT01") is None
    [entry] = audit_since(seq)
    assert entry.event == events.ITEM_RETIRED and entry.old["factor"] == "2" and entry.new == {"version": 4}
    assert [change.kind for change in selectors.catalogue_changes(position, 4)] == ["retired"]


@pytest.mark.parametrize(
    ("factor", "message"),
    [
        ("0", "The conversion factor must be greater than 0 (here 0)."),
        ("-1,5", "The conversion factor must be greater than 0 (here -1.5)."),
        ("hai", "“hai” is not a number: write the conversion factor like 1,5 or 1.5."),
        ("1,23456", "The conversion factor has at most 4 decimal places (here 1.23456)."),
        ("100000", "The conversion factor must be less than 100000."),
        ("", "“” is not a number: write the conversion factor like 1,5 or 1.5."),
    ],
)
def test_a_bad_factor_is_refused_with_its_reason_and_nothing_is_written(world, catalogues, factor, message):
    before = snapshot()
    with pytest.raises(ValidationError) as refused:
        services.catalogue_item_create(
            actor=None, position=world.positions["CV"], code="MOI", name="Mới", factor=factor
        )
    assert refused.value.message_dict == {"factor": [message]}
    with pytest.raises(ValidationError):
        services.catalogue_item_update(actor=None, item=catalogues["CV"]["BC01"], factor=factor)
    assert snapshot() == before


def test_all_problems_of_a_product_are_reported_together(world):
    with pytest.raises(ValidationError) as refused:
        services.catalogue_item_create(actor=None, position=world.positions["CV"], code="", name="x" * 501, factor="0")
    assert set(refused.value.message_dict) == {"code", "name", "factor"}


def test_a_code_already_current_in_the_position_is_refused_whatever_its_case(world, catalogues):
    before = snapshot()
    with pytest.raises(ValidationError) as refused:
        services.catalogue_item_create(actor=None, position=world.positions["CV"], code="bc01", name="Khác", factor="1")
    assert refused.value.message_dict == {
        "code": ["The product code BC01 is already in this position's catalogue (Báo cáo thẩm tra dự án luật)."]
    }
    assert snapshot() == before
    # Another position may use the same code, and a retired code may be used again.
    services.catalogue_item_create(actor=None, position=world.positions["TC"], code="BC01", name="Báo cáo", factor="1")
    services.catalogue_item_retire(actor=None, item=catalogues["CV"]["BC01"])
    again = services.catalogue_item_create(
        actor=None, position=world.positions["CV"], code="BC01", name="Báo cáo mới", factor="3"
    )
    assert again.is_current


def test_a_change_to_a_product_someone_else_changed_meanwhile_is_refused(world, catalogues):
    seen = catalogues["CV"]["BC01"]  # what the first HR officer opened
    services.catalogue_item_update(actor=None, item=seen, factor="5")  # the second one saves first
    before = snapshot()
    with pytest.raises(ConcurrentEditError) as refused:
        services.catalogue_item_update(actor=world.users[Role.HR], item=seen, factor="6")
    assert "Someone else changed or retired the product BC01" in refused.value.messages[0]
    with pytest.raises(ConcurrentEditError):
        services.catalogue_item_retire(actor=world.users[Role.HR], item=seen)
    assert snapshot() == before
    assert selectors.catalogue_item_current(world.positions["CV"], "BC01").factor == Decimal(5)


@pytest.mark.parametrize("role", sorted(set(Role.values) - {Role.HR, Role.ADMIN}))
def test_only_hr_and_the_administrator_change_a_catalogue(world, catalogues, role):
    actor = world.users[role]
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.catalogue_item_create(actor=actor, position=world.positions["CV"], code="X", name="X", factor="1")
    with pytest.raises(PermissionDenied):
        services.catalogue_item_update(actor=actor, item=catalogues["CV"]["BC01"], factor="9")
    with pytest.raises(PermissionDenied):
        services.catalogue_item_retire(actor=actor, item=catalogues["CV"]["BC01"])
    assert snapshot() == before


def test_update_accepts_only_the_values_of_a_product(catalogues):
    with pytest.raises(TypeError):
        services.catalogue_item_update(actor=None, item=catalogues["CV"]["BC01"], code="NEW")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1,5", "1.5"),
        ("1.5", "1.5"),
        (" 2 ", "2"),
        (1.5, "1.5"),
        (3, "3"),
        (0.1 + 0.2 - 0.2, "0.1"),
        ("1.000,25", "1000.25"),
        ("1,000.25", "1000.25"),
        ("0,0125", "0.0125"),
        ("4.0000", "4"),
        (Decimal("2.50"), "2.5"),
        ("99999,9999", "99999.9999"),
    ],
)
def test_factors_are_read_with_either_decimal_mark(typed, expected):
    assert str(parse_factor(typed)) == expected


@pytest.mark.parametrize("typed", ["1e3", "NaN", "Infinity", True, "1,5,", "--1", "1/2"])
def test_what_is_not_a_plain_number_is_not_a_factor(typed):
    with pytest.raises(ValidationError):
        parse_factor(typed)


def test_a_signed_in_viewer_is_required_when_given(world, catalogues):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(Refused):
        selectors.catalogue_current(world.positions["CV"], viewer=AnonymousUser())
    with pytest.raises(Refused):
        selectors.catalogue_positions(viewer=AnonymousUser(), agency=None)
    assert (
        selectors.catalogue_item_current(world.positions["CV"], "gy01", viewer=world.users[Role.STAFF]).code == "GY01"
    )
