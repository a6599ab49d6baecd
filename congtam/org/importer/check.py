"""Checking the organisation's rows against themselves and the database, every problem collected.

The existing rows are loaded once, as tuples (:class:`_Existing`); the checks turn the rows read
into a plan of what the file holds, cleaned, and a list of issues (sheet, row as Excel shows it,
column, message) sorted as the report shows them. Nothing here writes: see
:mod:`congtam.org.importer.write`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils.translation import gettext as _

from congtam.core.spreadsheets import ImportIssue
from congtam.org.models import Category, Gender, Person, Position, Unit, UnitRole
from congtam.org.orgdata import (
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
    OrgData,
    PersonRow,
)
from congtam.org.services import clean_multiline
from congtam.vietnamese import clean_text

from .read import (
    PERSON_CATEGORY,
    PERSON_CODE,
    PERSON_EMAIL,
    PERSON_ETHNICITY,
    PERSON_GENDER,
    PERSON_NAME,
    PERSON_POSITION,
    PERSON_ROLE,
    PERSON_UNIT,
    POSITION_CODE,
    POSITION_RANK,
    POSITION_TITLE,
    UNIT_CODE,
    UNIT_NAME,
    UNIT_PARENT,
)

BATCH_SIZE = 2000

SHEET_ORDER = {SHEET_AGENCIES: 0, SHEET_UNITS: 1, SHEET_POSITIONS: 2, SHEET_PEOPLE: 3}
COLUMN_ORDER = {
    **{name: index for index, name in enumerate(AGENCY_COLUMNS)},
    **{name: index for index, name in enumerate(UNIT_COLUMNS)},
    **{name: index for index, name in enumerate(POSITION_COLUMNS)},
    **{name: index for index, name in enumerate(PEOPLE_COLUMNS)},
}


def _max_length(model, field_name: str) -> int:
    return model._meta.get_field(field_name).max_length


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
    def load(cls, agency=None) -> _Existing:
        """What the agency holds now (nothing, for an agency the import is about to create)."""
        if agency is None:
            return cls(units={}, unit_code_by_id={}, positions={}, position_code_by_id={}, people={})
        units = {row[1]: row for row in Unit.objects.filter(agency=agency).order_by().values_list(*UNIT_FIELDS)}
        positions = {
            row[1]: row for row in Position.objects.filter(agency=agency).order_by().values_list(*POSITION_FIELDS)
        }
        people = {
            row[1]: row
            for row in Person.objects.filter(agency=agency)
            .order_by()
            .values_list(*PERSON_FIELDS)
            .iterator(chunk_size=BATCH_SIZE)
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
