"""Import of the organisation workbook (units, job positions, people).

Two steps, both usable on their own:

* :func:`read_workbook` turns an .xlsx file into :class:`~congtam.org.orgdata.OrgData`, reading it
  as a stream with python-calamine, tolerant of case, surrounding spaces and decomposed (NFD)
  Vietnamese in sheet names, headers and choice words;
* :func:`import_org_data` checks the whole of it against itself and the database, and only when
  nothing is wrong writes it, all in one transaction, in batches, with its audit entries.

The import is all-or-nothing: every problem is collected (sheet, row as Excel shows it, column,
message) and on any problem nothing is written. Re-importing the same data changes nothing and
writes no audit entry; people in the database but not in the file are reported, never removed.

The number of queries does not depend on the number of rows (beyond one per batch of
:data:`BATCH_SIZE`): existing rows are loaded once, as tuples rather than model instances.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congtam.audit.services import AuditDraft, Subject, audit_record_many
from congtam.core.bulk import batched, copy_rows, insert_rows, reserve_ids
from congtam.core.spreadsheets import (
    NO,
    YES,
    YES_NO_BY_WORD,
    ImportIssue,
    SheetReader,
    cell_text,
    matching_key,
    open_workbook,
    unreadable_issue,
)
from congtam.core.vntext import clean_text, name_sort_key, search_key
from congtam.org import events
from congtam.org.models import Agency, Category, Gender, Person, Position, Posting, Unit, UnitRole
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
    ImportReport,
    OrgData,
    PersonRow,
    PositionRow,
    UnitRow,
)
from congtam.org.services import PATH_WIDTH, clean_multiline, default_agency

logger = logging.getLogger(__name__)

BATCH_SIZE = 2000
COMMAND_ACTOR_LABEL = "command:import-org"

# Column names, by meaning (the workbook's own words, see orgdata).
(UNIT_CODE, UNIT_NAME, UNIT_PARENT) = UNIT_COLUMNS
(POSITION_CODE, POSITION_TITLE, POSITION_RANK, POSITION_LEADERSHIP, POSITION_DUTIES, POSITION_STANDARDS) = (
    POSITION_COLUMNS
)
(
    PERSON_CODE,
    PERSON_NAME,
    PERSON_GENDER,
    PERSON_BIRTH,
    PERSON_ETHNICITY,
    PERSON_UNIT,
    PERSON_POSITION,
    PERSON_CATEGORY,
    PERSON_START,
    PERSON_EMAIL,
    PERSON_ROLE,
) = PEOPLE_COLUMNS

SHEET_ORDER = {SHEET_UNITS: 0, SHEET_POSITIONS: 1, SHEET_PEOPLE: 2}
COLUMN_ORDER = {
    **{name: index for index, name in enumerate(UNIT_COLUMNS)},
    **{name: index for index, name in enumerate(POSITION_COLUMNS)},
    **{name: index for index, name in enumerate(PEOPLE_COLUMNS)},
}


def _max_length(model, field_name: str) -> int:
    return model._meta.get_field(field_name).max_length


def _batched(items: Iterable, size: int = BATCH_SIZE) -> Iterator[list]:
    return batched(items, size)


# =============================================================================================
# Reading
# =============================================================================================
# Empty is allowed in every column (a missing category is reported by the checks as missing).
_GENDER_BY_WORD = {matching_key(word): value for word, value in GENDER_WORDS.items()} | {"": ""}
_GENDER_CHOICES = (*GENDER_WORDS, "")
_CATEGORY_BY_WORD = {matching_key(word): value for word, value in CATEGORY_WORDS.items()} | {"": ""}
_ROLE_BY_WORD = {matching_key(word): value for word, value in UNIT_ROLE_WORDS.items()}


class _EmailValidator(EmailValidator):
    """Django's e-mail check, its patterns compiled once (the class's are lazy, which costs more
    than the match itself over 100,000 rows) and each domain checked once."""

    def __init__(self):
        super().__init__()
        self.user_regex = re.compile(EmailValidator.user_regex.pattern, EmailValidator.user_regex.flags)
        self.domain_regex = re.compile(EmailValidator.domain_regex.pattern, EmailValidator.domain_regex.flags)
        self._domains: dict[str, bool] = {}

    def validate_domain_part(self, domain_part):
        valid = self._domains.get(domain_part)
        if valid is None:
            valid = self._domains[domain_part] = super().validate_domain_part(domain_part)
        return valid


def read_workbook(source) -> tuple[OrgData, list[ImportIssue]]:
    data, issues, _complete = _read(source)
    return data, issues


def _read(source) -> tuple[OrgData, list[ImportIssue], bool]:
    """Read the workbook (a path, a file object or an uploaded file) into plain data; also say
    whether every sheet and column was found.

    Problems found while reading (missing sheet or column, a cell that is not a date, a word
    that is not one of a column's choices) are returned with the data; the rows are still read,
    with a neutral value in the bad cell, so that the checks of :func:`import_org_data` can
    report everything else too.
    """
    issues: list[ImportIssue] = []
    data = OrgData()
    try:
        workbook = open_workbook(source)
    except Exception as error:  # a limit broken, or calamine's own errors (and zip/XML ones)
        issues.append(unreadable_issue(error))
        return data, issues, False

    try:
        units = SheetReader(workbook, SHEET_UNITS, UNIT_COLUMNS, issues)
        for number, values in units.rows():
            data.units.append(
                UnitRow(
                    code=cell_text(values[UNIT_CODE]),
                    name=cell_text(values[UNIT_NAME]),
                    parent_code=cell_text(values[UNIT_PARENT]),
                    row=number,
                )
            )

        positions = SheetReader(workbook, SHEET_POSITIONS, POSITION_COLUMNS, issues)
        for number, values in positions.rows():
            leadership = positions.choice(number, values, POSITION_LEADERSHIP, YES_NO_BY_WORD, (YES, NO))
            data.positions.append(
                PositionRow(
                    code=cell_text(values[POSITION_CODE]),
                    title=cell_text(values[POSITION_TITLE]),
                    rank=cell_text(values[POSITION_RANK]),
                    is_leadership=bool(leadership),
                    duties=clean_multiline(_multiline_cell(values[POSITION_DUTIES])),
                    standards=clean_multiline(_multiline_cell(values[POSITION_STANDARDS])),
                    row=number,
                )
            )

        people = SheetReader(workbook, SHEET_PEOPLE, PEOPLE_COLUMNS, issues)
        for number, values in people.rows():
            gender = people.choice(number, values, PERSON_GENDER, _GENDER_BY_WORD, _GENDER_CHOICES)
            category = people.choice(number, values, PERSON_CATEGORY, _CATEGORY_BY_WORD, CATEGORY_WORDS)
            role = people.choice(number, values, PERSON_ROLE, _ROLE_BY_WORD, UNIT_ROLE_WORDS)
            data.people.append(
                PersonRow(
                    staff_code=cell_text(values[PERSON_CODE]),
                    full_name=cell_text(values[PERSON_NAME]),
                    unit_code=cell_text(values[PERSON_UNIT]),
                    # None: a wrong word, reported above (the checks do not report it again).
                    category=category,
                    gender=gender or "",
                    birth_date=people.date(number, values, PERSON_BIRTH),
                    ethnicity=cell_text(values[PERSON_ETHNICITY]),
                    position_code=cell_text(values[PERSON_POSITION]),
                    start_date=people.date(number, values, PERSON_START),
                    email=cell_text(values[PERSON_EMAIL]),
                    unit_role=role or UnitRole.MEMBER,
                    row=number,
                )
            )
    except Exception:  # a damaged sheet inside an otherwise readable file
        logger.exception("Unreadable sheet in an imported workbook")
        issues.append(unreadable_issue())
        return data, issues, False
    return data, issues, units.complete and positions.complete and people.complete


def _multiline_cell(value) -> str:
    return value if isinstance(value, str) else cell_text(value)


# =============================================================================================
# Checking
# =============================================================================================
# Existing rows, as tuples (see the ``*_FIELDS`` for their order).
UNIT_FIELDS = ("id", "code", "name", "parent_id", "path", "depth")
POSITION_FIELDS = ("id", "code", "title", "rank", "is_leadership", "duties", "standards")
PERSON_FIELDS = (
    "id",
    "staff_code",
    "full_name",
    "category",
    "gender",
    "birth_date",
    "ethnicity",
    "unit_id",
    "position_id",
    "unit_role",
    "start_date",
    "email",
    "is_active",
    "version",
    "sort_key",
)
# The fields of a person that the workbook carries, in the audit trail's words.
PERSON_COMPARED = (
    "full_name",
    "category",
    "gender",
    "birth_date",
    "ethnicity",
    "unit",
    "position",
    "unit_role",
    "start_date",
    "email",
)


@dataclass
class _Existing:
    units: dict[str, tuple]  # code -> UNIT_FIELDS
    unit_code_by_id: dict[int, str]
    positions: dict[str, tuple]  # code -> POSITION_FIELDS
    position_code_by_id: dict[int, str]
    people: dict[str, tuple]  # staff code -> PERSON_FIELDS

    @classmethod
    def load(cls) -> _Existing:
        units = {row[1]: row for row in Unit.objects.order_by().values_list(*UNIT_FIELDS)}
        positions = {row[1]: row for row in Position.objects.order_by().values_list(*POSITION_FIELDS)}
        people = {
            row[1]: row for row in Person.objects.order_by().values_list(*PERSON_FIELDS).iterator(chunk_size=BATCH_SIZE)
        }
        return cls(
            units=units,
            unit_code_by_id={row[0]: code for code, row in units.items()},
            positions=positions,
            position_code_by_id={row[0]: code for code, row in positions.items()},
            people=people,
        )


@dataclass(slots=True)
class _UnitPlan:
    code: str
    name: str
    parent_code: str
    row: int


@dataclass(slots=True)
class _PositionPlan:
    code: str
    values: dict  # as services.position_values
    row: int


@dataclass(slots=True)
class _PersonPlan:
    staff_code: str
    values: dict  # PERSON_COMPARED, with unit and position as codes
    row: int


@dataclass
class _Plan:
    units: list[_UnitPlan] = field(default_factory=list)
    positions: list[_PositionPlan] = field(default_factory=list)
    people: list[_PersonPlan] = field(default_factory=list)
    file_staff_codes: set[str] = field(default_factory=set)


def _as_read(value) -> str:
    return value or ""


class _Checker:
    def __init__(self, data: OrgData, existing: _Existing, *, cleaned: bool = False):
        # Text read from a workbook is clean already; plain data from elsewhere is cleaned here.
        self.clean = _as_read if cleaned else clean_text
        self.data = data
        self.existing = existing
        self.issues: list[ImportIssue] = []
        self.plan = _Plan()

    def issue(self, sheet: str, row: int, column: str, message: str) -> None:
        self.issues.append(ImportIssue(sheet, row or None, column, message))

    def required(self, sheet: str, row: int, column: str, value: str) -> bool:
        if not value:
            self.issue(sheet, row, column, _("A value is required."))
            return False
        return True

    def length(self, sheet: str, row: int, column: str, value: str, limit: int) -> None:
        if len(value) > limit:
            self.issue(
                sheet,
                row,
                column,
                _("Too long: %(length)d characters, at most %(limit)d.") % {"length": len(value), "limit": limit},
            )

    def run(self) -> _Plan:
        self.check_units()
        self.check_positions()
        self.check_people()
        return self.plan

    # --- units --------------------------------------------------------------------------------
    def check_units(self) -> None:
        sheet = SHEET_UNITS
        code_limit, name_limit = _max_length(Unit, "code"), _max_length(Unit, "name")
        first_row: dict[str, int] = {}
        for unit in self.data.units:
            code, name, parent = clean_text(unit.code), clean_text(unit.name), clean_text(unit.parent_code)
            if self.required(sheet, unit.row, UNIT_CODE, code):
                self.length(sheet, unit.row, UNIT_CODE, code, code_limit)
            if self.required(sheet, unit.row, UNIT_NAME, name):
                self.length(sheet, unit.row, UNIT_NAME, name, name_limit)
            if not code:
                continue
            if code in first_row:
                self.issue(
                    sheet,
                    unit.row,
                    UNIT_CODE,
                    _("The unit code %(code)s is already used in row %(row)d.")
                    % {"code": code, "row": first_row[code]},
                )
                continue
            first_row[code] = unit.row
            self.plan.units.append(_UnitPlan(code=code, name=name, parent_code=parent, row=unit.row))

        in_file = {unit.code: unit for unit in self.plan.units}
        known = in_file.keys() | self.existing.units.keys()
        # The tree after the import: the database's, with the file's rows in place of their units.
        code_by_id = self.existing.unit_code_by_id
        final_parent: dict[str, str | None] = {
            code: code_by_id.get(row[3], "") if row[3] else "" for code, row in self.existing.units.items()
        }
        for unit in self.plan.units:
            if unit.parent_code and unit.parent_code not in known:
                self.issue(
                    sheet,
                    unit.row,
                    UNIT_PARENT,
                    _("There is no unit with the code %(code)s, neither in this sheet nor in the system.")
                    % {"code": unit.parent_code},
                )
                final_parent[unit.code] = None  # unknown: left out of the tree checks
            else:
                final_parent[unit.code] = unit.parent_code

        self._check_cycles(in_file, final_parent)

        tops = [code for code, parent in final_parent.items() if parent == ""]
        if len(tops) > 1:
            names = ", ".join(sorted(tops))
            for code in tops:
                if code in in_file:
                    self.issue(
                        sheet,
                        in_file[code].row,
                        UNIT_PARENT,
                        _("More than one top unit (%(units)s): only the agency's top unit has no parent unit.")
                        % {"units": names},
                    )

    def _check_cycles(self, in_file: dict[str, _UnitPlan], final_parent: dict[str, str | None]) -> None:
        state: dict[str, int] = {}  # 1: on the current walk, 2: known to reach the top
        for start in in_file:
            walk: list[str] = []
            code: str | None = start
            while code and state.get(code, 0) == 0:
                state[code] = 1
                walk.append(code)
                code = final_parent.get(code)
            if code and state.get(code) == 1:
                cycle = walk[walk.index(code) :]
                chain = " → ".join([*cycle, cycle[0]])
                for member in cycle:
                    if member in in_file:
                        self.issue(
                            SHEET_UNITS,
                            in_file[member].row,
                            UNIT_PARENT,
                            _("The unit %(code)s would be inside itself: %(chain)s.")
                            % {"code": member, "chain": chain},
                        )
            for code in walk:
                state[code] = 2

    # --- positions ----------------------------------------------------------------------------
    def check_positions(self) -> None:
        sheet = SHEET_POSITIONS
        if self.data.positions and not (self.existing.units or self.data.units):
            self.issue(
                SHEET_UNITS,
                0,
                UNIT_CODE,
                _("The system has no units yet: the sheet must list the agency's units, starting with its top unit."),
            )
        limits = {
            POSITION_CODE: _max_length(Position, "code"),
            POSITION_TITLE: _max_length(Position, "title"),
            POSITION_RANK: _max_length(Position, "rank"),
        }
        first_row: dict[str, int] = {}
        for position in self.data.positions:
            code, title, rank = clean_text(position.code), clean_text(position.title), clean_text(position.rank)
            if self.required(sheet, position.row, POSITION_CODE, code):
                self.length(sheet, position.row, POSITION_CODE, code, limits[POSITION_CODE])
            if self.required(sheet, position.row, POSITION_TITLE, title):
                self.length(sheet, position.row, POSITION_TITLE, title, limits[POSITION_TITLE])
            self.length(sheet, position.row, POSITION_RANK, rank, limits[POSITION_RANK])
            if not code:
                continue
            if code in first_row:
                self.issue(
                    sheet,
                    position.row,
                    POSITION_CODE,
                    _("The position code %(code)s is already used in row %(row)d.")
                    % {"code": code, "row": first_row[code]},
                )
                continue
            first_row[code] = position.row
            values = {
                "code": code,
                "title": title,
                "rank": rank,
                "is_leadership": bool(position.is_leadership),
                "duties": clean_multiline(position.duties),
                "standards": clean_multiline(position.standards),
            }
            self.plan.positions.append(_PositionPlan(code=code, values=values, row=position.row))

    # --- people -------------------------------------------------------------------------------
    def check_people(self) -> None:
        sheet = SHEET_PEOPLE
        limits = {
            PERSON_CODE: _max_length(Person, "staff_code"),
            PERSON_NAME: _max_length(Person, "full_name"),
            PERSON_ETHNICITY: _max_length(Person, "ethnicity"),
            PERSON_EMAIL: _max_length(Person, "email"),
        }
        known_units = {unit.code for unit in self.plan.units} | self.existing.units.keys()
        known_positions = {position.code for position in self.plan.positions} | self.existing.positions.keys()
        unit_names = {code: row[2] for code, row in self.existing.units.items()}
        unit_names.update({unit.code: unit.name for unit in self.plan.units})
        categories, genders, roles = set(Category.values), {*Gender.values, ""}, set(UnitRole.values)
        validate_email = _EmailValidator()
        first: dict[str, PersonRow] = {}
        file_heads: dict[str, list[PersonRow]] = defaultdict(list)

        for person in self.data.people:
            row = person.row
            clean = self.clean
            code, name = clean(person.staff_code), clean(person.full_name)
            unit_code, position_code = clean(person.unit_code), clean(person.position_code)
            ethnicity, email = clean(person.ethnicity), clean(person.email).lower()
            if self.required(sheet, row, PERSON_CODE, code):
                self.length(sheet, row, PERSON_CODE, code, limits[PERSON_CODE])
            if self.required(sheet, row, PERSON_NAME, name):
                self.length(sheet, row, PERSON_NAME, name, limits[PERSON_NAME])
            self.length(sheet, row, PERSON_ETHNICITY, ethnicity, limits[PERSON_ETHNICITY])
            # None: the reader already reported a word that is not a category.
            if person.category is not None and self.required(sheet, row, PERSON_CATEGORY, person.category):
                if person.category not in categories:
                    self._unknown_choice(row, PERSON_CATEGORY, person.category, CATEGORY_WORDS)
            if person.gender not in genders:
                self._unknown_choice(row, PERSON_GENDER, person.gender, GENDER_WORDS)
            if person.unit_role not in roles:
                self._unknown_choice(row, PERSON_ROLE, person.unit_role, UNIT_ROLE_WORDS)
            if email:
                if len(email) > limits[PERSON_EMAIL]:
                    self.length(sheet, row, PERSON_EMAIL, email, limits[PERSON_EMAIL])
                else:
                    try:
                        validate_email(email)
                    except ValidationError:
                        self.issue(
                            sheet, row, PERSON_EMAIL, _("“%(value)s” is not a valid e-mail address.") % {"value": email}
                        )
            if self.required(sheet, row, PERSON_UNIT, unit_code) and unit_code not in known_units:
                self.issue(
                    sheet,
                    row,
                    PERSON_UNIT,
                    _("There is no unit with the code %(code)s, neither in the sheet “%(sheet)s” nor in the system.")
                    % {"code": unit_code, "sheet": SHEET_UNITS},
                )
            if position_code and position_code not in known_positions:
                self.issue(
                    sheet,
                    row,
                    PERSON_POSITION,
                    _(
                        "There is no job position with the code %(code)s, neither in the sheet “%(sheet)s” nor in the system."
                    )
                    % {"code": position_code, "sheet": SHEET_POSITIONS},
                )
            if not code:
                continue
            is_head = person.unit_role == UnitRole.HEAD
            if code in first:
                earlier = first[code]
                self.issue(
                    sheet,
                    row,
                    PERSON_CODE,
                    _("The staff code %(code)s is already used in row %(row)d.") % {"code": code, "row": earlier.row},
                )
                if is_head and earlier.unit_role == UnitRole.HEAD and clean_text(earlier.unit_code) != unit_code:
                    self.issue(
                        sheet,
                        row,
                        PERSON_ROLE,
                        _(
                            "%(name)s (%(code)s) is already head of %(unit)s in row %(row)d: a person can head only one unit."
                        )
                        % {"name": name, "code": code, "unit": clean_text(earlier.unit_code), "row": earlier.row},
                    )
                continue
            first[code] = person
            if is_head and unit_code:
                file_heads[unit_code].append(person)
            self.plan.people.append(
                _PersonPlan(
                    staff_code=code,
                    values={
                        "full_name": name,
                        "category": person.category or "",
                        "gender": person.gender or "",
                        "birth_date": person.birth_date,
                        "ethnicity": ethnicity,
                        "unit": unit_code,
                        "position": position_code or None,
                        "unit_role": person.unit_role,
                        "start_date": person.start_date,
                        "email": email,
                    },
                    row=row,
                )
            )
        self.plan.file_staff_codes = set(first)
        self._check_heads(file_heads, unit_names)

    def _unknown_choice(self, row: int, column: str, value: str, words: Iterable[str]) -> None:
        self.issue(
            SHEET_PEOPLE,
            row,
            column,
            _("“%(value)s” is not one of the allowed values: %(allowed)s.")
            % {"value": value, "allowed": ", ".join(f"“{word}”" if word else _("(empty)") for word in words)},
        )

    def _check_heads(self, file_heads: dict[str, list[PersonRow]], unit_names: dict[str, str]) -> None:
        """One head per unit, counting the heads in the system who are not in the file (they stay)."""
        code_by_id = self.existing.unit_code_by_id
        staying: dict[str, tuple] = {}
        for staff_code, row in self.existing.people.items():
            # row: id, staff_code, full_name, ..., unit_id(7), ..., unit_role(9), ..., is_active(12)
            if row[9] == UnitRole.HEAD and row[12] and staff_code not in self.plan.file_staff_codes:
                staying[code_by_id[row[7]]] = row
        for unit_code, heads in file_heads.items():
            unit_label = f"{unit_names.get(unit_code, unit_code)} ({unit_code})"
            holder = staying.get(unit_code)
            if holder is not None:
                for person in heads:
                    self.issue(
                        SHEET_PEOPLE,
                        person.row,
                        PERSON_ROLE,
                        _(
                            "%(unit)s already has a head in the system, %(name)s (%(code)s), who is not in the file; "
                            "a unit has only one head. Add that person to the file with their new role, or change this row."
                        )
                        % {"unit": unit_label, "name": holder[2], "code": holder[1]},
                    )
                continue
            for person in heads[1:]:
                self.issue(
                    SHEET_PEOPLE,
                    person.row,
                    PERSON_ROLE,
                    _("%(unit)s already has a head in row %(row)d (%(name)s); a unit has only one head.")
                    % {"unit": unit_label, "row": heads[0].row, "name": clean_text(heads[0].full_name)},
                )


def _sorted_issues(issues: Iterable[ImportIssue]) -> list[ImportIssue]:
    return sorted(
        issues,
        key=lambda issue: (SHEET_ORDER.get(issue.sheet, -1), issue.row or 0, COLUMN_ORDER.get(issue.column, -1)),
    )


# =============================================================================================
# Writing
# =============================================================================================
NEW_PERSON_COLUMNS = (
    "staff_code",
    "full_name",
    "sort_key",
    "search_name",
    "category",
    "gender",
    "birth_date",
    "ethnicity",
    "unit",
    "position",
    "unit_role",
    "start_date",
    "email",
    "is_active",
    "version",
)
NEW_POSTING_COLUMNS = ("person", "unit", "position", "unit_role", "start_date", "end_date", "reason")


class _StaleRecord(Exception):
    def __init__(self, staff_code: str):
        self.staff_code = staff_code


@dataclass(slots=True)
class _PersonChange:
    plan: _PersonPlan
    row: tuple  # PERSON_FIELDS, as read before the checks
    before: dict  # PERSON_COMPARED
    changed: list[str]

    @property
    def moves(self) -> bool:
        return "unit" in self.changed or "unit_role" in self.changed


class _Writer:
    """Sorts the checked plan into what is new, changed and unchanged (no query), then writes it."""

    def __init__(self, plan: _Plan, existing: _Existing, report: ImportReport, *, actor, actor_label, reason: str):
        self.plan = plan
        self.existing = existing
        self.report = report
        self.actor = actor
        self.actor_label = actor_label
        self.reason = clean_text(reason)
        self.action_id = uuid.uuid4()
        self.today = timezone.localdate()
        self.drafts: list[AuditDraft] = []
        self.unit_id_by_code = {code: row[0] for code, row in existing.units.items()}
        self.position_id_by_code = {code: row[0] for code, row in existing.positions.items()}
        self._name_keys: dict[str, tuple[str, str]] = {}
        self._sort()

    # --- what changes -------------------------------------------------------------------------
    def _sort(self) -> None:
        code_by_id = self.existing.unit_code_by_id
        self.new_units: list[_UnitPlan] = []
        self.changed_units: list[tuple[_UnitPlan, tuple, dict, list[str]]] = []
        for unit in self.plan.units:
            row = self.existing.units.get(unit.code)
            if row is None:
                self.new_units.append(unit)
                continue
            before = {"name": row[2], "parent": code_by_id.get(row[3]) if row[3] else None}
            after = {"name": unit.name, "parent": unit.parent_code or None}
            changed = [key for key in after if before[key] != after[key]]
            if changed:
                self.changed_units.append((unit, row, before, changed))
            else:
                self.report.units.unchanged += 1

        self.new_positions: list[_PositionPlan] = []
        self.changed_positions: list[tuple[_PositionPlan, int, dict, list[str]]] = []
        for position in self.plan.positions:
            row = self.existing.positions.get(position.code)
            if row is None:
                self.new_positions.append(position)
                continue
            before = dict(zip(POSITION_FIELDS[1:], row[1:], strict=True))
            changed = [key for key, value in position.values.items() if before[key] != value]
            if changed:
                self.changed_positions.append((position, row[0], before, changed))
            else:
                self.report.positions.unchanged += 1

        self.new_people: list[_PersonPlan] = []
        self.changed_people: list[_PersonChange] = []
        for person in self.plan.people:
            row = self.existing.people.get(person.staff_code)
            if row is None:
                self.new_people.append(person)
                continue
            before = self._stored_values(row)
            changed = [key for key in PERSON_COMPARED if before[key] != person.values[key]]
            if changed:
                self.changed_people.append(_PersonChange(person, row, before, changed))
            else:
                self.report.people.unchanged += 1

    @property
    def has_changes(self) -> bool:
        return bool(
            self.new_units
            or self.changed_units
            or self.new_positions
            or self.changed_positions
            or self.new_people
            or self.changed_people
        )

    def _stored_values(self, row: tuple) -> dict:
        return {
            "full_name": row[2],
            "category": row[3],
            "gender": row[4],
            "birth_date": row[5],
            "ethnicity": row[6],
            "unit": self.existing.unit_code_by_id.get(row[7]),
            "position": self.existing.position_code_by_id.get(row[8]) if row[8] else None,
            "unit_role": row[9],
            "start_date": row[10],
            "email": row[11],
        }

    # --- audit --------------------------------------------------------------------------------
    def audit(self, event: str, subject: Subject, *, old: dict | None = None, new: dict | None = None) -> None:
        self.drafts.append(AuditDraft(event=event, subject=subject, old=old, new=new, reason=self.reason))
        if len(self.drafts) >= BATCH_SIZE:
            self.flush_audit()

    def flush_audit(self) -> None:
        if self.drafts:
            audit_record_many(
                actor=self.actor, drafts=self.drafts, actor_label=self.actor_label, action_id=self.action_id
            )
            self.drafts = []

    # --- writing ------------------------------------------------------------------------------
    def run(self) -> None:
        """Write everything; the caller holds the transaction."""
        agency = self.agency()
        self.write_units(agency)
        self.write_positions(agency)
        self.write_people()
        counts = self.report
        self.audit(
            events.ORG_IMPORTED,
            Subject(type=Agency._meta.label_lower, id=str(agency.pk), label=str(agency)[:300]),
            new={
                "units": {"created": counts.units.created, "updated": counts.units.updated},
                "positions": {"created": counts.positions.created, "updated": counts.positions.updated},
                "people": {"created": counts.people.created, "updated": counts.people.updated},
                "missing_people": len(counts.missing_people),
            },
        )
        self.flush_audit()

    def agency(self) -> Agency:
        agency = default_agency()
        if agency is not None:
            return agency
        # A first import into an empty system: the agency is named after its top unit.
        from congtam.org.services import agency_create

        top = next(unit for unit in self.plan.units if not unit.parent_code)
        return agency_create(actor=self.actor, code=top.code, name=top.name)

    def write_units(self, agency: Agency) -> None:
        existing, code_by_id = self.existing.units, self.existing.unit_code_by_id
        if not (self.new_units or self.changed_units):
            return
        new_ids = reserve_ids(Unit, len(self.new_units))
        self.unit_id_by_code.update(zip((unit.code for unit in self.new_units), new_ids, strict=True))

        # The whole tree after the import, by code: (name, parent code). Paths are recomputed for
        # every unit so that the subtree of a moved unit follows it.
        tree = {code: (row[2], code_by_id.get(row[3], "") if row[3] else "") for code, row in existing.items()}
        tree.update({unit.code: (unit.name, unit.parent_code) for unit in self.plan.units})
        paths: dict[str, tuple[str, int]] = {}

        def path_of(code: str) -> tuple[str, int]:
            chain = []
            while code and code not in paths:
                chain.append(code)
                code = tree[code][1]
            path, depth = paths[code] if code else ("", -1)
            for member in reversed(chain):
                path += f"{self.unit_id_by_code[member]:0{PATH_WIDTH}d}/"
                depth += 1
                paths[member] = (path, depth)
            return paths[chain[0]] if chain else paths[code]

        created, to_update = [], []
        for code, (name, parent_code) in tree.items():
            path, depth = path_of(code)
            unit_id = self.unit_id_by_code[code]
            parent_id = self.unit_id_by_code[parent_code] if parent_code else None
            row = existing.get(code)
            if row is None:
                created.append((unit_id, (agency.pk, code, name, parent_id, path, depth, 0)))
            elif (row[2], row[3], row[4], row[5]) != (name, parent_id, path, depth):
                to_update.append(Unit(pk=unit_id, name=name, parent_id=parent_id, path=path, depth=depth))
        created.sort(key=lambda unit: unit[1][5])  # parents before their children
        copy_rows(
            Unit,
            ("agency", "code", "name", "parent", "path", "depth", "sibling_order"),
            [unit_id for unit_id, _row in created],
            [row for _unit_id, row in created],
        )
        for batch in _batched(to_update):
            Unit.objects.bulk_update(batch, ["name", "parent", "path", "depth"])

        label = Unit._meta.label_lower
        for unit in self.new_units:
            self.report.units.created += 1
            self.audit(
                events.UNIT_CREATED,
                Subject(type=label, id=str(self.unit_id_by_code[unit.code]), label=unit.name[:300]),
                new={"code": unit.code, "name": unit.name, "parent": unit.parent_code or None},
            )
        for unit, row, before, changed in self.changed_units:
            self.report.units.updated += 1
            after = {"name": unit.name, "parent": unit.parent_code or None}
            self.audit(
                events.UNIT_MOVED if "parent" in changed else events.UNIT_UPDATED,
                Subject(type=label, id=str(row[0]), label=unit.name[:300]),
                old={key: before[key] for key in changed},
                new={key: after[key] for key in changed},
            )

    def write_positions(self, agency: Agency) -> None:
        label = Position._meta.label_lower
        created = [Position(agency=agency, **position.values) for position in self.new_positions]
        for batch in _batched(created):
            Position.objects.bulk_create(batch)
        for position, instance in zip(self.new_positions, created, strict=True):
            self.position_id_by_code[position.code] = instance.pk
            self.report.positions.created += 1
            self.audit(
                events.POSITION_CREATED,
                Subject(type=label, id=str(instance.pk), label=instance.title[:300]),
                new=position.values,
            )

        if not self.changed_positions:
            return
        fields = sorted({key for *_ignored, changed in self.changed_positions for key in changed})
        instances = [Position(pk=pk, **position.values) for position, pk, _before, _changed in self.changed_positions]
        for batch in _batched(instances):
            Position.objects.bulk_update(batch, fields)
        for position, pk, before, changed in self.changed_positions:
            self.report.positions.updated += 1
            self.audit(
                events.POSITION_UPDATED,
                Subject(type=label, id=str(pk), label=position.values["title"][:300]),
                old={key: before[key] for key in changed},
                new={key: position.values[key] for key in changed},
            )

    def write_people(self) -> None:
        # Changes first: a head who steps down makes room for a new head created below.
        if self.changed_people:
            self._update_people(self.changed_people)
        for batch in _batched(self.new_people):
            self._create_people(batch)

    def _keys(self, full_name: str) -> tuple[str, str]:
        """Sort and search keys of a name; names repeat a lot in an agency, so they are cached."""
        keys = self._name_keys.get(full_name)
        if keys is None:
            keys = self._name_keys[full_name] = (name_sort_key(full_name), search_key(full_name))
        return keys

    def _person(self, person: _PersonPlan, **extra) -> Person:
        values = person.values
        sort_key, search_name = self._keys(values["full_name"])
        return Person(
            staff_code=person.staff_code,
            full_name=values["full_name"],
            sort_key=sort_key,
            search_name=search_name,
            category=values["category"],
            gender=values["gender"],
            birth_date=values["birth_date"],
            ethnicity=values["ethnicity"],
            unit_id=self.unit_id_by_code[values["unit"]],
            position_id=self.position_id_by_code[values["position"]] if values["position"] else None,
            unit_role=values["unit_role"],
            start_date=values["start_date"],
            email=values["email"],
            **extra,
        )

    def _create_people(self, batch: list[_PersonPlan]) -> None:
        people = []
        for person in batch:
            values = person.values
            people.append(
                (
                    person.staff_code,
                    values["full_name"],
                    *self._keys(values["full_name"]),
                    values["category"],
                    values["gender"],
                    values["birth_date"],
                    values["ethnicity"],
                    self.unit_id_by_code[values["unit"]],
                    self.position_id_by_code[values["position"]] if values["position"] else None,
                    values["unit_role"],
                    values["start_date"],
                    values["email"],
                    True,
                    1,
                )
            )
        ids = insert_rows(Person, NEW_PERSON_COLUMNS, people)
        insert_rows(
            Posting,
            NEW_POSTING_COLUMNS,
            [
                # person, unit, position, role, from (the start date, else today), to, reason
                (person_id, row[8], row[9], row[10], row[11] or self.today, None, self.reason)
                for person_id, row in zip(ids, people, strict=True)
            ],
        )
        label = Person._meta.label_lower
        for plan, person_id in zip(batch, ids, strict=True):
            self.report.people.created += 1
            self.audit(
                events.PERSON_CREATED,
                Subject(type=label, id=str(person_id), label=plan.values["full_name"][:300]),
                new={"staff_code": plan.staff_code, **plan.values, "is_active": True},
            )

    def _update_people(self, changes: list[_PersonChange]) -> None:
        # Someone may have saved a person since they were read: refuse rather than overwrite.
        for batch in _batched(changes):
            versions = dict(
                Person.objects.select_for_update()
                .filter(pk__in=[change.row[0] for change in batch])
                .order_by()
                .values_list("pk", "version")
            )
            for change in batch:
                if versions.get(change.row[0]) != change.row[13]:
                    raise _StaleRecord(change.plan.staff_code)

        # The database checks "one head per unit" row by row: heads who change unit or role step
        # down first, so that their successors can be written in any order.
        leaving_heads = [change.row[0] for change in changes if change.moves and change.row[9] == UnitRole.HEAD]
        for batch in _batched(leaving_heads):
            Person.objects.filter(pk__in=batch).update(unit_role=UnitRole.MEMBER)

        fields = {"version"}
        for change in changes:
            fields.update(change.changed)
            if "full_name" in change.changed:
                fields.update(("sort_key", "search_name"))
        instances = [self._person(change.plan, pk=change.row[0], version=change.row[13] + 1) for change in changes]
        for batch in _batched(instances):
            Person.objects.bulk_update(batch, sorted(fields))

        open_postings = self._open_postings()
        closing, opening, repositioned = [], [], []
        transfer_dates: dict[int, date] = {}
        for change, instance in zip(changes, instances, strict=True):
            person_id = change.row[0]
            current = open_postings.get(person_id)
            if change.moves:
                on = max(self.today, current[1]) if current else self.today
                transfer_dates[person_id] = on
                if current:
                    closing.append(Posting(pk=current[0], end_date=on))
                opening.append(
                    Posting(
                        person_id=person_id,
                        unit_id=instance.unit_id,
                        position_id=instance.position_id,
                        unit_role=instance.unit_role,
                        start_date=on,
                        reason=self.reason,
                    )
                )
            elif "position" in change.changed and current:
                repositioned.append(Posting(pk=current[0], position_id=instance.position_id))
        for batch in _batched(closing):
            Posting.objects.bulk_update(batch, ["end_date"])
        for batch in _batched(opening):
            Posting.objects.bulk_create(batch)
        for batch in _batched(repositioned):
            Posting.objects.bulk_update(batch, ["position"])

        label = Person._meta.label_lower
        for change in changes:
            self.report.people.updated += 1
            old = {key: change.before[key] for key in change.changed}
            new = {key: change.plan.values[key] for key in change.changed}
            if "unit" in change.changed:
                event = events.PERSON_TRANSFERRED
            elif "unit_role" in change.changed:
                event = events.PERSON_ROLE_CHANGED
            else:
                event = events.PERSON_UPDATED
            if change.row[0] in transfer_dates:
                new["from"] = transfer_dates[change.row[0]]
            self.audit(
                event,
                Subject(type=label, id=str(change.row[0]), label=change.plan.values["full_name"][:300]),
                old=old,
                new=new,
            )

    @staticmethod
    def _open_postings() -> dict[int, tuple[int, date]]:
        """person id -> (open posting id, its start); one query whatever the number of people."""
        return {
            person_id: (posting_id, start)
            for posting_id, person_id, start in Posting.objects.filter(end_date__isnull=True)
            .order_by()
            .values_list("id", "person_id", "start_date")
            .iterator(chunk_size=BATCH_SIZE)
        }


# =============================================================================================
# Entry points
# =============================================================================================
def import_org_data(data: OrgData, *, actor, reason: str = "", actor_label: str | None = None) -> ImportReport:
    """Check ``data`` and, when nothing is wrong, write it: all or nothing (see the module)."""
    return _import(data, [], actor=actor, reason=reason, actor_label=actor_label)


def import_workbook(source, *, actor, reason: str = "", actor_label: str | None = None) -> ImportReport:
    """Read the workbook and import it; problems found while reading are reported together with
    those found by the checks, and nothing is written if there is any."""
    data, issues, complete = _read(source)
    if not complete:
        return ImportReport(errors=_sorted_issues(issues))  # the file's shape is wrong: nothing to check
    return _import(data, issues, actor=actor, reason=reason, actor_label=actor_label, cleaned=True)


def _import(
    data: OrgData, read_issues: list[ImportIssue], *, actor, reason: str, actor_label: str | None, cleaned: bool = False
) -> ImportReport:
    existing = _Existing.load()
    checker = _Checker(data, existing, cleaned=cleaned)
    plan = checker.run()
    reported = {(issue.sheet, issue.row, issue.column) for issue in read_issues}
    issues = read_issues + [issue for issue in checker.issues if (issue.sheet, issue.row, issue.column) not in reported]
    report = ImportReport(errors=_sorted_issues(issues))
    missing = [
        (row[14], row[1], row[2])
        for staff_code, row in existing.people.items()
        if row[12] and staff_code not in plan.file_staff_codes
    ]
    report.missing_people = [(code, name) for _sort, code, name in sorted(missing)]
    if not report.ok:
        return report
    writer = _Writer(plan, existing, report, actor=actor, actor_label=actor_label, reason=reason)
    if not writer.has_changes:
        return report  # nothing to write, and so nothing to record
    try:
        with transaction.atomic(), _sqlite_page_cache():
            writer.run()
    except _StaleRecord as stale:
        return _failed(
            report,
            _(
                "Someone changed the record of %(code)s while the file was being imported. Nothing was written: "
                "import the file again."
            )
            % {"code": stale.staff_code},
        )
    except DatabaseError as error:
        logger.exception("The database refused an organisation import")
        return _failed(
            report, _("The database refused the import (%(error)s). Nothing was written.") % {"error": error}
        )
    return report


@contextmanager
def _sqlite_page_cache(kibibytes: int = 256 * 1024):
    """A larger page cache for SQLite while the import writes: its default 2 MiB makes every index
    insertion of 100,000 people read pages back from the file. Restored afterwards."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = -{int(kibibytes)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")


def _failed(report: ImportReport, message: str) -> ImportReport:
    return ImportReport(errors=[ImportIssue("", None, "", message)], missing_people=report.missing_people)
