"""Building organisation workbooks for the import and export tests.

:func:`current_rows` gives the rows of the sheets as the database holds them now (written here
independently of the exporter, so the two check each other); tests change a copy and write it
with :func:`write_workbook`. By default it is a workbook of one agency as before agencies were in
a tree (no sheet "Cơ quan", no column "Mã cơ quan"); with ``by_agency=True`` every agency is in
the sheet "Cơ quan" and every row ends with its agency's code.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import date

import xlsxwriter

from congtam.audit.models import AuditEntry
from congtam.core.spreadsheets import NO, YES
from congtam.org.models import Agency, Person, Position, Posting, Unit, UnitRole
from congtam.org.orgdata import (
    AGENCY_CODE,
    AGENCY_COLUMNS,
    CATEGORY_WORDS,
    GENDER_WORDS,
    PEOPLE_COLUMNS,
    POSITION_COLUMNS,
    SHEET_AGENCIES,
    SHEET_PEOPLE,
    SHEET_POSITIONS,
    SHEET_UNITS,
    UNIT_COLUMNS,
    UNIT_ROLE_WORDS,
)

# Column indexes of the people sheet (AGENCY: the column "Mã cơ quan" of a workbook by agency).
CODE, NAME, GENDER, BIRTH, ETHNICITY, UNIT, POSITION, CATEGORY, START, EMAIL, ROLE, AGENCY = range(12)
UNIT_AGENCY, POSITION_AGENCY = len(UNIT_COLUMNS), len(POSITION_COLUMNS)


@dataclass
class Sheets:
    units: list[list] = field(default_factory=list)
    positions: list[list] = field(default_factory=list)
    people: list[list] = field(default_factory=list)
    # Rows of the sheet "Cơ quan": written only when there are some.
    agencies: list[list] = field(default_factory=list)
    # Whether the sheets of units, positions and people have the column "Mã cơ quan" (last).
    by_agency: bool = False
    headers: dict[str, list[str]] = field(
        default_factory=lambda: {
            SHEET_AGENCIES: list(AGENCY_COLUMNS),
            SHEET_UNITS: list(UNIT_COLUMNS),
            SHEET_POSITIONS: list(POSITION_COLUMNS),
            SHEET_PEOPLE: list(PEOPLE_COLUMNS),
        }
    )
    names: dict[str, str] = field(
        default_factory=lambda: {
            SHEET_AGENCIES: SHEET_AGENCIES,
            SHEET_UNITS: SHEET_UNITS,
            SHEET_POSITIONS: SHEET_POSITIONS,
            SHEET_PEOPLE: SHEET_PEOPLE,
        }
    )

    def copy(self) -> Sheets:
        return copy.deepcopy(self)

    def person(self, staff_code: str, agency: str | None = None) -> list:
        return next(row for row in self.people if row[CODE] == staff_code and (agency is None or row[AGENCY] == agency))

    def unit(self, code: str, agency: str | None = None) -> list:
        return next(row for row in self.units if row[0] == code and (agency is None or row[UNIT_AGENCY] == agency))

    def agency(self, code: str) -> list:
        return next(row for row in self.agencies if row[0] == code)

    def people_row_number(self, staff_code: str, agency: str | None = None) -> int:
        """The row Excel shows for this person (the header is row 1)."""
        return 2 + self.people.index(self.person(staff_code, agency))

    def unit_row_number(self, code: str, agency: str | None = None) -> int:
        return 2 + self.units.index(self.unit(code, agency))

    def agency_row_number(self, code: str) -> int:
        return 2 + self.agencies.index(self.agency(code))


def _text_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def current_rows(*, by_agency: bool = False) -> Sheets:
    gender_word = {value: word for word, value in GENDER_WORDS.items()}
    category_word = {value: word for word, value in CATEGORY_WORDS.items()}
    role_word = {value: word for word, value in UNIT_ROLE_WORDS.items()}
    sheets = Sheets(by_agency=by_agency)
    agency_tail = (lambda agency: [agency.code]) if by_agency else (lambda agency: [])
    if by_agency:
        for agency in Agency.objects.select_related("parent").order_by("path"):
            head = Person.objects.filter(
                agency=agency, unit__parent=None, unit_role=UnitRole.HEAD, is_active=True
            ).first()
            sheets.agencies.append(
                [agency.code, agency.name, agency.parent.code if agency.parent else "", head.staff_code if head else ""]
            )
    for unit in Unit.objects.select_related("parent", "agency").order_by("agency__path", "path"):
        sheets.units.append([unit.code, unit.name, unit.parent.code if unit.parent else "", *agency_tail(unit.agency)])
    for position in Position.objects.select_related("agency").order_by("agency__path", "code"):
        sheets.positions.append(
            [
                position.code,
                position.title,
                position.rank,
                YES if position.is_leadership else NO,
                position.duties,
                position.standards,
                *agency_tail(position.agency),
            ]
        )
    people = Person.objects.filter(is_active=True).select_related("unit", "position", "agency")
    for person in people.order_by("agency__path", "staff_code"):
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
                *agency_tail(person.agency),
            ]
        )
    return sheets


def write_workbook(path, sheets: Sheets) -> str:
    """Write the sheets with xlsxwriter: strings stay strings, dates given as ``date`` become
    real Excel dates, numbers stay numbers."""
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    date_format = book.add_format({"num_format": "dd/mm/yyyy"})
    for key, rows in (
        (SHEET_AGENCIES, sheets.agencies),
        (SHEET_UNITS, sheets.units),
        (SHEET_POSITIONS, sheets.positions),
        (SHEET_PEOPLE, sheets.people),
    ):
        if sheets.names.get(key) is None or (key == SHEET_AGENCIES and not rows):
            continue
        sheet = book.add_worksheet(sheets.names[key])
        header = sheets.headers[key]
        if sheets.by_agency and key != SHEET_AGENCIES and AGENCY_CODE not in header:
            header = [*header, AGENCY_CODE]
        sheet.write_row(0, 0, header)
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
    agencies: list
    units: list
    positions: list
    people: list
    postings: list
    audit_count: int


def snapshot() -> Snapshot:
    """Everything an import may write, to show that a refused import wrote nothing."""
    return Snapshot(
        agencies=list(Agency.objects.order_by("pk").values_list()),
        units=list(Unit.objects.order_by("pk").values_list()),
        positions=list(Position.objects.order_by("pk").values_list()),
        people=list(Person.objects.order_by("pk").values_list()),
        postings=list(Posting.objects.order_by("pk").values_list()),
        audit_count=AuditEntry.objects.count(),
    )
