"""Excel import of work items, for agencies without a task-assignment system.

One sheet, ``Công việc``, one work item a row; read as a stream with python-calamine through the
organisation import's sheet reader, then written by monitoring's bulk writer, as the API's items are
(:func:`congtam.monitoring.bulk.work_items_write`): all or nothing, every bad row reported with its
column.
HR imports for anyone; an evaluator for the people they evaluate. Rows with a ``Mã nguồn``
(source id) are updated when imported again; rows without one are always new items.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import date, datetime

import xlsxwriter
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from congtam.api.events import ITEMS_IMPORTED
from congtam.audit.services import AuditDraft, Subject
from congtam.core import permissions
from congtam.core.spreadsheets import ImportIssue, SheetReader, cell_text, open_workbook, unreadable_issue
from congtam.monitoring.bulk import (
    BatchIssue,
    BatchRejected,
    BatchResult,
    BatchScope,
    BatchSource,
    ItemInput,
    work_items_write,
)
from congtam.monitoring.models import Frequency, Origin
from congtam.monitoring.period_keys import PeriodKey, parse_period_key
from congtam.monitoring.services import parse_factor
from congtam.org.services import default_agency

logger = logging.getLogger(__name__)

SHEET_ITEMS = "Công việc"
ITEM_COLUMNS = (
    "Mã nhân sự",
    "Kỳ",
    "Mã sản phẩm",
    "Tên công việc",
    "Hệ số quy đổi",
    "Lý do",
    "Hạn hoàn thành",
    "Ngày hoàn thành",
    "Mã nguồn",
)
(STAFF_CODE, PERIOD, CATALOGUE_CODE, NAME, FACTOR, REASON, DUE_ON, COMPLETED_ON, SOURCE_ID) = ITEM_COLUMNS
COLUMN_OF_FIELD = {
    "staff_code": STAFF_CODE,
    "period": PERIOD,
    "catalogue_code": CATALOGUE_CODE,
    "name": NAME,
    "factor": FACTOR,
    "reason": REASON,
    "due_on": DUE_ON,
    "completed_on": COMPLETED_ON,
    "source_id": SOURCE_ID,
}
FIELD_OF_COLUMN = {column: name for name, column in COLUMN_OF_FIELD.items()}
WIDTHS = (14, 10, 14, 40, 14, 40, 16, 16, 18)
MAX_ROWS = 100_000

_MONTH_FIRST = re.compile(r"^(0?[1-9]|1[0-2])\s*/\s*(\d{4})$")  # 11/2026
_QUARTER_FIRST = re.compile(r"^[Qq]\s*([1-4])\s*/\s*(\d{4})$")  # Q4/2026


@dataclass(slots=True)
class ItemImportReport:
    errors: list[ImportIssue] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        return ngettext(
            "%(count)d work item imported: %(created)d new, %(updated)d changed, %(unchanged)d unchanged.",
            "%(count)d work items imported: %(created)d new, %(updated)d changed, %(unchanged)d unchanged.",
            self.created + self.updated + self.unchanged,
        ) % {
            "count": self.created + self.updated + self.unchanged,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }


def period_from_cell(value) -> PeriodKey | None:
    """``2026-11``, ``11/2026``, ``2026-Q4``, ``Q4/2026``, or a date cell (Excel turns a typed
    2026-11 into the first of that month)."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return PeriodKey(value.year, Frequency.MONTHLY, value.month)
    text = cell_text(value)
    if match := _MONTH_FIRST.match(text):
        return PeriodKey(int(match.group(2)), Frequency.MONTHLY, int(match.group(1)))
    if match := _QUARTER_FIRST.match(text):
        return PeriodKey(int(match.group(2)), Frequency.QUARTERLY, int(match.group(1)))
    return parse_period_key(text)


class _Reading:
    def __init__(self, workbook):
        self.issues: list[ImportIssue] = []
        self.items: list[ItemInput] = []
        self.sheet = SheetReader(workbook, SHEET_ITEMS, ITEM_COLUMNS, self.issues)

    def bad(self, item: ItemInput, row: int, column: str, message: str) -> None:
        item.bad.add(FIELD_OF_COLUMN[column])
        self.issues.append(ImportIssue(SHEET_ITEMS, row, column, message))

    def read(self) -> None:
        sheet = self.sheet
        for number, values in sheet.rows():
            if len(self.items) >= MAX_ROWS:
                self.issues.append(
                    ImportIssue(SHEET_ITEMS, number, "", _("At most %(count)d rows per file.") % {"count": MAX_ROWS})
                )
                return
            item = ItemInput(index=number, source_id=cell_text(values[SOURCE_ID])[:200])
            item.staff_code = cell_text(values[STAFF_CODE]) or None
            item.catalogue_code = cell_text(values[CATALOGUE_CODE]) or None
            item.name = cell_text(values[NAME])[:500] or None
            item.reason = cell_text(values[REASON]) or None
            if cell_text(values[PERIOD]):
                item.period = period_from_cell(values[PERIOD])
                if item.period is None:
                    self.bad(
                        item,
                        number,
                        PERIOD,
                        _("“%(value)s” is not a period; write 2026-11 for a month or 2026-Q4 for a quarter.")
                        % {"value": cell_text(values[PERIOD])},
                    )
            if cell_text(values[FACTOR]):
                try:
                    item.factor = parse_factor(values[FACTOR])  # a float cell as Excel shows it
                except ValidationError as error:
                    self.bad(item, number, FACTOR, error.message_dict["factor"][0])
            item.due_on = self._date(item, number, values, DUE_ON)
            item.completed_on = self._date(item, number, values, COMPLETED_ON)
            self.items.append(item)

    def _date(self, item: ItemInput, number: int, values: dict, column: str) -> date | None:
        before = len(self.issues)
        value = self.sheet.date(number, values, column)
        if len(self.issues) > before:
            item.bad.add(FIELD_OF_COLUMN[column])
        return value


def _issue_of(issue: BatchIssue) -> ImportIssue:
    return ImportIssue(SHEET_ITEMS, issue.index, COLUMN_OF_FIELD.get(issue.field, ""), issue.message)


def _sorted(issues: list[ImportIssue]) -> list[ImportIssue]:
    order = {column: index for index, column in enumerate(ITEM_COLUMNS)}
    return sorted(issues, key=lambda issue: (issue.row or 0, order.get(issue.column, -1)))


def import_scope(actor, agency=None) -> BatchScope:
    """HR writes for everyone of the agency it works in (by default the installation's top one);
    anyone else for the people they evaluate."""
    if permissions.has_perm(actor, "api.import_for_everyone"):
        agency = agency or default_agency()
        return BatchScope(agency_ids=(agency.pk,) if agency is not None else ())
    return BatchScope(evaluator_id=actor.person_id)


def import_work_items(upload, *, actor, agency=None, file_name: str = "") -> ItemImportReport:
    """Read the workbook and, when no row is wrong, write every item (see the module)."""
    permissions.require(actor, "api.import_work_items")
    try:
        workbook = open_workbook(upload)
        reading = _Reading(workbook)
        reading.read()
    except Exception as error:  # a limit broken, or calamine's own errors (and zip/XML ones)
        logger.info("Unreadable work item workbook", exc_info=True)
        return ItemImportReport(errors=[unreadable_issue(error)])
    if not reading.sheet.complete:
        return ItemImportReport(errors=_sorted(reading.issues))
    if not reading.items:
        return ItemImportReport(errors=[ImportIssue(SHEET_ITEMS, None, "", _("The sheet has no work item."))])
    source = BatchSource(
        origin=Origin.IMPORT,
        scope=import_scope(actor, agency),
        actor=actor,
        label=_("the Excel import of %(user)s") % {"user": actor.get_username()},
    )
    read_problems = [
        BatchIssue(issue.row, FIELD_OF_COLUMN.get(issue.column, ""), issue.message) for issue in reading.issues
    ]
    try:
        result = work_items_write(
            items=reading.items, source=source, issues=read_problems, audit=lambda written: _drafts(written, file_name)
        )
    except BatchRejected as rejection:
        return ItemImportReport(errors=_sorted([_issue_of(issue) for issue in rejection.issues]))
    return ItemImportReport(created=len(result.created), updated=len(result.updated), unchanged=len(result.unchanged))


def _drafts(result: BatchResult, file_name: str) -> list[AuditDraft]:
    """The import's audit entry (written by the importing user, with the items)."""
    summary = result.audit_summary()
    summary["created_ids"] = [item_id for _index, _source_id, item_id in result.created]
    return [
        AuditDraft(
            event=ITEMS_IMPORTED,
            subject=Subject(type="monitoring.workitem", id="import", label=file_name[:300]),
            new={"file": file_name, **summary},
        )
    ]


def write_template(fileobj) -> None:
    """The empty workbook: the header, its notes, the column widths and formats."""
    book = xlsxwriter.Workbook(fileobj, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False})
    sheet = book.add_worksheet(SHEET_ITEMS)
    header = book.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
    text = book.add_format({"num_format": "@"})
    day = book.add_format({"num_format": "dd/mm/yyyy"})
    for column, (title, width) in enumerate(zip(ITEM_COLUMNS, WIDTHS, strict=True)):
        sheet.write_string(0, column, title, header)
        sheet.set_column(column, column, width, day if title in (DUE_ON, COMPLETED_ON) else text)
    sheet.freeze_panes(1, 0)
    sheet.write_comment(0, 1, _("A month as 2026-11, a quarter as 2026-Q4."))
    sheet.write_comment(
        0, 2, _("A product of the person's position catalogue; or fill in the name, factor and reason.")
    )
    sheet.write_comment(0, 8, _("Optional: your own id of the item; a row imported again with the same id updates it."))
    book.close()
