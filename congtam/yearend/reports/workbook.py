"""The report's tables as an Excel workbook: one sheet per dimension and one year on year. Counts are
numbers and shares are numbers shown as percentages, so that the figures can be summed and charted
in Excel; headers are in the page's language."""

from __future__ import annotations

import io

import xlsxwriter
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congtam.yearend.models import LevelCode
from congtam.yearend.reports.figures import CATEGORY, GENDER, GROUP, LEVELS, UNIT, ReportTables, Row, total_row

# The names of the sheets (Excel takes at most 31 characters).
SHEET_NAMES = {
    UNIT: gettext_lazy("By unit"),
    # Translators: the name of a sheet in Excel, at most 31 characters.
    GROUP: gettext_lazy("By group with similar duties"),
    CATEGORY: gettext_lazy("By staff group"),
    GENDER: gettext_lazy("By gender"),
}
# Excel refuses these in a sheet's name, and names longer than 31 characters.
_NOT_IN_SHEET_NAMES = str.maketrans(dict.fromkeys("[]:*?/\\", " "))


def _sheet_name(name: str) -> str:
    return name.translate(_NOT_IN_SHEET_NAMES)[:31]


class _Book:
    def __init__(self, output):
        self.book = xlsxwriter.Workbook(
            output,
            {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False},
        )
        add = self.book.add_format
        self.title = add({"bold": True, "font_size": 14})
        self.note = add({"italic": True, "font_color": "#5B6475"})
        self.header = add(
            {"bold": True, "text_wrap": True, "valign": "top", "align": "center", "border": 1, "bg_color": "#DDEBF7"}
        )
        self.count = add({"num_format": "0", "border": 1})
        self.share = add({"num_format": "0.0%", "border": 1})
        self.label = add({"border": 1})
        self.total_label = add({"bold": True, "border": 1})
        self.total_count = add({"bold": True, "num_format": "0", "border": 1})
        self.total_share = add({"bold": True, "num_format": "0.0%", "border": 1})

    def heading(self, sheet, title: str, lines: list[str]) -> int:
        sheet.write_string(0, 0, title, self.title)
        for offset, line in enumerate(lines, start=1):
            sheet.write_string(offset, 0, line, self.note)
        return len(lines) + 2

    def table(
        self, sheet, first: int, label_header: str, rows: list[Row], total: Row | None, *, years: bool = False
    ) -> int:
        """A table from row ``first``: two header rows, one line per row, the total; returns the
        next free row."""
        sheet.set_column(0, 0, 42)
        sheet.set_column(1, 1, 10)
        sheet.set_column(2, 1 + 2 * len(LEVELS), 11)
        sheet.merge_range(first, 0, first + 1, 0, label_header, self.header)
        sheet.merge_range(first, 1, first + 1, 1, _("Total"), self.header)
        for index, level in enumerate(LEVELS):
            column = 2 + 2 * index
            sheet.merge_range(first, column, first, column + 1, str(LevelCode(level).label), self.header)
            sheet.write_string(first + 1, column, _("People"), self.header)
            sheet.write_string(first + 1, column + 1, _("Share"), self.header)
        sheet.set_row(first, 45)
        line = first + 2
        for row in rows:
            self._line(sheet, line, row, self.label, self.count, self.share, years=years)
            line += 1
        if total is not None:
            self._line(sheet, line, total, self.total_label, self.total_count, self.total_share)
            line += 1
        return line

    def _line(
        self, sheet, line: int, row: Row, label_format, count_format, share_format, *, years: bool = False
    ) -> None:
        if years:
            sheet.write_number(line, 0, int(row.key), label_format)  # a year is a number
        else:
            sheet.write_string(line, 0, row.label, label_format)
        sheet.write_number(line, 1, row.total, count_format)
        for index, cell in enumerate(row.cells):
            sheet.write_number(line, 2 + 2 * index, cell.count, count_format)
            if cell.share is None:
                sheet.write_blank(line, 3 + 2 * index, None, share_format)
            else:
                sheet.write_number(line, 3 + 2 * index, float(cell.share / 100), share_format)


def report_xlsx(tables: ReportTables, *, scope_name: str) -> bytes:
    output = io.BytesIO()
    book = _Book(output)
    lines = [
        _("Staff group: %(group)s") % {"group": tables.staff_group_label},
        _("Only the results of the years announced or closed are counted."),
    ]
    for key, label, rows in tables.dimensions:
        sheet = book.book.add_worksheet(_sheet_name(str(SHEET_NAMES[key])))
        title = _("Classification results %(year)s by %(dimension)s — %(scope)s") % {
            "year": tables.year or "",
            "dimension": label.lower(),
            "scope": scope_name,
        }
        extra = []
        if key == UNIT and tables.top is not None:
            extra = [_("Each unit counts the units below it.")]
        first = book.heading(sheet, title, [*lines, *extra])
        book.table(sheet, first, label, rows, total_row(rows, _("Total")))
        sheet.freeze_panes(first + 2, 1)
    sheet = book.book.add_worksheet(_sheet_name(_("Year on year")))
    line = book.heading(sheet, _("Classification results year on year — %(scope)s") % {"scope": scope_name}, [lines[1]])
    for label, rows in tables.trends:
        sheet.write_string(line, 0, label, book.total_label)
        line = book.table(sheet, line + 1, _("Year"), rows, None, years=True) + 1
    book.book.close()
    return output.getvalue()
