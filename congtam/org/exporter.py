"""Export of the organisation to the workbook the import reads (see :mod:`congtam.org.importer`),
and the empty template of that workbook.

The workbook is written with xlsxwriter in constant-memory mode, row by row from database
cursors, so that 100,000 people do not have to fit in memory. Dates are real Excel dates shown
as ``dd/mm/yyyy``; codes are written as text so that "001" stays "001". An export re-imports to
no change.

The export carries sensitive personal data (birth date, ethnicity, gender): each one is recorded
in the audit trail.
"""

from __future__ import annotations

import shutil
import tempfile

import xlsxwriter
from django.db import transaction
from django.db.models import Case, When
from django.utils.translation import gettext as _

from congtam.audit.services import Subject, audit_record
from congtam.core.spreadsheets import NO, YES
from congtam.org import events
from congtam.org.models import Agency, Person, Position, Unit, UnitRole
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
from congtam.org.services import default_agency

COMMAND_ACTOR_LABEL = "command:export-org"
CHUNK_SIZE = 2000
# Rows that the choice lists of the template cover (Excel's own limit).
VALIDATED_ROWS = 1_048_575

# Every sheet but "Cơ quan" ends with the agency of its row (the import reads it by name: the
# columns of older workbooks keep their places).
AGENCY_WIDTHS = (16, 50, 22, 14)
UNIT_WIDTHS = (16, 50, 22, 16)
POSITION_WIDTHS = (14, 40, 28, 18, 60, 60, 16)
PEOPLE_WIDTHS = (14, 30, 10, 13, 14, 16, 14, 22, 14, 32, 10, 16)

_GENDER_WORD = {value: word for word, value in GENDER_WORDS.items()}
_CATEGORY_WORD = {value: word for word, value in CATEGORY_WORDS.items()}
_ROLE_WORD = {value: word for word, value in UNIT_ROLE_WORDS.items()}


class _Workbook:
    """The four sheets with their headers, formats, widths and choice lists."""

    def __init__(self, target):
        self.book = xlsxwriter.Workbook(
            target, {"constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False}
        )
        self.header = self.book.add_format(
            {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"}
        )
        self.text = self.book.add_format({"num_format": "@"})
        self.wrapped = self.book.add_format({"num_format": "@", "text_wrap": True, "valign": "top"})
        self.date = self.book.add_format({"num_format": "dd/mm/yyyy"})

    def sheet(self, name: str, columns: tuple[str, ...], widths: tuple[int, ...]):
        sheet = self.book.add_worksheet(name)
        for index, width in enumerate(widths):
            sheet.set_column(index, index, width)
        sheet.write_row(0, 0, columns, self.header)
        sheet.freeze_panes(1, 0)
        return sheet

    def choices(self, sheet, column: int, words, title: str) -> None:
        sheet.data_validation(
            1,
            column,
            VALIDATED_ROWS,
            column,
            {
                "validate": "list",
                "source": list(words),
                "error_title": title,
                "error_message": _("Choose one of: %(words)s") % {"words": ", ".join(word for word in words if word)},
            },
        )

    def sheets(self):
        agencies = self.sheet(SHEET_AGENCIES, AGENCY_COLUMNS, AGENCY_WIDTHS)
        units = self.sheet(SHEET_UNITS, (*UNIT_COLUMNS, AGENCY_CODE), UNIT_WIDTHS)
        positions = self.sheet(SHEET_POSITIONS, (*POSITION_COLUMNS, AGENCY_CODE), POSITION_WIDTHS)
        self.choices(positions, 3, (YES, NO), POSITION_COLUMNS[3])
        people = self.sheet(SHEET_PEOPLE, (*PEOPLE_COLUMNS, AGENCY_CODE), PEOPLE_WIDTHS)
        self.choices(people, 2, GENDER_WORDS, PEOPLE_COLUMNS[2])
        self.choices(people, 7, CATEGORY_WORDS, PEOPLE_COLUMNS[7])
        self.choices(people, 10, [word for word in UNIT_ROLE_WORDS if word], PEOPLE_COLUMNS[10])
        return agencies, units, positions, people

    def cells(self, sheet, row: int, values) -> None:
        """Write one row: text as text (never a number or formula), dates as dates."""
        for column, value in enumerate(values):
            if value is None or value == "":
                continue
            if hasattr(value, "year"):
                sheet.write_datetime(row, column, value, self.date)
            elif isinstance(value, str) and "\n" in value:
                sheet.write_string(row, column, value, self.wrapped)
            else:
                sheet.write_string(row, column, str(value))

    def close(self) -> None:
        self.book.close()


def _write(fileobj, fill) -> None:
    # xlsxwriter needs a seekable file to write the zip; an HTTP response is not one.
    with tempfile.TemporaryFile(suffix=".xlsx") as spool:
        book = _Workbook(spool)
        fill(book)
        book.close()
        spool.seek(0)
        shutil.copyfileobj(spool, fileobj, 1024 * 1024)


def write_template(fileobj) -> None:
    """The empty workbook: the four sheets, their headers and choice lists."""
    _write(fileobj, lambda book: book.sheets())


def export_workbook(fileobj, *, actor, actor_label: str | None = None) -> dict:
    """Write the current organisation (every agency, unit and position, every working person)
    to ``fileobj`` and record the export in the audit trail. Returns the counts written."""
    counts = {}

    def fill(book: _Workbook) -> None:
        agencies_sheet, units_sheet, positions_sheet, people_sheet = book.sheets()
        agency_code = _write_agencies(book, agencies_sheet)
        counts["agencies"] = len(agency_code)
        counts["units"] = _write_units(book, units_sheet, agency_code)
        counts["positions"] = _write_positions(book, positions_sheet, agency_code)
        counts["people"] = _write_people(book, people_sheet, agency_code)

    with transaction.atomic():
        _write(fileobj, fill)
        agency = default_agency()
        subject = Subject.of(agency) if agency is not None else Subject(type=Agency._meta.label_lower, id="", label="")
        audit_record(
            actor=actor,
            event=events.ORG_EXPORTED,
            subject=subject,
            new=counts,
            actor_label=actor_label,
        )
    return counts


def _write_agencies(book: _Workbook, sheet) -> dict[int, str]:
    """The agencies in tree order, each with the head of its top unit; returns their codes by id."""
    agencies = list(Agency.objects.order_by("path", "id").values_list("id", "code", "name", "parent_id"))
    code_by_id = {agency_id: code for agency_id, code, _name, _parent in agencies}
    heads = dict(
        Person.objects.filter(is_active=True, unit_role=UnitRole.HEAD, unit__parent__isnull=True).values_list(
            "agency_id", "staff_code"
        )
    )
    for row, (agency_id, code, name, parent_id) in enumerate(agencies, start=1):
        book.cells(sheet, row, (code, name, code_by_id.get(parent_id, ""), heads.get(agency_id, "")))
    return code_by_id


def _write_units(book: _Workbook, sheet, agency_code: dict[int, str]) -> int:
    units = list(
        Unit.objects.order_by("agency__path", "agency_id", "path").values_list(
            "id", "code", "name", "parent_id", "agency_id"
        )
    )
    code_by_id = {unit_id: code for unit_id, code, _name, _parent, _agency in units}
    for row, (_id, code, name, parent_id, agency_id) in enumerate(units, start=1):
        book.cells(sheet, row, (code, name, code_by_id.get(parent_id, ""), agency_code[agency_id]))
    return len(units)


def _write_positions(book: _Workbook, sheet, agency_code: dict[int, str]) -> int:
    count = 0
    rows = Position.objects.order_by("agency__path", "agency_id", "code").values_list(
        "code", "title", "rank", "is_leadership", "duties", "standards", "agency_id"
    )
    for count, (code, title, rank, is_leadership, duties, standards, agency_id) in enumerate(
        rows.iterator(CHUNK_SIZE), start=1
    ):
        book.cells(
            sheet, count, (code, title, rank, YES if is_leadership else NO, duties, standards, agency_code[agency_id])
        )
    return count


def _write_people(book: _Workbook, sheet, agency_code: dict[int, str]) -> int:
    unit_code = dict(Unit.objects.values_list("id", "code"))
    position_code = dict(Position.objects.values_list("id", "code"))
    # By agency and unit in tree order, the head and deputies first, then everyone in Vietnamese
    # order.
    rows = (
        Person.objects.filter(is_active=True)
        .annotate(
            role_order=Case(When(unit_role=UnitRole.HEAD, then=0), When(unit_role=UnitRole.DEPUTY, then=1), default=2)
        )
        .order_by("agency__path", "agency_id", "unit__path", "role_order", "sort_key", "staff_code")
        .values_list(
            "staff_code",
            "full_name",
            "gender",
            "birth_date",
            "ethnicity",
            "unit_id",
            "position_id",
            "category",
            "start_date",
            "email",
            "unit_role",
            "agency_id",
        )
    )
    count = 0
    for count, person in enumerate(rows.iterator(CHUNK_SIZE), start=1):
        code, name, gender, birth, ethnicity, unit_id, position_id, category, start, email, role, agency_id = person
        book.cells(
            sheet,
            count,
            (
                code,
                name,
                _GENDER_WORD.get(gender, ""),
                birth,
                ethnicity,
                unit_code.get(unit_id, ""),
                position_code.get(position_id, "") if position_id else "",
                _CATEGORY_WORD.get(category, category),
                start,
                email,
                _ROLE_WORD.get(role, ""),
                agency_code[agency_id],
            ),
        )
    return count
