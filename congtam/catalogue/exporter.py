"""Export of the current product catalogues to the sheet the import reads (see
:mod:`congtam.catalogue.importer`), and its empty template. An export re-imports to no change.

Written with xlsxwriter in constant-memory mode, row by row from a database cursor. Codes and
text are written as text (so "001" stays "001"), factors as numbers, with a check in the sheet
that a factor typed later is a number greater than 0.
"""

from __future__ import annotations

import shutil
import tempfile
from decimal import Decimal

import xlsxwriter
from django.utils.translation import gettext as _

from congtam.catalogue.models import CatalogueItem
from congtam.catalogue.rules import FACTOR_LIMIT, plain
from congtam.catalogue.workbook import COLUMNS, FACTOR, SHEET
from congtam.org.models import Position

CHUNK_SIZE = 2000
WIDTHS = (14, 16, 50, 14, 14, 60)
VALIDATED_ROWS = 1_048_575  # Excel's last row
_FACTOR_COLUMN = COLUMNS.index(FACTOR)


class _Sheet:
    def __init__(self, target):
        self.book = xlsxwriter.Workbook(
            target, {"constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False}
        )
        header = self.book.add_format(
            {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"}
        )
        self.wrapped = self.book.add_format({"text_wrap": True, "valign": "top"})
        self.sheet = self.book.add_worksheet(SHEET)
        for index, width in enumerate(WIDTHS):
            self.sheet.set_column(index, index, width)
        self.sheet.write_row(0, 0, COLUMNS, header)
        self.sheet.freeze_panes(1, 0)
        self.sheet.data_validation(
            1,
            _FACTOR_COLUMN,
            VALIDATED_ROWS,
            _FACTOR_COLUMN,
            {
                "validate": "decimal",
                "criteria": "between",
                "minimum": 0.0001,
                "maximum": float(FACTOR_LIMIT - Decimal("0.0001")),
                "error_title": FACTOR,
                "error_message": _("The conversion factor is a number greater than 0."),
            },
        )

    def row(self, number: int, values: tuple) -> None:
        position_code, code, name, unit, factor, quality = values
        self.sheet.write_string(number, 0, position_code)
        self.sheet.write_string(number, 1, code)
        self.sheet.write_string(number, 2, name)
        if unit:
            self.sheet.write_string(number, 3, unit)
        # A float reads back as the same decimal: four decimals and nine digits at most.
        self.sheet.write_number(number, 4, float(plain(factor)))
        if quality:
            self.sheet.write_string(number, 5, quality, self.wrapped if "\n" in quality else None)

    def close(self) -> None:
        self.book.close()


def _write(fileobj, fill) -> None:
    # xlsxwriter needs a seekable file to write the zip; an HTTP response is not one.
    with tempfile.TemporaryFile(suffix=".xlsx") as spool:
        sheet = _Sheet(spool)
        fill(sheet)
        sheet.close()
        spool.seek(0)
        shutil.copyfileobj(spool, fileobj, 1024 * 1024)


def write_template(fileobj) -> None:
    """The empty sheet: its header and the check on factors."""
    _write(fileobj, lambda sheet: None)


def export_workbook(fileobj, *, agency=None, position: Position | None = None) -> int:
    """Write the current products of every position of the agency (by default the installation's
    top agency), or of one position, by position code then product code; returns how many were
    written."""
    rows = CatalogueItem.objects.filter(version_to__isnull=True)
    if position is None:
        from congtam.org.services import default_agency

        rows = rows.filter(position__agency=agency or default_agency())
    else:
        rows = rows.filter(position=position)
    rows = rows.order_by("position__code", "code").values_list(
        "position__code", "code", "name", "unit", "factor", "quality_requirement"
    )
    written = 0

    def fill(sheet: _Sheet) -> None:
        nonlocal written
        for written, values in enumerate(rows.iterator(CHUNK_SIZE), start=1):
            sheet.row(written, values)

    _write(fileobj, fill)
    return written
