"""The period summary as an Excel workbook (xlsxwriter, constant-memory mode): a sheet of the
people, grouped by unit, and a sheet of the counts by band per unit and for the whole scope.

The rows stream from :func:`rows.summary_rows` straight into the file: xlsxwriter writes each
row to a temporary file as it comes, so 100,000 people never sit in memory. Points are numbers
rounded half up to two decimals (as everywhere people read a score), shown by Excel with the
reader's decimal mark; the bands are written with their names.
"""

from __future__ import annotations

import io
from decimal import Decimal

import xlsxwriter
from django.utils.translation import gettext as _

from congtam.monitoring.summaries import labels
from congtam.monitoring.summaries.rows import BandCounts, SummaryRow, SummaryScope, summary_rows, summary_title
from congtam.scoring.decimals import round_for_display

WIDTHS = (6, 30, 28, 26, 22, 11, 11, 11, 11, 11, 11, 10, 30)
_NOT_IN_SHEET_NAMES = str.maketrans(dict.fromkeys("[]:*?/\\", " "))
WORKBOOK_OPTIONS = {
    "constant_memory": True,
    "strings_to_numbers": False,
    "strings_to_formulas": False,
    "strings_to_urls": False,
}


def _sheet_name(name: str) -> str:
    return name.translate(_NOT_IN_SHEET_NAMES)[:31]


class _Formats:
    def __init__(self, book):
        add = book.add_format
        self.title = add({"bold": True, "font_size": 14})
        self.note = add({"italic": True, "font_color": "#5B6475"})
        self.header = add(
            {"bold": True, "text_wrap": True, "valign": "top", "align": "center", "border": 1, "bg_color": "#DDEBF7"}
        )
        self.group = add({"bold": True, "bg_color": "#F2F2F2"})
        self.points = add({"num_format": "0.00"})
        self.count = add({"num_format": "#,##0", "border": 1})
        self.label = add({"border": 1})
        self.total_label = add({"bold": True, "border": 1})
        self.total_count = add({"bold": True, "num_format": "#,##0", "border": 1})


def _heading(sheet, formats: _Formats, scope: SummaryScope, subtitle: str = "") -> int:
    sheet.write_string(0, 0, summary_title(), formats.title)
    line = 1
    if subtitle:
        sheet.write_string(line, 0, subtitle, formats.note)
        line += 1
    for text in labels.header_lines(scope):
        sheet.write_string(line, 0, text, formats.note)
        line += 1
    return line + 1


def _points(sheet, row: int, column: int, value: Decimal | None, formats: _Formats) -> None:
    if value is not None:
        sheet.write_number(row, column, float(round_for_display(value)), formats.points)


def _person(sheet, line: int, number: int, row: SummaryRow, formats: _Formats) -> None:
    sheet.write_number(line, 0, number)
    sheet.write_string(line, 1, row.unit)
    sheet.write_string(line, 2, row.full_name)
    sheet.write_string(line, 3, row.position)
    sheet.write_string(line, 4, row.state)
    for column, value in enumerate(
        (row.quantity, row.quality, row.timeliness, row.task_points, row.general_points, row.deductions, row.score),
        start=5,
    ):
        _points(sheet, line, column, value, formats)
    sheet.write_string(line, 12, labels.band_name(row.band) if row.band else "")


def _people_sheet(book, formats: _Formats, scope: SummaryScope, counts: BandCounts) -> int:
    sheet = book.add_worksheet(_sheet_name(_("Results")))
    for column, width in enumerate(WIDTHS):
        sheet.set_column(column, column, width)
    header = _heading(sheet, formats, scope)
    # constant_memory writes rows in order: the widths first, then the header, then each row.
    for column, label in enumerate(labels.people_columns()):
        sheet.write_string(header, column, label, formats.header)
    sheet.freeze_panes(header + 1, 3)
    line, number, unit_id = header, 0, None
    for row in summary_rows(scope, counts=counts):
        if row.unit_id != unit_id:
            unit_id = row.unit_id
            line += 1
            sheet.write_string(line, 0, row.unit, formats.group)
        line += 1
        number += 1
        _person(sheet, line, number, row, formats)
    return number


def _counts_sheet(book, formats: _Formats, scope: SummaryScope, counts: BandCounts) -> None:
    sheet = book.add_worksheet(_sheet_name(_("Counts by band")))
    sheet.set_column(0, 0, 36)
    sheet.set_column(1, 1, 10)
    sheet.set_column(2, 6, 18)
    first = _heading(sheet, formats, scope, _("Number of people in each band, per unit (the unit's own people)."))
    for column, label in enumerate(labels.count_columns()):
        sheet.write_string(first, column, label, formats.header)
    keys = labels.count_keys()
    line = first
    for unit in counts.units:
        line += 1
        sheet.write_string(line, 0, unit.unit, formats.label)
        sheet.write_number(line, 1, unit.total, formats.count)
        for column, key in enumerate(keys, start=2):
            sheet.write_number(line, column, unit.counts[key], formats.count)
    line += 1
    sheet.write_string(line, 0, _("Total"), formats.total_label)
    sheet.write_number(line, 1, counts.people, formats.total_count)
    for column, key in enumerate(keys, start=2):
        sheet.write_number(line, column, counts.total[key], formats.total_count)


def summary_xlsx_to(output, scope: SummaryScope) -> BandCounts:
    """Write the workbook to ``output`` (a path or a binary file); returns the counts by band."""
    counts = BandCounts()
    book = xlsxwriter.Workbook(output, WORKBOOK_OPTIONS)
    book.set_properties({"title": summary_title(), "subject": scope.scope_name})
    formats = _Formats(book)
    _people_sheet(book, formats, scope, counts)
    _counts_sheet(book, formats, scope, counts)
    book.close()
    return counts


def summary_xlsx(scope: SummaryScope) -> tuple[bytes, BandCounts]:
    output = io.BytesIO()
    counts = summary_xlsx_to(output, scope)
    return output.getvalue(), counts
