"""Reading the organisation workbook into plain rows (:class:`~congtam.org.orgdata.OrgData`).

The workbook is read as a stream with python-calamine, tolerant of case, surrounding spaces and
decomposed (NFD) Vietnamese in sheet names, headers and choice words. Problems found while
reading are returned with the rows; the checks are in :mod:`congtam.org.importer.check`.
"""

from __future__ import annotations

import logging

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
from congtam.org.models import UnitRole
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
    AgencyRow,
    OrgData,
    PersonRow,
    PositionRow,
    UnitRow,
)
from congtam.org.services import clean_multiline

logger = logging.getLogger(__name__)

# Column names, by meaning (the workbook's own words, see orgdata).
(_AGENCY_CODE, AGENCY_NAME, AGENCY_PARENT, AGENCY_HEAD) = AGENCY_COLUMNS
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

# Empty is allowed in every column (a missing category is reported by the checks as missing).
_GENDER_BY_WORD = {matching_key(word): value for word, value in GENDER_WORDS.items()} | {"": ""}
_GENDER_CHOICES = (*GENDER_WORDS, "")
_CATEGORY_BY_WORD = {matching_key(word): value for word, value in CATEGORY_WORDS.items()} | {"": ""}
_ROLE_BY_WORD = {matching_key(word): value for word, value in UNIT_ROLE_WORDS.items()}


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

    # The sheet "Cơ quan" and the column "Mã cơ quan" of the other sheets may be left out: the
    # workbook then holds one agency, as before agencies were in a tree.
    by_agency = (AGENCY_CODE,)
    try:
        agencies = SheetReader(workbook, SHEET_AGENCIES, AGENCY_COLUMNS, issues, required=False)
        for number, values in agencies.rows():
            data.agencies.append(
                AgencyRow(
                    code=cell_text(values[AGENCY_CODE]),
                    name=cell_text(values[AGENCY_NAME]),
                    parent_code=cell_text(values[AGENCY_PARENT]),
                    head_code=cell_text(values[AGENCY_HEAD]),
                    row=number,
                )
            )

        units = SheetReader(workbook, SHEET_UNITS, UNIT_COLUMNS, issues, optional=by_agency)
        for number, values in units.rows():
            data.units.append(
                UnitRow(
                    code=cell_text(values[UNIT_CODE]),
                    name=cell_text(values[UNIT_NAME]),
                    parent_code=cell_text(values[UNIT_PARENT]),
                    row=number,
                    agency_code=cell_text(values.get(AGENCY_CODE)),
                )
            )

        positions = SheetReader(workbook, SHEET_POSITIONS, POSITION_COLUMNS, issues, optional=by_agency)
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
                    agency_code=cell_text(values.get(AGENCY_CODE)),
                )
            )

        people = SheetReader(workbook, SHEET_PEOPLE, PEOPLE_COLUMNS, issues, optional=by_agency)
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
                    agency_code=cell_text(values.get(AGENCY_CODE)),
                )
            )
    except Exception:  # a damaged sheet inside an otherwise readable file
        logger.exception("Unreadable sheet in an imported workbook")
        issues.append(unreadable_issue())
        return data, issues, False
    return data, issues, agencies.complete and units.complete and positions.complete and people.complete


def _multiline_cell(value) -> str:
    return value if isinstance(value, str) else cell_text(value)
