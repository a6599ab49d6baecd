"""Import of the organisation workbook (agencies, units, job positions, people).

Two steps, both usable on their own:

* :func:`read_workbook` turns an .xlsx file into :class:`~congtam.org.orgdata.OrgData`, reading it
  as a stream with python-calamine, tolerant of case, surrounding spaces and decomposed (NFD)
  Vietnamese in sheet names, headers and choice words;
* :func:`import_org_data` checks the whole of it against itself and the database, and only when
  nothing is wrong writes it, all in one transaction, in batches, with its audit entries.

The import is all-or-nothing: every problem is collected (sheet, row as Excel shows it, column,
message) and on any problem nothing is written. Re-importing the same data changes nothing and
writes no audit entry; people in the database but not in the file are reported, never removed.

One workbook holds one agency or many (the sheet "Cơ quan" and the column "Mã cơ quan" of the
other sheets, both optional): the rows are grouped by agency and each group is checked and written
as a workbook of one agency would be (:mod:`~congtam.org.importer.agencies`). Agencies in the
database but not in the sheet are reported, never removed.

The number of queries does not depend on the number of rows (beyond one per batch of
:data:`~congtam.org.importer.check.BATCH_SIZE`): existing rows are loaded once, as tuples rather
than model instances.

The steps, one module each: :mod:`~congtam.org.importer.read` (workbook to rows, the column names
and words), :mod:`~congtam.org.importer.agencies` (the sheet "Cơ quan" and the rows by agency),
:mod:`~congtam.org.importer.check` (the checks of one agency's rows and the report's issues) and
:mod:`~congtam.org.importer.write` (the database writes and the audit trail); this module ties
them together.
"""

from __future__ import annotations

from congtam.core.spreadsheets import ImportIssue
from congtam.org.orgdata import ImportReport, OrgData

from .agencies import _AgencyChecker
from .check import _Checker, _Existing, _sorted_issues
from .read import _read, read_workbook
from .write import write_plan

__all__ = ["COMMAND_ACTOR_LABEL", "import_org_data", "import_workbook", "read_workbook"]

COMMAND_ACTOR_LABEL = "command:import-org"


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
    agency_checker = _AgencyChecker(data, cleaned=cleaned)
    check = agency_checker.run()
    group_issues: list[ImportIssue] = []
    missing = []
    for group in check.groups:
        group.existing = _Existing.load(group.agency_id)
        checker = _Checker(group.data, group.existing, cleaned=cleaned)
        group.plan = checker.run()
        group_issues += checker.issues
        if group.compares_people:
            left_out = _missing_people(group.existing, group.plan.file_staff_codes)
            group.missing_people = [(code, name) for _sort, code, name in left_out]
            missing += left_out
    agency_checker.check_heads()
    reported = {(issue.sheet, issue.row, issue.column) for issue in read_issues}
    issues = read_issues + [
        issue for issue in check.issues + group_issues if (issue.sheet, issue.row, issue.column) not in reported
    ]
    report = ImportReport(errors=_sorted_issues(issues))
    report.missing_people = [(code, name) for _sort, code, name in sorted(missing)]
    report.missing_agencies = check.missing
    if not report.ok:
        return report
    return write_plan(check, check.groups, report, actor=actor, actor_label=actor_label, reason=reason)


def _missing_people(existing: _Existing, file_staff_codes: set[str]) -> list[tuple[str, str, str]]:
    """(sort key, staff code, name) of the agency's working people that the file leaves out."""
    return [
        (row[14], row[1], row[2])
        for staff_code, row in existing.people.items()
        if row[12] and staff_code not in file_staff_codes
    ]
