"""The export writes the sheet the import reads: export then import changes nothing."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from python_calamine import CalamineWorkbook

from congtam.catalogue import services
from congtam.catalogue.exporter import write_template
from congtam.catalogue.workbook import COLUMNS, SHEET
from tests.catalogue.helpers import current_rows, snapshot

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _export(**options) -> bytes:
    buffer = io.BytesIO()
    services.catalogue_export(buffer, **options)
    return buffer.getvalue()


def _sheet_rows(content: bytes) -> list[list]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return book.get_sheet_by_name(SHEET).to_python()


def _awkward_products(world):
    """Products that test the round trip: codes that look like numbers, many decimals, big
    factors, several lines of requirements, a name in decomposed Unicode."""
    position = world.positions["TC"]
    for code, name, factor, quality in [
        ("001", "Hồ sơ số 001", "0,0125", "Dòng một\nDòng hai"),
        ("1E5", "Mã giống số mũ", "99999.9999", ""),
        ("KT-3", "Kiểm tra định kỳ", "12345.6789", "  Có biên bản  "),
        ("TRUE", "Mã giống giá trị đúng", "3", "=1+1"),
    ]:
        services.catalogue_item_create(
            actor=None, position=position, code=code, name=name, factor=factor, quality_requirement=quality
        )


def test_the_export_lists_the_current_products_as_the_sheet_holds_them(world, catalogues):
    services.catalogue_item_retire(actor=None, item=catalogues["CV"]["TT01"])
    rows = _sheet_rows(_export())
    assert rows[0] == list(COLUMNS)
    assert rows[1:] == [
        [
            "CV",
            "BC01",
            "Báo cáo thẩm tra dự án luật",
            "báo cáo",
            4.0,
            "Đúng thời hạn trình\nPhân tích đầy đủ tính hợp hiến",
        ],
        ["CV", "GY01", "Văn bản góp ý", "văn bản", 1.0, "Gửi đúng hạn"],
        ["LD", "LD01", "Chủ trì cuộc họp", "cuộc", 1.5, "Có kết luận rõ ràng"],
    ]


def test_export_then_import_changes_nothing(world, catalogues, tmp_path):
    _awkward_products(world)
    path = tmp_path / "export.xlsx"
    path.write_bytes(_export())
    before = snapshot()
    report = services.catalogue_import(actor=None, file=str(path), retire_missing=True)
    assert report.ok, report.errors
    assert report.changed_positions == [] and report.missing == []
    assert report.total("unchanged") == 8
    assert snapshot() == before


def test_the_export_reads_back_to_the_exact_values(world, catalogues):
    _awkward_products(world)
    exported = {(row[0], row[1]): row for row in _sheet_rows(_export())[1:]}
    assert exported[("TC", "001")][4] == 0.0125 and exported[("TC", "001")][5] == "Dòng một\nDòng hai"
    assert Decimal(repr(exported[("TC", "KT-3")][4])) == Decimal("12345.6789")
    assert exported[("TC", "TRUE")][5] == "=1+1"  # text, never a formula
    assert len(exported) == len(current_rows())


def test_one_positions_catalogue_can_be_exported_alone(world, catalogues):
    rows = _sheet_rows(_export(position=world.positions["LD"]))
    assert [row[:2] for row in rows[1:]] == [["LD", "LD01"]]


def test_the_template_is_the_header_alone_and_imports_to_nothing(world, catalogues, tmp_path):
    buffer = io.BytesIO()
    write_template(buffer)
    assert _sheet_rows(buffer.getvalue()) == [list(COLUMNS)]
    path = tmp_path / "template.xlsx"
    path.write_bytes(buffer.getvalue())
    before = snapshot()
    report = services.catalogue_import(actor=None, file=str(path), retire_missing=True)
    assert report.ok and report.positions == []
    assert snapshot() == before
