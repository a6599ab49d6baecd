"""Building organisation workbooks for the import and export tests.

:func:`current_rows` gives the rows of the three sheets as the database holds them now (written
here independently of the exporter, so the two check each other); tests change a copy and write
it with :func:`write_workbook`.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import date

import xlsxwriter

from congtam.audit.models import AuditEntry
from congtam.core.spreadsheets import NO, YES
from congtam.org.models import Person, Position, Posting, Unit
from congtam.org.orgdata import (
    CATEGORY_WORDS,
    GENDER_WORDS,
    PEOPLE_COLUMNS,
    POSITION_COLUMNS,
    SHEET_PEOPLE,
    SHEET_POSITIONS,
    SHEET_UNITS,
    UNIT_COLUMNS,
    UNIT_ROLE_WORDS,
)

# Column indexes of the people sheet.
CODE, NAME, GENDER, BIRTH, ETHNICITY, UNIT, POSITION, CATEGORY, START, EMAIL, ROLE = range(11)


@dataclass
class Sheets:
    units: list[list] = field(default_factory=list)
    positions: list[list] = field(default_factory=list)
    people: list[list] = field(default_factory=list)
    headers: dict[str, list[str]] = field(
        default_factory=lambda: {
            SHEET_UNITS: list(UNIT_COLUMNS),
            SHEET_POSITIONS: list(POSITION_COLUMNS),
            SHEET_PEOPLE: list(PEOPLE_COLUMNS),
        }
    )
    names: dict[str, str] = field(
        default_factory=lambda: {SHEET_UNITS: SHEET_UNITS, SHEET_POSITIONS: SHEET_POSITIONS, SHEET_PEOPLE: SHEET_PEOPLE}
    )

    def copy(self) -> Sheets:
        return copy.deepcopy(self)

    def person(self, staff_code: str) -> list:
        return next(row for row in self.people if row[CODE] == staff_code)

    def unit(self, code: str) -> list:
        return next(row for row in self.units if row[0] == code)

    def people_row_number(self, staff_code: str) -> int:
        """The row Excel shows for this person (the header is row 1)."""
        return 2 + next(index for index, row in enumerate(self.people) if row[CODE] == staff_code)

    def unit_row_number(self, code: str) -> int:
        return 2 + next(index for index, row in enumerate(self.units) if row[0] == code)


def _text_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def current_rows() -> Sheets:
    gender_word = {value: word for word, value in GENDER_WORDS.items()}
    category_word = {value: word for word, value in CATEGORY_WORDS.items()}
    role_word = {value: word for word, value in UNIT_ROLE_WORDS.items()}
    sheets = Sheets()
    for unit in Unit.objects.select_related("parent").order_by("path"):
        sheets.units.append([unit.code, unit.name, unit.parent.code if unit.parent else ""])
    for position in Position.objects.order_by("code"):
        sheets.positions.append(
            [
                position.code,
                position.title,
                position.rank,
                YES if position.is_leadership else NO,
                position.duties,
                position.standards,
            ]
        )
    for person in Person.objects.filter(is_active=True).select_related("unit", "position").order_by("staff_code"):
        sheets.people.append(
            [
                person.staff_code,
                person.full_name,
                gender_word.get(person.gender, ""),
                _text_date(person.birth_date),
                person.ethnicity,
                person.unit.code,
                person.position.code if person.position else "",
                category_word[person.category],
                _text_date(person.start_date),
                person.email,
                role_word[person.unit_role],
            ]
        )
    return sheets


def write_workbook(path, sheets: Sheets) -> str:
    """Write the sheets with xlsxwriter: strings stay strings, dates given as ``date`` become
    real Excel dates, numbers stay numbers."""
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    date_format = book.add_format({"num_format": "dd/mm/yyyy"})
    for key, rows in ((SHEET_UNITS, sheets.units), (SHEET_POSITIONS, sheets.positions), (SHEET_PEOPLE, sheets.people)):
        if sheets.names.get(key) is None:
            continue
        sheet = book.add_worksheet(sheets.names[key])
        sheet.write_row(0, 0, sheets.headers[key])
        for number, row in enumerate(rows, start=1):
            if row is None:  # a blank line in the sheet
                continue
            for column, value in enumerate(row):
                if isinstance(value, date):
                    sheet.write_datetime(number, column, value, date_format)
                elif isinstance(value, (int, float)) and not isinstance(value, bool):
                    sheet.write_number(number, column, value)
                elif value not in ("", None):
                    sheet.write_string(number, column, str(value))
    book.close()
    return str(path)


@dataclass(frozen=True)
class Snapshot:
    units: list
    positions: list
    people: list
    postings: list
    audit_count: int


def snapshot() -> Snapshot:
    """Everything an import may write, to show that a refused import wrote nothing."""
    return Snapshot(
        units=list(Unit.objects.order_by("pk").values_list()),
        positions=list(Position.objects.order_by("pk").values_list()),
        people=list(Person.objects.order_by("pk").values_list()),
        postings=list(Posting.objects.order_by("pk").values_list()),
        audit_count=AuditEntry.objects.count(),
    )
