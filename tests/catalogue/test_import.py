"""The catalogue import: every bad row reported with its place and a clear message and nothing
written; a good file makes one version per changed position; missing products reported, and
retired only when asked; re-importing the same catalogues changes nothing."""

from __future__ import annotations

import unicodedata
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from congtam.accounts.models import Role
from congtam.catalogue import events, importer, selectors, services
from congtam.catalogue.models import CatalogueItem, CatalogueVersion
from congtam.catalogue.workbook import COLUMNS, SHEET, CatalogueRow
from tests.catalogue.helpers import audit_since, current_rows, last_seq, snapshot, write_sheet

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

POSITION, CODE, NAME, UNIT, FACTOR, QUALITY = range(6)


def _import(tmp_path, rows, *, actor=None, name="danh-muc.xlsx", **options):
    return services.catalogue_import(actor=actor, file=write_sheet(tmp_path / name, rows), **options)


def _row(rows, position_code, code):
    return next(row for row in rows if row[POSITION] == position_code and row[CODE] == code)


def _located(report) -> list[tuple]:
    return [(issue.sheet, issue.row, issue.column, issue.message) for issue in report.errors]


def _current(position) -> dict[str, Decimal]:
    return {item.code: item.factor for item in selectors.catalogue_current(position)}


# --- no change -----------------------------------------------------------------------------------
def test_reimporting_the_current_catalogues_changes_nothing_and_writes_no_audit_entry(world, catalogues, tmp_path):
    before = snapshot()
    report = _import(tmp_path, current_rows(), actor=world.users[Role.HR])
    assert report.ok, report.errors
    assert [(outcome.code, outcome.version, outcome.unchanged) for outcome in report.positions] == [
        ("CV", None, 3),
        ("LD", None, 1),
    ]
    assert report.missing == [] and report.changed_positions == []
    assert snapshot() == before


# --- changes -------------------------------------------------------------------------------------
def test_a_changed_position_gets_one_version_and_untouched_positions_none(world, catalogues, tmp_path):
    rows = current_rows()
    _row(rows, "CV", "BC01")[FACTOR] = "4,5"
    _row(rows, "CV", "GY01")[QUALITY] = "Gửi đúng hạn\nÝ kiến theo từng điều"
    rows.append(["CV", "DC01", "Đề cương khảo sát", "đề cương", 1.5, ""])
    rows.append(["TC", "HS01", "Hồ sơ tuyển dụng", "hồ sơ", "2", "Đủ thành phần"])
    rows = [row for row in rows if row[POSITION] != "LD"]  # LD absent from the file: untouched
    old_bc01 = catalogues["CV"]["BC01"]
    seq = last_seq()

    report = _import(tmp_path, rows, actor=world.users[Role.HR], reason="QĐ 45/2026")

    assert report.ok, report.errors
    outcomes = {outcome.code: outcome for outcome in report.positions}
    assert (outcomes["CV"].version, outcomes["CV"].created, outcomes["CV"].updated, outcomes["CV"].unchanged) == (
        4,
        1,
        2,
        1,
    )
    assert (outcomes["TC"].version, outcomes["TC"].created) == (1, 1)
    assert "LD" not in outcomes
    assert CatalogueVersion.objects.filter(position=world.positions["CV"]).count() == 4
    assert CatalogueVersion.objects.filter(position=world.positions["LD"]).count() == 1
    version = CatalogueVersion.objects.get(position=world.positions["CV"], number=4)
    assert version.note == "QĐ 45/2026" and version.created_by == world.users[Role.HR]

    assert _current(world.positions["CV"]) == {
        "BC01": Decimal("4.5"),
        "DC01": Decimal("1.5"),
        "GY01": Decimal(1),
        "TT01": Decimal(2),
    }
    old_row = CatalogueItem.objects.get(pk=old_bc01.pk)
    assert (old_row.factor, old_row.version_to) == (Decimal(4), 4)
    assert {item.code: item.factor for item in selectors.catalogue_at_version(world.positions["CV"], 3)}["BC01"] == 4
    assert selectors.catalogue_item_current(world.positions["CV"], "GY01").quality_requirement == (
        "Gửi đúng hạn\nÝ kiến theo từng điều"
    )

    entries = audit_since(seq)
    assert sorted(entry.event for entry in entries) == sorted(
        [events.ITEM_CREATED, events.ITEM_CREATED, events.ITEM_UPDATED, events.ITEM_UPDATED, events.CATALOGUE_IMPORTED]
    )
    assert len({entry.action_id for entry in entries}) == 1
    updated = next(entry for entry in entries if entry.event == events.ITEM_UPDATED and "factor" in entry.new)
    assert updated.old == {"factor": "4", "row": old_bc01.pk} and updated.new == {"factor": "4.5", "version": 4}
    assert updated.reason == "QĐ 45/2026" and updated.actor_label == "hoa"
    summary = entries[-1]
    assert summary.event == events.CATALOGUE_IMPORTED and summary.new["positions"] == ["CV", "TC"]


def test_products_missing_from_the_file_are_reported_and_kept_by_default(world, catalogues, tmp_path):
    rows = [row for row in current_rows() if row[CODE] != "TT01"]
    before = snapshot()
    report = _import(tmp_path, rows)
    assert report.ok
    assert [(missing.position_code, missing.code, missing.name) for missing in report.missing] == [
        ("CV", "TT01", "Tờ trình")
    ]
    assert "1 product in the system is not in the file: it was kept" in report.summary()
    assert snapshot() == before


def test_products_missing_from_the_file_are_retired_when_asked(world, catalogues, tmp_path):
    rows = [row for row in current_rows() if row[CODE] != "TT01"]
    seq = last_seq()
    report = _import(tmp_path, rows, retire_missing=True)
    assert report.ok and report.missing_retired
    assert [(outcome.code, outcome.version, outcome.retired) for outcome in report.changed_positions] == [("CV", 4, 1)]
    assert list(_current(world.positions["CV"])) == ["BC01", "GY01"]
    assert [entry.event for entry in audit_since(seq)] == [events.ITEM_RETIRED, events.CATALOGUE_IMPORTED]
    # Positions absent from the file keep everything, even with retire_missing.
    assert list(_current(world.positions["LD"])) == ["LD01"]


def test_headers_sheet_name_and_codes_match_whatever_their_case_spacing_or_unicode_form(world, catalogues, tmp_path):
    nfd = lambda text: unicodedata.normalize("NFD", text)  # noqa: E731
    header = [f"  {nfd(column).upper()} " for column in COLUMNS]
    rows = current_rows()
    for row in rows:
        row[POSITION] = row[POSITION].lower()
        row[CODE] = f" {row[CODE].lower()} "
        row[NAME] = nfd(row[NAME])
        row[FACTOR] = str(row[FACTOR]).replace(".", ",")
    path = write_sheet(tmp_path / "nfd.xlsx", rows, header=header, sheet_name=nfd(SHEET).lower())
    before = snapshot()
    report = services.catalogue_import(actor=None, file=path)
    assert report.ok, report.errors
    assert report.changed_positions == []
    assert snapshot() == before


def test_blank_lines_are_skipped_and_rows_keep_the_numbers_excel_shows(world, catalogues, tmp_path):
    rows = current_rows()
    rows.insert(1, None)
    rows.append(["CV", "BC01", "Trùng", "", 1, ""])
    report = _import(tmp_path, rows)
    assert _located(report) == [
        (SHEET, 7, "Mã sản phẩm", "The product code BC01 of position CV is already listed in row 2."),
    ]


@pytest.mark.parametrize("factor", ["1.000,5", "1 000,5", "1000,5", "1000.5", "1,000.5", 1000.5])
def test_a_factor_reads_the_same_however_it_is_written(world, catalogues, tmp_path, factor):
    rows = current_rows()
    _row(rows, "CV", "BC01")[FACTOR] = factor
    report = _import(tmp_path, rows)
    assert report.ok, report.errors
    assert _current(world.positions["CV"])["BC01"] == Decimal("1000.5")


# --- bad rows: every problem reported, nothing written ------------------------------------------
BAD_ROWS = [
    (["XX", "A1", "Tên", "", 1, ""], "Mã vị trí", "There is no job position with the code XX in the system."),
    (["", "A1", "Tên", "", 1, ""], "Mã vị trí", "A value is required."),
    (["CV", "", "Tên", "", 1, ""], "Mã sản phẩm", "A value is required."),
    (["CV", "A1", "", "", 1, ""], "Tên sản phẩm", "A value is required."),
    (["CV", "A1", "Tên", "", "", ""], "Hệ số quy đổi", "A value is required."),
    (
        ["CV", "A1", "Tên", "", "hai", ""],
        "Hệ số quy đổi",
        "“hai” is not a number: write the conversion factor like 1,5 or 1.5.",
    ),
    (["CV", "A1", "Tên", "", 0, ""], "Hệ số quy đổi", "The conversion factor must be greater than 0 (here 0)."),
    (
        ["CV", "A1", "Tên", "", "1.00.0", ""],
        "Hệ số quy đổi",
        "“1.00.0” is not a number: write the conversion factor like 1,5 or 1.5.",
    ),
    (["CV", "A1", "Tên", "", "-2", ""], "Hệ số quy đổi", "The conversion factor must be greater than 0 (here -2)."),
    (
        ["CV", "A1", "Tên", "", "0,00001", ""],
        "Hệ số quy đổi",
        "The conversion factor has at most 4 decimal places (here 0.00001).",
    ),
    (["CV", "A" * 51, "Tên", "", 1, ""], "Mã sản phẩm", "Too long: 51 characters, at most 50."),
    (["CV", "A1", "T" * 501, "", 1, ""], "Tên sản phẩm", "Too long: 501 characters, at most 500."),
    (["CV", "A1", "Tên", "đ" * 101, 1, ""], "Đơn vị tính", "Too long: 101 characters, at most 100."),
    (
        ["CV", "gy01", "Trùng mã", "", 1, ""],
        "Mã sản phẩm",
        "The product code gy01 of position CV is already listed in row 3.",
    ),
]


@pytest.mark.parametrize(
    ("bad", "column", "message"), BAD_ROWS, ids=[f"{case[1]}: {case[2][:40]}" for case in BAD_ROWS]
)
def test_a_bad_row_is_reported_with_its_place_and_nothing_is_written(world, catalogues, tmp_path, bad, column, message):
    rows = current_rows()
    rows[0][FACTOR] = 7  # a good change in the same file is not written either
    rows.append(bad)
    before = snapshot()
    report = _import(tmp_path, rows, retire_missing=True)
    assert not report.ok
    assert _located(report) == [(SHEET, len(rows) + 1, column, message)]
    assert snapshot() == before


def test_every_bad_row_is_reported_at_once_in_row_then_column_order(world, catalogues, tmp_path):
    rows = current_rows() + [["XX", "", "Tên", "", 0, ""], ["CV", "Z1", "", "", "abc", ""]]
    report = _import(tmp_path, rows)
    assert [(issue.row, issue.column) for issue in report.errors] == [
        (6, "Mã vị trí"),
        (6, "Mã sản phẩm"),
        (6, "Hệ số quy đổi"),
        (7, "Tên sản phẩm"),
        (7, "Hệ số quy đổi"),
    ]


def test_a_missing_column_or_sheet_or_an_unreadable_file_is_reported(world, catalogues, tmp_path):
    without_factor = write_sheet(tmp_path / "a.xlsx", [["CV", "A", "B", "", ""]], header=COLUMNS[:4] + COLUMNS[5:])
    report = services.catalogue_import(actor=None, file=without_factor)
    assert _located(report) == [
        (SHEET, 1, "Hệ số quy đổi", "The column “Hệ số quy đổi” is missing from the header row.")
    ]

    other_sheet = write_sheet(tmp_path / "b.xlsx", [], sheet_name="Sheet1")
    report = services.catalogue_import(actor=None, file=other_sheet)
    assert _located(report) == [(SHEET, None, "", "The workbook has no sheet named “Danh mục sản phẩm”.")]

    not_excel = tmp_path / "c.xlsx"
    not_excel.write_text("không phải tệp Excel")
    report = services.catalogue_import(actor=None, file=str(not_excel))
    assert [issue.message for issue in report.errors] == [
        "The file could not be read as an Excel workbook (.xlsx); nothing was imported."
    ]


def test_a_catalogue_changed_while_the_file_was_checked_is_not_overwritten(world, catalogues, tmp_path, monkeypatch):
    rows = current_rows()
    _row(rows, "CV", "BC01")[FACTOR] = 9
    checked = importer._current_items

    def someone_else_saves_meanwhile(position_ids):
        found = checked(position_ids)
        services.catalogue_item_update(actor=None, item=catalogues["CV"]["GY01"], factor="3")
        return found

    monkeypatch.setattr(importer, "_current_items", someone_else_saves_meanwhile)
    report = _import(tmp_path, rows)
    assert [issue.message for issue in report.errors] == [
        "Someone changed the catalogue of position CV while the file was being imported. Nothing was written: "
        "import the file again."
    ]
    assert _current(world.positions["CV"]) == {"BC01": Decimal(4), "GY01": Decimal(3), "TT01": Decimal(2)}


@pytest.mark.parametrize("role", sorted(set(Role.values) - {Role.HR, Role.ADMIN}))
def test_only_hr_and_the_administrator_import(world, catalogues, tmp_path, role):
    before = snapshot()
    with pytest.raises(PermissionDenied):
        _import(tmp_path, current_rows() + [["CV", "N1", "Mới", "", 1, ""]], actor=world.users[role])
    assert snapshot() == before


def test_plain_rows_import_with_the_same_checks(world):
    report = importer.import_rows(
        [CatalogueRow(position_code="CV", code="A1", name="Tên", factor=Decimal(0), row=0)], actor=None
    )
    assert [(issue.row, issue.column) for issue in report.errors] == [(None, "Hệ số quy đổi")]


def test_the_queries_do_not_grow_with_the_rows(world, tmp_path, count_queries):
    def rows(count, factor):
        return [["CV", f"SP{index:04d}", f"Sản phẩm {index}", "bản", factor, ""] for index in range(count)] + [
            ["TC", f"SP{index:04d}", f"Sản phẩm {index}", "bản", factor, "Đạt"] for index in range(count)
        ]

    assert _import(tmp_path, rows(3, 1), name="first.xlsx").ok
    with count_queries() as few:  # three products of each position changed
        assert _import(tmp_path, rows(3, 2), name="few.xlsx").ok
    with count_queries() as many:  # the same three changed again, and 297 more added to each
        assert _import(tmp_path, rows(300, 3), name="many.xlsx").ok
    assert len(few.captured_queries) == len(many.captured_queries), many.report()[:5000]
    assert CatalogueItem.objects.filter(version_to__isnull=True).count() == 600
    assert CatalogueItem.objects.filter(version_to=3).count() == 6
