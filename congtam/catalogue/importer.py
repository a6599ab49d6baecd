"""Import of the product catalogues from the sheet “Danh mục sản phẩm” of a workbook.

Like the organisation's import (:mod:`congtam.org.importer`, whose reading helpers this uses):

* the sheet is read as a stream with python-calamine; sheet and column names, position codes and
  product codes match whatever their case, spacing or Unicode form (NFD from some Excel files);
* the whole file is checked first; every problem is reported with its sheet, Excel row, column
  and message, and on any problem nothing is written;
* a position listed in the file gets one new catalogue version if anything of it changed, with
  its products created, changed (the old row ended, a new one added) or, only when asked
  (``retire_missing``), retired when the file no longer lists them; products missing from the
  file are always reported. Positions absent from the file are not touched;
* re-importing what the system holds changes nothing and writes no audit entry;
* the queries do not grow with the number of rows (beyond one per batch of :data:`BATCH_SIZE`).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from congtam.audit.services import AuditBatch, Subject
from congtam.catalogue import events
from congtam.catalogue.models import CatalogueItem, CatalogueVersion
from congtam.catalogue.rules import factor_text, parse_factor, require_catalogue_manager
from congtam.catalogue.workbook import (
    COLUMNS,
    FACTOR,
    POSITION_CODE,
    PRODUCT_CODE,
    PRODUCT_NAME,
    QUALITY,
    SHEET,
    UNIT,
    CatalogueImportReport,
    CatalogueRow,
    ImportIssue,
    MissingItem,
    PositionOutcome,
)
from congtam.core.bulk import batched, insert_rows
from congtam.core.spreadsheets import SheetReader, cell_text, matching_key, open_workbook, unreadable_issue
from congtam.org.models import Agency, Position
from congtam.org.services import clean_multiline, default_agency
from congtam.vietnamese import clean_text

logger = logging.getLogger(__name__)

BATCH_SIZE = 2000
COLUMN_ORDER = {column: index for index, column in enumerate(COLUMNS)}
_LIMITS = {
    PRODUCT_CODE: CatalogueItem._meta.get_field("code").max_length,
    PRODUCT_NAME: CatalogueItem._meta.get_field("name").max_length,
    UNIT: CatalogueItem._meta.get_field("unit").max_length,
}
_NOTE_LENGTH = CatalogueVersion._meta.get_field("note").max_length
NEW_ITEM_COLUMNS = ("position", "code", "name", "unit", "factor", "quality_requirement", "version_from", "version_to")
NEW_ITEM_FIELDS = ("position_id", "code", "name", "unit", "factor", "quality_requirement", "version_from", "version_to")


# =============================================================================================
# Reading
# =============================================================================================
def read_workbook(source) -> tuple[list[CatalogueRow], list[ImportIssue], bool]:
    """The sheet's rows as plain data, the problems met while reading (no such sheet, a missing
    column, an unreadable file) and whether the sheet and all its columns were found."""
    issues: list[ImportIssue] = []
    rows: list[CatalogueRow] = []
    try:
        workbook = open_workbook(source)
    except Exception as error:  # a limit broken, or calamine's own errors (and zip/XML ones)
        issues.append(unreadable_issue(error))
        return rows, issues, False
    try:
        sheet = SheetReader(workbook, SHEET, COLUMNS, issues)
        for number, values in sheet.rows():
            quality = values[QUALITY]
            rows.append(
                CatalogueRow(
                    position_code=cell_text(values[POSITION_CODE]),
                    code=cell_text(values[PRODUCT_CODE]),
                    name=cell_text(values[PRODUCT_NAME]),
                    unit=cell_text(values[UNIT]),
                    factor=values[FACTOR],
                    quality_requirement=clean_multiline(quality if isinstance(quality, str) else cell_text(quality)),
                    row=number,
                )
            )
    except Exception:  # a damaged sheet inside an otherwise readable file
        logger.exception("Unreadable sheet in an imported catalogue workbook")
        return [], [unreadable_issue()], False
    return rows, issues, sheet.complete


# =============================================================================================
# Checking
# =============================================================================================
# A current product as loaded: (id, code, name, unit, factor, quality requirement).
_ItemRow = tuple[int, str, str, str, Decimal, str]


@dataclass(slots=True)
class _ItemPlan:
    values: dict  # code, name, unit, factor (Decimal), quality_requirement
    row: int


@dataclass
class _PositionPlan:
    position_id: int
    code: str
    title: str
    items: dict[str, _ItemPlan] = field(default_factory=dict)  # by matching key of the product code


class _Checker:
    """Checks the rows against themselves and the positions, and groups them by position."""

    def __init__(self, rows: list[CatalogueRow], positions: dict[str, tuple[int, str, str]]):
        self.rows = rows
        self.positions = positions  # matching key of the code -> (id, code, title)
        self.issues: list[ImportIssue] = []
        self.plans: dict[int, _PositionPlan] = {}

    def issue(self, row: int, column: str, message: str) -> None:
        self.issues.append(ImportIssue(SHEET, row or None, column, message))

    def required(self, row: int, column: str, value) -> bool:
        if value is None or (isinstance(value, str) and not clean_text(value)):
            self.issue(row, column, _("A value is required."))
            return False
        return True

    def short_enough(self, row: int, column: str, value: str) -> bool:
        limit = _LIMITS[column]
        if len(value) > limit:
            self.issue(
                row,
                column,
                _("Too long: %(length)d characters, at most %(limit)d.") % {"length": len(value), "limit": limit},
            )
            return False
        return True

    def run(self) -> dict[int, _PositionPlan]:
        first_row: dict[tuple[int, str], int] = {}
        for line in self.rows:
            number = line.row
            position_code, code = clean_text(line.position_code), clean_text(line.code)
            name, unit = clean_text(line.name), clean_text(line.unit)
            position = self.position(number, position_code)
            code_ok = self.required(number, PRODUCT_CODE, code) and self.short_enough(number, PRODUCT_CODE, code)
            name_ok = self.required(number, PRODUCT_NAME, name) and self.short_enough(number, PRODUCT_NAME, name)
            unit_ok = self.short_enough(number, UNIT, unit)
            factor = self.factor(number, line.factor)
            if position is None or not code_ok:
                continue
            key = (position[0], matching_key(code))
            if key in first_row:
                self.issue(
                    number,
                    PRODUCT_CODE,
                    _("The product code %(code)s of position %(position)s is already listed in row %(row)d.")
                    % {"code": code, "position": position[1], "row": first_row[key]},
                )
                continue
            first_row[key] = number
            if not (name_ok and unit_ok) or factor is None:
                continue
            plan = self.plans.get(position[0])
            if plan is None:
                plan = self.plans[position[0]] = _PositionPlan(
                    position_id=position[0], code=position[1], title=position[2]
                )
            plan.items[key[1]] = _ItemPlan(
                values={
                    "code": code,
                    "name": name,
                    "unit": unit,
                    "factor": factor,
                    "quality_requirement": clean_multiline(line.quality_requirement),
                },
                row=number,
            )
        return self.plans

    def position(self, number: int, code: str) -> tuple[int, str, str] | None:
        if not self.required(number, POSITION_CODE, code):
            return None
        position = self.positions.get(matching_key(code))
        if position is None:
            self.issue(
                number,
                POSITION_CODE,
                _("There is no job position with the code %(code)s in the system.") % {"code": code},
            )
        return position

    def factor(self, number: int, value) -> Decimal | None:
        if not self.required(number, FACTOR, value):
            return None
        try:
            return parse_factor(value)
        except ValidationError as error:
            self.issue(number, FACTOR, " ".join(error.messages))
            return None


def _sorted_issues(issues: Iterable[ImportIssue]) -> list[ImportIssue]:
    return sorted(issues, key=lambda issue: (issue.row or 0, COLUMN_ORDER.get(issue.column, -1)))


# =============================================================================================
# Comparing with the system
# =============================================================================================
def _positions_by_key(agency) -> dict[str, tuple[int, str, str]]:
    """The agency's job positions by matching key of their code (codes are unique within an agency)."""
    positions: dict[str, tuple[int, str, str]] = {}
    rows = Position.objects.filter(agency=agency).order_by("code").values_list("id", "code", "title")
    for position_id, code, title in rows:
        positions.setdefault(matching_key(code), (position_id, code, title))
    return positions


def _current_items(position_ids: list[int]) -> dict[int, dict[str, _ItemRow]]:
    """The current products of these positions, by position and matching key of the code."""
    current: dict[int, dict[str, _ItemRow]] = {position_id: {} for position_id in position_ids}
    for batch in batched(position_ids, 500):
        rows = (
            CatalogueItem.objects.filter(position_id__in=batch, version_to__isnull=True)
            .order_by()
            .values_list("position_id", "id", "code", "name", "unit", "factor", "quality_requirement")
        )
        for position_id, *item in rows.iterator(chunk_size=BATCH_SIZE):
            current[position_id][matching_key(item[1])] = tuple(item)
    return current


def _latest_versions(position_ids: list[int]) -> dict[int, int]:
    latest: dict[int, int] = {}
    for batch in batched(position_ids, 500):
        latest.update(
            CatalogueVersion.objects.filter(position_id__in=batch)
            .order_by()
            .values("position_id")
            .annotate(latest=Max("number"))
            .values_list("position_id", "latest")
        )
    return latest


def _stored_values(row: _ItemRow) -> dict:
    return {"code": row[1], "name": row[2], "unit": row[3], "factor": row[4], "quality_requirement": row[5]}


@dataclass
class _PositionChange:
    plan: _PositionPlan
    outcome: PositionOutcome
    created: list[_ItemPlan] = field(default_factory=list)
    updated: list[tuple[_ItemPlan, _ItemRow]] = field(default_factory=list)
    retired: list[_ItemRow] = field(default_factory=list)

    @property
    def has_changes(self) -> bool:
        return bool(self.created or self.updated or self.retired)


def _compare(
    plans: dict[int, _PositionPlan],
    current: dict[int, dict[str, _ItemRow]],
    report: CatalogueImportReport,
    *,
    retire_missing: bool,
) -> list[_PositionChange]:
    changes = []
    for plan in sorted(plans.values(), key=lambda plan: plan.code):
        outcome = PositionOutcome(code=plan.code, title=plan.title)
        report.positions.append(outcome)
        change = _PositionChange(plan=plan, outcome=outcome)
        stored = current.get(plan.position_id, {})
        for key, item in plan.items.items():
            row = stored.get(key)
            if row is None:
                change.created.append(item)
            elif _differs(item.values, _stored_values(row)):
                change.updated.append((item, row))
            else:
                outcome.unchanged += 1
        for key, row in sorted(stored.items(), key=lambda entry: entry[1][1]):
            if key not in plan.items:
                report.missing.append(MissingItem(position_code=plan.code, code=row[1], name=row[2]))
                if retire_missing:
                    change.retired.append(row)
        if change.has_changes:
            changes.append(change)
    return changes


def _differs(new: dict, old: dict) -> bool:
    # The stored code is kept when the file spells it in another case: it is the same product.
    return any(new[key] != old[key] for key in ("name", "unit", "factor", "quality_requirement"))


# =============================================================================================
# Writing
# =============================================================================================
class _StaleCatalogue(Exception):
    def __init__(self, position_code: str):
        self.position_code = position_code


class _Writer:
    def __init__(
        self, changes: list[_PositionChange], latest: dict[int, int], *, agency, actor, actor_label, note, reason
    ):
        self.agency = agency
        self.changes = changes
        self.latest = latest
        self.actor = actor
        self.actor_label = actor_label
        self.note = note
        self.reason = reason
        self.audit_batch = AuditBatch(actor=actor, actor_label=actor_label, reason=self.reason)

    def run(self, report: CatalogueImportReport) -> None:
        """Write every change; the caller holds the transaction."""
        self.lock_and_check()
        for change in self.changes:
            change.outcome.version = self.latest.get(change.plan.position_id, 0) + 1
        self.write_versions()
        self.end_rows()
        self.add_rows()
        self.audit_summary(report)
        self.audit_batch.flush()

    def lock_and_check(self) -> None:
        """Lock the positions that change (in id order) and make sure nobody made a version of
        their catalogue since the file was checked."""
        ids = sorted(change.plan.position_id for change in self.changes)
        for batch in batched(ids, 500):
            list(Position.objects.select_for_update().filter(pk__in=batch).order_by("pk").values_list("pk", flat=True))
        now = _latest_versions(ids)
        for change in self.changes:
            position_id = change.plan.position_id
            if now.get(position_id, 0) != self.latest.get(position_id, 0):
                raise _StaleCatalogue(change.plan.code)

    def write_versions(self) -> None:
        versions = [
            CatalogueVersion(
                position_id=change.plan.position_id,
                number=change.outcome.version,
                created_by=self.actor,
                note=self.note,
            )
            for change in self.changes
        ]
        for batch in batched(versions, BATCH_SIZE):
            CatalogueVersion.objects.bulk_create(batch)

    def end_rows(self) -> None:
        # One UPDATE per new version number (most positions share it), in batches of ids.
        ended: dict[int, list[int]] = defaultdict(list)
        for change in self.changes:
            ids = ended[change.outcome.version]
            ids += [row[0] for _item, row in change.updated]
            ids += [row[0] for row in change.retired]
        for version, ids in sorted(ended.items()):
            for batch in batched(ids, BATCH_SIZE):
                CatalogueItem.objects.filter(pk__in=batch).update(version_to=version)
        label = CatalogueItem._meta.label_lower
        for change in self.changes:
            for row in change.retired:
                change.outcome.retired += 1
                old = _stored_values(row)
                old["factor"] = factor_text(old["factor"])
                self.audit_batch.add(
                    events.ITEM_RETIRED,
                    Subject(type=label, id=str(row[0]), label=f"{change.plan.code} · {row[1]} — {row[2]}"[:300]),
                    old=old,
                    new={"position": change.plan.code, "version": change.outcome.version},
                )

    def add_rows(self) -> None:
        pending: list[tuple[CatalogueItem, _PositionChange, dict | None]] = []
        for change in self.changes:
            version = change.outcome.version
            position_id = change.plan.position_id
            for item in change.created:
                pending.append(
                    (CatalogueItem(position_id=position_id, version_from=version, **item.values), change, None)
                )
            for item, row in change.updated:
                values = {**item.values, "code": row[1]}
                before = _stored_values(row) | {"row": row[0]}
                pending.append((CatalogueItem(position_id=position_id, version_from=version, **values), change, before))
        for batch in batched(pending, BATCH_SIZE):
            # Plain rows (the organisation import's writer): bulk_create would split a batch into
            # statements of SQLite's 999 parameters.
            ids = insert_rows(
                CatalogueItem,
                NEW_ITEM_COLUMNS,
                [tuple(getattr(new_row, field) for field in NEW_ITEM_FIELDS) for new_row, _change, _before in batch],
            )
            for new_id, (new_row, change, before) in zip(ids, batch, strict=True):
                new_row.pk = new_id
                self.audit_row(new_row, change, before)

    def audit_row(self, new_row: CatalogueItem, change: _PositionChange, before: dict | None) -> None:
        subject = Subject(
            type=CatalogueItem._meta.label_lower,
            id=str(new_row.pk),
            label=f"{change.plan.code} · {new_row.code} — {new_row.name}"[:300],
        )
        after = {
            "code": new_row.code,
            "name": new_row.name,
            "unit": new_row.unit,
            "factor": factor_text(new_row.factor),
            "quality_requirement": new_row.quality_requirement,
        }
        version = {"version": change.outcome.version}
        if before is None:
            change.outcome.created += 1
            self.audit_batch.add(events.ITEM_CREATED, subject, new={"position": change.plan.code, **after, **version})
            return
        change.outcome.updated += 1
        before = {**before, "factor": factor_text(before["factor"])}
        keys = [key for key in ("name", "unit", "factor", "quality_requirement") if before[key] != after[key]]
        self.audit_batch.add(
            events.ITEM_UPDATED,
            subject,
            old={**{key: before[key] for key in keys}, "row": before["row"]},
            new={**{key: after[key] for key in keys}, **version},
        )

    def audit_summary(self, report: CatalogueImportReport) -> None:
        agency = self.agency
        subject = Subject.of(agency) if agency is not None else Subject(type=Agency._meta.label_lower, id="", label="")
        self.audit_batch.add(
            events.CATALOGUE_IMPORTED,
            subject,
            new={
                "positions": [change.plan.code for change in self.changes],
                "created": report.total("created"),
                "updated": report.total("updated"),
                "retired": report.total("retired"),
                "missing": len(report.missing),
                "retire_missing": report.missing_retired,
            },
        )


# =============================================================================================
# Entry points
# =============================================================================================
def import_workbook(
    source,
    *,
    actor,
    agency=None,
    retire_missing: bool = False,
    reason: str = "",
    actor_label: str | None = None,
) -> CatalogueImportReport:
    """Read the sheet and import it (see the module); nothing is written if anything is wrong."""
    require_catalogue_manager(actor)
    rows, issues, complete = read_workbook(source)
    if not complete:
        return CatalogueImportReport(errors=_sorted_issues(issues))  # the file's shape is wrong
    name = getattr(source, "name", "") or ""
    note = reason or (_("Imported from %(file)s") % {"file": str(name).rsplit("/", 1)[-1]} if name else _("Imported"))
    return _import(
        rows,
        issues,
        actor=actor,
        agency=agency,
        retire_missing=retire_missing,
        reason=reason,
        note=note,
        actor_label=actor_label,
    )


def import_rows(
    rows: list[CatalogueRow],
    *,
    actor,
    agency=None,
    retire_missing: bool = False,
    reason: str = "",
    actor_label: str | None = None,
) -> CatalogueImportReport:
    """Import rows given as plain data (the demo's, another system's), with the same checks."""
    require_catalogue_manager(actor)
    return _import(
        rows,
        [],
        actor=actor,
        agency=agency,
        retire_missing=retire_missing,
        reason=reason,
        note=reason,
        actor_label=actor_label,
    )


def _import(
    rows: list[CatalogueRow],
    read_issues: list[ImportIssue],
    *,
    actor,
    agency,
    retire_missing: bool,
    reason: str,
    note: str,
    actor_label: str | None,
) -> CatalogueImportReport:
    """Into ``agency``'s catalogues (by default the installation's top agency)."""
    agency = agency or default_agency()
    checker = _Checker(rows, _positions_by_key(agency))
    plans = checker.run()
    report = CatalogueImportReport(errors=_sorted_issues(read_issues + checker.issues), missing_retired=retire_missing)
    if not report.ok:
        return report
    position_ids = sorted(plans)
    latest = _latest_versions(position_ids)
    changes = _compare(plans, _current_items(position_ids), report, retire_missing=retire_missing)
    if not changes:
        return report  # nothing to write, and so nothing to record
    writer = _Writer(
        changes,
        latest,
        agency=agency,
        actor=actor,
        actor_label=actor_label,
        note=clean_text(note)[:_NOTE_LENGTH],
        reason=clean_text(reason),
    )
    try:
        with transaction.atomic():
            writer.run(report)
    except _StaleCatalogue as stale:
        return _failed(
            _(
                "Someone changed the catalogue of position %(code)s while the file was being imported. Nothing was "
                "written: import the file again."
            )
            % {"code": stale.position_code}
        )
    except DatabaseError as error:
        logger.exception("The database refused a catalogue import")
        return _failed(_("The database refused the import (%(error)s). Nothing was written.") % {"error": error})
    return report


def _failed(message: str) -> CatalogueImportReport:
    return CatalogueImportReport(errors=[ImportIssue("", None, "", message)])
