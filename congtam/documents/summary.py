"""The summary of year-end results of a unit or of the agency, as an Excel workbook (xlsxwriter).

Written row by row in xlsxwriter's constant-memory mode, so the agency's 100,000 people stream
through without being held in memory; the counts per level go on a second sheet.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterable

import xlsxwriter

from congtam.scoring.levels import Level, level_name

from .data import Category, UnitSummaryRow

# The summary is filed with the forms, so, like them, it is in the decree's Vietnamese.
CATEGORY_NAMES = {Category.CAN_BO: "Cán bộ", Category.CONG_CHUC: "Công chức", Category.VIEN_CHUC: "Viên chức"}
COLUMNS = (
    ("STT", 6),
    ("Họ và tên", 28),
    ("Đơn vị", 30),
    ("Chức vụ, chức danh", 26),
    ("Đối tượng", 12),
    ("Điểm bình quân năm", 12),
    ("Mức tự xếp loại / đề xuất", 30),
    ("Kết quả xếp loại", 30),
    ("Ghi chú", 30),
)
RESULTS_SHEET = "Kết quả xếp loại"
TOTALS_SHEET = "Tổng hợp"


def unit_summary_xlsx(rows: Iterable[UnitSummaryRow], *, title: str = "") -> bytes:
    """The summary workbook; ``rows`` may be a generator, in the order they should appear."""
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"constant_memory": True, "in_memory": True})
    formats = _formats(workbook)
    sheet = workbook.add_worksheet(RESULTS_SHEET)
    first_row = _write_header(sheet, formats, title)
    totals: Counter[Level | None] = Counter()
    count = 0
    for count, row in enumerate(rows, 1):
        _write_row(sheet, first_row + count, count, row, formats)
        totals[row.result_level] += 1
    sheet.autofilter(first_row, 0, first_row + count, len(COLUMNS) - 1)
    _write_totals(workbook.add_worksheet(TOTALS_SHEET), formats, totals, count, title)
    workbook.close()
    return output.getvalue()


def _formats(workbook) -> dict:
    return {
        "title": workbook.add_format({"bold": True, "font_size": 14}),
        "header": workbook.add_format(
            {"bold": True, "text_wrap": True, "valign": "top", "border": 1, "bg_color": "#EEEEEE"}
        ),
        "score": workbook.add_format({"num_format": "0.00"}),
        "share": workbook.add_format({"num_format": "0.0%"}),
    }


def _write_header(sheet, formats, title: str) -> int:
    header_row = 0
    if title:
        sheet.write_string(0, 0, title, formats["title"])
        header_row = 2
    for column, (_label, width) in enumerate(COLUMNS):
        sheet.set_column(column, column, width)
    # constant_memory writes rows in order, so column widths come first and the header after.
    for column, (label, _width) in enumerate(COLUMNS):
        sheet.write_string(header_row, column, label, formats["header"])
    sheet.freeze_panes(header_row + 1, 2)
    return header_row


def _write_row(sheet, row_index: int, number: int, row: UnitSummaryRow, formats) -> None:
    sheet.write_number(row_index, 0, number)
    sheet.write_string(row_index, 1, row.person_name)
    sheet.write_string(row_index, 2, row.unit)
    sheet.write_string(row_index, 3, row.position)
    sheet.write_string(row_index, 4, CATEGORY_NAMES.get(row.category, ""))
    if row.score is not None:
        sheet.write_number(row_index, 5, float(row.score), formats["score"])
    sheet.write_string(row_index, 6, level_name(row.proposed_level) if row.proposed_level else "")
    sheet.write_string(row_index, 7, level_name(row.result_level) if row.result_level else "")
    sheet.write_string(row_index, 8, row.note)


def _write_totals(sheet, formats, totals: Counter, count: int, title: str) -> None:
    sheet.set_column(0, 0, 34)
    sheet.set_column(1, 2, 14)
    sheet.write_string(0, 0, title or TOTALS_SHEET, formats["title"])
    for column, label in enumerate(("Mức xếp loại", "Số người", "Tỷ lệ")):
        sheet.write_string(2, column, label, formats["header"])
    lines = [(level_name(level), totals[level]) for level in Level]
    lines.append(("Chưa có kết quả", totals[None]))
    for offset, (label, number) in enumerate(lines, 3):
        sheet.write_string(offset, 0, label)
        sheet.write_number(offset, 1, number)
        sheet.write_number(offset, 2, number / count if count else 0, formats["share"])
    sheet.write_string(3 + len(lines), 0, "Tổng số", formats["header"])
    sheet.write_number(3 + len(lines), 1, count)
