"""The agencies of the workbook: the sheet "Cơ quan" checked against itself and the database, and
the rows of the other sheets sorted into one group per agency.

Each group is then checked by :class:`~congtam.org.importer.check._Checker` against what its
agency holds, as a workbook of one agency is: unit, position and staff codes are unique within
an agency, so the same unit code in two agencies is fine. A workbook without the sheet (or with
an empty one) holds one agency: the installation's top agency, or, in an empty system, one made
from its top unit. Nothing here writes: see :mod:`congtam.org.importer.write`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from congtam.core.spreadsheets import ImportIssue
from congtam.org.models import Agency, UnitRole
from congtam.org.orgdata import (
    AGENCY_CODE,
    AGENCY_COLUMNS,
    SHEET_AGENCIES,
    SHEET_PEOPLE,
    SHEET_POSITIONS,
    SHEET_UNITS,
    OrgData,
)
from congtam.vietnamese import clean_text

from .check import _as_read, _Existing, _max_length, _Plan

(_CODE, AGENCY_NAME, AGENCY_PARENT, AGENCY_HEAD) = AGENCY_COLUMNS

# Existing agencies, as tuples; an installation holds a few hundred at most, loaded at once.
AGENCY_FIELDS = ("id", "code", "name", "parent_id", "path", "depth")

# The key of the group of a workbook without agencies, into an empty system: its agency is made
# from the top unit when the import is written.
NEW_FROM_TOP_UNIT = ""


@dataclass(slots=True)
class _AgencyPlan:
    code: str
    name: str
    parent_code: str
    head_code: str
    row: int


@dataclass
class _Group:
    """The rows of one agency, and once checked, what the import does to it."""

    code: str  # the agency's code, or NEW_FROM_TOP_UNIT
    agency_id: int | None  # None: an agency the import creates
    data: OrgData = field(default_factory=OrgData)
    has_rows: bool = False  # rows in the sheets of units, positions or people
    listed: bool = False  # whether the file has agencies in its sheet "Cơ quan"
    existing: _Existing | None = None
    plan: _Plan | None = None
    missing_people: list[tuple[str, str]] = field(default_factory=list)

    @property
    def compares_people(self) -> bool:
        """Whether the file stands for this agency's people, so that those it leaves out are
        reported: a workbook of one agency always does; an agency named only in the sheet "Cơ
        quan" does not."""
        return self.has_rows or not self.listed


@dataclass
class _AgencyCheck:
    """The plan of the agency level: the agencies of the file, the groups, and the problems."""

    agencies: list[_AgencyPlan] = field(default_factory=list)
    groups: list[_Group] = field(default_factory=list)
    issues: list[ImportIssue] = field(default_factory=list)
    # code -> AGENCY_FIELDS, and code -> parent code ("" at the top) of the tree after the import.
    existing: dict[str, tuple] = field(default_factory=dict)
    final_parent: dict[str, str | None] = field(default_factory=dict)
    missing: list[tuple[str, str]] = field(default_factory=list)  # (code, name) not in the sheet


def _load_agencies() -> dict[str, tuple]:
    return {row[1]: row for row in Agency.objects.order_by("path", "id").values_list(*AGENCY_FIELDS)}


class _AgencyChecker:
    def __init__(self, data: OrgData, *, cleaned: bool = False):
        self.clean = _as_read if cleaned else clean_text
        self.data = data
        self.result = _AgencyCheck(existing=_load_agencies())

    def issue(self, sheet: str, row: int, column: str, message: str) -> None:
        self.result.issues.append(ImportIssue(sheet, row or None, column, message))

    def run(self) -> _AgencyCheck:
        self.check_agencies()
        self.group_rows()
        if self.data.agencies:
            in_sheet = {self.clean(agency.code) for agency in self.data.agencies}
            self.result.missing = [(code, row[2]) for code, row in self.result.existing.items() if code not in in_sheet]
        return self.result

    # --- the sheet "Cơ quan" ------------------------------------------------------------------
    def check_agencies(self) -> None:
        sheet, existing = SHEET_AGENCIES, self.result.existing
        code_limit, name_limit = _max_length(Agency, "code"), _max_length(Agency, "name")
        first_row: dict[str, int] = {}
        for agency in self.data.agencies:
            code, name = self.clean(agency.code), self.clean(agency.name)
            parent, head = self.clean(agency.parent_code), self.clean(agency.head_code)
            if self._required(agency.row, AGENCY_CODE, code):
                self._length(agency.row, AGENCY_CODE, code, code_limit)
            if self._required(agency.row, AGENCY_NAME, name):
                self._length(agency.row, AGENCY_NAME, name, name_limit)
            if not code:
                continue
            if code in first_row:
                self.issue(
                    sheet,
                    agency.row,
                    AGENCY_CODE,
                    _("The agency code %(code)s is already used in row %(row)d.")
                    % {"code": code, "row": first_row[code]},
                )
                continue
            first_row[code] = agency.row
            self.result.agencies.append(_AgencyPlan(code, name, parent, head, agency.row))

        in_file = {agency.code: agency for agency in self.result.agencies}
        code_by_id = {row[0]: code for code, row in existing.items()}
        final_parent: dict[str, str | None] = {
            code: code_by_id.get(row[3], "") if row[3] else "" for code, row in existing.items()
        }
        for agency in self.result.agencies:
            stored = existing.get(agency.code)
            if agency.parent_code and agency.parent_code not in in_file and agency.parent_code not in existing:
                self.issue(
                    sheet,
                    agency.row,
                    AGENCY_PARENT,
                    _("There is no agency with the code %(code)s, neither in this sheet nor in the system.")
                    % {"code": agency.parent_code},
                )
                final_parent[agency.code] = None  # unknown: left out of the tree checks
            elif stored is not None and final_parent[agency.code] != agency.parent_code:
                self._refuse_move(agency, final_parent[agency.code])
            else:
                final_parent[agency.code] = agency.parent_code
        self.result.final_parent = final_parent
        self._check_cycles(in_file, final_parent)

    def _refuse_move(self, agency: _AgencyPlan, current: str) -> None:
        if current:
            message = _(
                "In the system the agency %(code)s is under %(parent)s; an import does not move an agency to "
                "another superior agency. Write %(parent)s here."
            ) % {"code": agency.code, "parent": current}
        else:
            message = _(
                "In the system the agency %(code)s has no superior agency; an import does not move an agency "
                "under another. Leave this cell empty."
            ) % {"code": agency.code}
        self.issue(SHEET_AGENCIES, agency.row, AGENCY_PARENT, message)

    def _check_cycles(self, in_file: dict[str, _AgencyPlan], final_parent: dict[str, str | None]) -> None:
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
                            SHEET_AGENCIES,
                            in_file[member].row,
                            AGENCY_PARENT,
                            _("The agency %(code)s would be under itself: %(chain)s.")
                            % {"code": member, "chain": chain},
                        )
                        final_parent[member] = None  # out of the tree: the writer never walks it
            for code in walk:
                state[code] = 2

    def _required(self, row: int, column: str, value: str) -> bool:
        if not value:
            self.issue(SHEET_AGENCIES, row, column, _("A value is required."))
            return False
        return True

    def _length(self, row: int, column: str, value: str, limit: int) -> None:
        if len(value) > limit:
            self.issue(
                SHEET_AGENCIES,
                row,
                column,
                _("Too long: %(length)d characters, at most %(limit)d.") % {"length": len(value), "limit": limit},
            )

    # --- the other sheets, by agency -------------------------------------------------------------
    def group_rows(self) -> None:
        existing = self.result.existing
        in_sheet = {self.clean(agency.code) for agency in self.data.agencies} - {""}
        if self.data.agencies:
            # A blank agency code is the file's one agency, when it names only one.
            blank_key = next(iter(in_sheet)) if len(in_sheet) == 1 else None
        else:
            # No agencies in the file: it holds the installation's top agency (see
            # services.default_agency), or one made from its top unit in an empty system.
            tops = [row for row in existing.values() if row[3] is None]
            blank_key = min(tops)[1] if tops else NEW_FROM_TOP_UNIT
        groups: dict[str, _Group] = {}

        def group(code: str) -> _Group:
            found = groups.get(code)
            if found is None:
                stored = existing.get(code)
                found = groups[code] = _Group(
                    code=code, agency_id=stored[0] if stored else None, listed=bool(self.data.agencies)
                )
            return found

        for agency in self.result.agencies:  # named in the sheet: checked for its head too
            if agency.head_code:
                group(agency.code)
        if blank_key is not None and not self.data.agencies:
            group(blank_key)

        for sheet, rows, target in (
            (SHEET_UNITS, self.data.units, "units"),
            (SHEET_POSITIONS, self.data.positions, "positions"),
            (SHEET_PEOPLE, self.data.people, "people"),
        ):
            for row in rows:
                code = self.clean(row.agency_code)
                if not code:
                    if blank_key is None:
                        self.issue(
                            sheet,
                            row.row,
                            AGENCY_CODE,
                            _(
                                "The file lists several agencies in the sheet “%(sheet)s”: say which agency "
                                "this row belongs to."
                            )
                            % {"sheet": SHEET_AGENCIES},
                        )
                        continue
                    code = blank_key
                elif code not in in_sheet and code not in existing:
                    self.issue(
                        sheet,
                        row.row,
                        AGENCY_CODE,
                        _(
                            "There is no agency with the code %(code)s, neither in the sheet “%(sheet)s” nor in the system."
                        )
                        % {"code": code, "sheet": SHEET_AGENCIES},
                    )
                found = group(code)
                found.has_rows = True
                getattr(found.data, target).append(row)
        self.result.groups = list(groups.values())

    # --- the head of each agency, once the groups are checked -----------------------------------
    def check_heads(self) -> None:
        groups = {group.code: group for group in self.result.groups}
        for agency in self.result.agencies:
            if not agency.head_code:
                continue
            group = groups.get(agency.code)
            if group is None or group.plan is None or group.existing is None:
                continue
            self._check_head(agency, group)

    def _check_head(self, agency: _AgencyPlan, group: _Group) -> None:
        existing, plan = group.existing, group.plan
        code_by_id = existing.unit_code_by_id
        tree = {code: code_by_id.get(row[3], "") if row[3] else "" for code, row in existing.units.items()}
        tree.update({unit.code: unit.parent_code for unit in plan.units})
        tops = [code for code, parent in tree.items() if parent == ""]
        top = tops[0] if len(tops) == 1 else None
        found = None  # (name, unit code, role)
        if plan.people:  # the file lists the agency's people: the head is one of them
            person = next((person for person in plan.people if person.staff_code == agency.head_code), None)
            if person is not None:
                found = (person.values["full_name"], person.values["unit"], person.values["unit_role"])
        else:
            row = existing.people.get(agency.head_code)
            if row is not None and row[12]:
                found = (row[2], code_by_id.get(row[7]), row[9])
        if found is None:
            self.issue(
                SHEET_AGENCIES,
                agency.row,
                AGENCY_HEAD,
                _("The agency %(agency)s has no person with the staff code %(code)s.")
                % {"agency": agency.code, "code": agency.head_code},
            )
        elif top is None or found[1] != top or found[2] != UnitRole.HEAD:
            self.issue(
                SHEET_AGENCIES,
                agency.row,
                AGENCY_HEAD,
                _("%(name)s (%(code)s) is not the head of the top unit of the agency %(agency)s.")
                % {"name": found[0], "code": agency.head_code, "agency": agency.code},
            )
