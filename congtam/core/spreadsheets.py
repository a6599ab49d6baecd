"""Reading spreadsheets as people fill them in: every importer of the app (the organisation, the
catalogues, work items) reads its workbook through these, as a stream with python-calamine,
tolerant of case, surrounding spaces and decomposed (NFD) Vietnamese in sheet names, headers and
choice words. A problem is collected as an :class:`ImportIssue` (sheet, row as Excel shows it,
column, message), never raised: an import reports every problem at once.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from django.utils.translation import gettext as _

from congtam.core.workbook_limits import WorkbookRefused, check_workbook
from congtam.vietnamese import NO, NO_WORDS, YES, YES_WORDS, clean_text


@dataclass(frozen=True, slots=True)
class ImportIssue:
    sheet: str
    row: int | None
    column: str
    message: str


def matching_key(text: object) -> str:
    """How names and words are compared: NFC, trimmed, single-spaced, case-folded."""
    return clean_text(text).casefold()


def _display_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


_DATE_DMY = re.compile(r"^(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_EXCEL_EPOCH = date(1899, 12, 30)
_EXCEL_LAST_SERIAL = 2958465  # 31/12/9999

# A yes/no column: Có or Không as the exported workbooks write them, or any of the other words
# :func:`congtam.vietnamese.yes_no` reads (C, X, K, yes, no…); empty is no.
YES_NO_BY_WORD = {
    **dict.fromkeys(YES_WORDS, True),
    **dict.fromkeys(NO_WORDS, False),
    matching_key(YES): True,
    matching_key(NO): False,
    "": False,
}

_UNKNOWN = object()


class UnreadableDate(ValueError):
    pass


def fast_clean_text(text: str) -> str:
    """:func:`~congtam.vietnamese.clean_text` for a ``str``, about three times faster: a
    100,000-person workbook has more than a million cells."""
    text = " ".join(text.split())
    if text.isascii() or unicodedata.is_normalized("NFC", text):
        return text
    return unicodedata.normalize("NFC", text)


def cell_text(value) -> str:
    """A cell as trimmed NFC text; numbers typed into a text column lose Excel's ".0"."""
    if value.__class__ is str:
        return fast_clean_text(value) if value else ""
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return _display_date(value.date())
    if isinstance(value, date):
        return _display_date(value)
    return clean_text(value)


def cell_date(value) -> date | None:
    """A date typed as ``dd/mm/yyyy`` text or stored as an Excel date (or its serial number)."""
    if value.__class__ is date:  # what calamine gives for a cell formatted as a date
        return value
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise UnreadableDate(value)
    if isinstance(value, (int, float)):
        if 1 <= value <= _EXCEL_LAST_SERIAL and float(value).is_integer():
            return _EXCEL_EPOCH + timedelta(days=int(value))
        raise UnreadableDate(value)
    text = fast_clean_text(value) if isinstance(value, str) else clean_text(value)
    if not text:
        return None
    if match := _DATE_DMY.match(text):
        day, month, year = (int(part) for part in match.groups())
    elif match := _DATE_ISO.match(text):
        year, month, day = (int(part) for part in match.groups())
    else:
        raise UnreadableDate(text)
    try:
        return date(year, month, day)
    except ValueError:
        raise UnreadableDate(text) from None


class SheetReader:
    """The rows of one sheet as dicts of raw cells by canonical column name, with the row number
    as Excel shows it. Problems with the sheet or its header go to ``issues``.

    ``optional`` columns may be left out of the header: a row's dict then lacks them (read them
    with ``values.get``, or ask :meth:`has_column`). A sheet that is not ``required`` may be left
    out of the workbook: it then has no rows and no problem is reported."""

    def __init__(
        self,
        workbook,
        sheet_name: str,
        columns: tuple[str, ...],
        issues: list[ImportIssue],
        *,
        optional: tuple[str, ...] = (),
        required: bool = True,
    ):
        self.complete = True  # False when the sheet or one of its required columns is missing
        self._choices: dict[tuple[str, object], object] = {}
        self.sheet_name = sheet_name
        self.columns = columns
        self.optional = optional
        self.issues = issues
        self.positions: dict[str, int] = {}
        actual = {matching_key(name): name for name in workbook.sheet_names}.get(matching_key(sheet_name))
        self.sheet = workbook.get_sheet_by_name(actual) if actual is not None else None
        if self.sheet is None and required:
            self.complete = False
            issues.append(
                ImportIssue(
                    sheet_name,
                    None,
                    "",
                    _("The workbook has no sheet named “%(sheet)s”.") % {"sheet": sheet_name},
                )
            )

    def issue(self, row: int | None, column: str, message: str) -> None:
        self.issues.append(ImportIssue(self.sheet_name, row, column, message))

    @property
    def present(self) -> bool:
        return self.sheet is not None

    def has_column(self, column: str) -> bool:
        """Whether the header has this column (known once :meth:`rows` has started)."""
        return column in self.positions

    def rows(self) -> Iterator[tuple[int, dict]]:
        if self.sheet is None:
            return
        # calamine yields rows from the sheet's first row (empty rows included), so the index
        # plus one is the row number Excel shows.
        rows = enumerate(self.sheet.iter_rows(), start=1)
        header_row = None
        for number, cells in rows:
            if any(cell_text(cell) for cell in cells):
                header_row = number
                self._read_header(number, cells)
                break
        if header_row is None:
            self.complete = False
            for column in self.columns:
                self.issue(
                    None,
                    column,
                    _("The sheet has no header row; the column “%(column)s” is missing.") % {"column": column},
                )
            return
        if any(column not in self.positions for column in self.columns):
            return
        width = max(self.positions.values()) + 1
        for number, cells in rows:
            if len(cells) < width:
                cells = list(cells) + [""] * (width - len(cells))
            values = {column: cells[index] for column, index in self.positions.items()}
            if any(value not in ("", None) and cell_text(value) for value in values.values()):
                yield number, values

    def _read_header(self, number: int, cells: list) -> None:
        wanted = {matching_key(column): column for column in (*self.columns, *self.optional)}
        for index, cell in enumerate(cells):
            column = wanted.get(matching_key(cell_text(cell)))
            if column is not None and column not in self.positions:
                self.positions[column] = index
        for column in self.columns:
            if column not in self.positions:
                self.complete = False
                self.issue(
                    number, column, _("The column “%(column)s” is missing from the header row.") % {"column": column}
                )

    # --- cell conversions: a problem is recorded and a neutral value returned -----------------
    def date(self, number: int, values: dict, column: str) -> date | None:
        try:
            return cell_date(values[column])
        except UnreadableDate:
            self.issue(
                number,
                column,
                _("“%(value)s” is not a date; write it as dd/mm/yyyy (e.g. 25/12/1985).")
                % {"value": cell_text(values[column])},
            )
            return None

    def choice(self, number: int, values: dict, column: str, words: dict, allowed: Iterable[str]) -> str | bool | None:
        value = values[column]
        if isinstance(value, bool) and words is YES_NO_BY_WORD:
            return value
        # A column of choices holds a handful of different cells: each is looked up once.
        known = self._choices.get((column, value), _UNKNOWN)
        if known is not _UNKNOWN:
            return known
        text = cell_text(value)
        try:
            found = self._choices[(column, value)] = words[matching_key(text)]
            return found
        except KeyError:
            self.issue(
                number,
                column,
                _("“%(value)s” is not one of the allowed values: %(allowed)s.")
                % {"value": text, "allowed": ", ".join(f"“{word}”" if word else _("(empty)") for word in allowed)},
            )
            return None


def unreadable_issue(error: Exception | None = None) -> ImportIssue:
    """The one problem of a workbook that cannot be read, or that breaks a limit."""
    if isinstance(error, WorkbookRefused):
        return ImportIssue("", None, "", error.message())
    return ImportIssue(
        "", None, "", _("The file could not be read as an Excel workbook (.xlsx); nothing was imported.")
    )


def open_workbook(source):
    """The workbook, read by calamine once :func:`~congtam.core.workbook_limits.check_workbook` has
    found it within the limits; raises :class:`~congtam.core.workbook_limits.WorkbookRefused`."""
    from python_calamine import CalamineWorkbook

    check_workbook(source)
    if isinstance(source, (str, Path)):
        return CalamineWorkbook.from_path(str(source))
    temporary_path = getattr(source, "temporary_file_path", None)
    if callable(temporary_path):
        return CalamineWorkbook.from_path(temporary_path())
    if hasattr(source, "seek"):
        source.seek(0)
    return CalamineWorkbook.from_filelike(source)
