"""Catalogues for the tests, built through the services, and sheets written independently of the
exporter (so that the two check each other)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import xlsxwriter

from congtam.audit.models import AuditEntry
from congtam.catalogue import services
from congtam.catalogue.models import CatalogueItem, CatalogueVersion
from congtam.catalogue.workbook import COLUMNS, SHEET

# The canonical catalogues: position code -> (code, name, unit, factor, quality requirement).
CANONICAL = {
    "CV": [
        ("BC01", "Báo cáo thẩm tra dự án luật", "báo cáo", "4", "Đúng thời hạn trình\nPhân tích đầy đủ tính hợp hiến"),
        ("GY01", "Văn bản góp ý", "văn bản", "1", "Gửi đúng hạn"),
        ("TT01", "Tờ trình", "văn bản", "2", ""),
    ],
    "LD": [
        ("LD01", "Chủ trì cuộc họp", "cuộc", "1,5", "Có kết luận rõ ràng"),
    ],
}


def build_catalogues(world) -> dict[str, dict[str, CatalogueItem]]:
    items: dict[str, dict[str, CatalogueItem]] = {}
    for position_code, rows in CANONICAL.items():
        for code, name, unit, factor, quality in rows:
            items.setdefault(position_code, {})[code] = services.catalogue_item_create(
                actor=None,
                position=world.positions[position_code],
                code=code,
                name=name,
                unit=unit,
                factor=factor,
                quality_requirement=quality,
            )
    return items


def current_rows() -> list[list]:
    """The current products as the sheet's rows, by position code then product code."""
    return [
        [item.position.code, item.code, item.name, item.unit, float(item.factor), item.quality_requirement]
        for item in CatalogueItem.objects.filter(version_to__isnull=True)
        .select_related("position")
        .order_by("position__code", "code")
    ]


def write_sheet(path, rows, *, header=COLUMNS, sheet_name=SHEET) -> str:
    """Rows written as given: strings as strings, numbers as numbers, None as a blank line."""
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    sheet = book.add_worksheet(sheet_name)
    sheet.write_row(0, 0, list(header))
    for number, row in enumerate(rows, start=1):
        if row is None:
            continue
        for column, value in enumerate(row):
            if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
                sheet.write_number(number, column, float(value))
            elif value not in ("", None):
                sheet.write_string(number, column, str(value))
    book.close()
    return str(path)


@dataclass(frozen=True)
class Snapshot:
    versions: list
    items: list
    audit_count: int


def snapshot() -> Snapshot:
    """Everything a catalogue change may write, to show that a refused one wrote nothing."""
    return Snapshot(
        versions=list(CatalogueVersion.objects.order_by("pk").values_list("pk", "position_id", "number", "note")),
        items=list(CatalogueItem.objects.order_by("pk").values_list()),
        audit_count=AuditEntry.objects.count(),
    )


def last_seq() -> int:
    return AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def audit_since(seq: int) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(seq__gt=seq).order_by("seq"))
