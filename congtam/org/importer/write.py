"""Writing the checked plan: bulk creates and updates in batches, postings, and the audit trail.

:func:`write_plan` writes everything in one transaction, or nothing and a report of why: the
agencies first (parents before their children), then each agency's units, positions and people.
The number of queries does not depend on the number of rows beyond one per batch of
:data:`~congtam.org.importer.check.BATCH_SIZE` (and a few per agency).
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congtam.audit.services import AuditBatch, Subject
from congtam.core.bulk import batched, copy_rows, insert_rows, reserve_ids
from congtam.core.spreadsheets import ImportIssue
from congtam.org import events
from congtam.org.models import Agency, Person, Position, Posting, Unit, UnitRole
from congtam.org.orgdata import ImportReport
from congtam.org.services import PATH_WIDTH
from congtam.vietnamese import clean_text, name_sort_key, search_key

from .check import (
    BATCH_SIZE,
    PERSON_COMPARED,
    POSITION_FIELDS,
    _Existing,
    _PersonPlan,
    _Plan,
    _PositionPlan,
    _UnitPlan,
)

if TYPE_CHECKING:
    from .agencies import _AgencyCheck, _Group

logger = logging.getLogger(__name__)


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
    "agency",
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

    def __init__(self, plan: _Plan, existing: _Existing, report: ImportReport, *, actor, audit_batch: AuditBatch):
        self.plan = plan
        self.existing = existing
        self.report = report  # this agency's counts
        self.actor = actor
        self.reason = audit_batch.reason
        self.today = timezone.localdate()
        self.audit_batch = audit_batch
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

    # --- writing ------------------------------------------------------------------------------
    def run(self, agency: Agency | None) -> None:
        """Write everything into ``agency`` (None: a first import into an empty system, see
        :meth:`agency`); the caller holds the transaction and flushes the audit batch."""
        agency = agency or self.agency()
        self.agency_id = agency.pk
        self.write_units(agency)
        self.write_positions(agency)
        self.write_people()
        counts = self.report
        self.audit_batch.add(
            events.ORG_IMPORTED,
            Subject(type=Agency._meta.label_lower, id=str(agency.pk), label=agency.name[:300]),
            new={
                "units": {"created": counts.units.created, "updated": counts.units.updated},
                "positions": {"created": counts.positions.created, "updated": counts.positions.updated},
                "people": {"created": counts.people.created, "updated": counts.people.updated},
                "missing_people": len(counts.missing_people),
            },
        )

    def agency(self) -> Agency:
        # A first import into an empty system of a workbook without agencies: the agency is named
        # after its top unit.
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
        for batch in batched(to_update, BATCH_SIZE):
            Unit.objects.bulk_update(batch, ["name", "parent", "path", "depth"])

        label = Unit._meta.label_lower
        for unit in self.new_units:
            self.report.units.created += 1
            self.audit_batch.add(
                events.UNIT_CREATED,
                Subject(type=label, id=str(self.unit_id_by_code[unit.code]), label=unit.name[:300]),
                new={"code": unit.code, "name": unit.name, "parent": unit.parent_code or None},
            )
        for unit, row, before, changed in self.changed_units:
            self.report.units.updated += 1
            after = {"name": unit.name, "parent": unit.parent_code or None}
            self.audit_batch.add(
                events.UNIT_MOVED if "parent" in changed else events.UNIT_UPDATED,
                Subject(type=label, id=str(row[0]), label=unit.name[:300]),
                old={key: before[key] for key in changed},
                new={key: after[key] for key in changed},
            )

    def write_positions(self, agency: Agency) -> None:
        label = Position._meta.label_lower
        created = [Position(agency_id=agency.pk, **position.values) for position in self.new_positions]
        for batch in batched(created, BATCH_SIZE):
            Position.objects.bulk_create(batch)
        for position, instance in zip(self.new_positions, created, strict=True):
            self.position_id_by_code[position.code] = instance.pk
            self.report.positions.created += 1
            self.audit_batch.add(
                events.POSITION_CREATED,
                Subject(type=label, id=str(instance.pk), label=instance.title[:300]),
                new=position.values,
            )

        if not self.changed_positions:
            return
        fields = sorted({key for *_ignored, changed in self.changed_positions for key in changed})
        instances = [Position(pk=pk, **position.values) for position, pk, _before, _changed in self.changed_positions]
        for batch in batched(instances, BATCH_SIZE):
            Position.objects.bulk_update(batch, fields)
        for position, pk, before, changed in self.changed_positions:
            self.report.positions.updated += 1
            self.audit_batch.add(
                events.POSITION_UPDATED,
                Subject(type=label, id=str(pk), label=position.values["title"][:300]),
                old={key: before[key] for key in changed},
                new={key: position.values[key] for key in changed},
            )

    def write_people(self) -> None:
        # Changes first: a head who steps down makes room for a new head created below.
        if self.changed_people:
            self._update_people(self.changed_people)
        for batch in batched(self.new_people, BATCH_SIZE):
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
                    self.agency_id,
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
            self.audit_batch.add(
                events.PERSON_CREATED,
                Subject(type=label, id=str(person_id), label=plan.values["full_name"][:300]),
                new={"staff_code": plan.staff_code, **plan.values, "is_active": True},
            )

    def _update_people(self, changes: list[_PersonChange]) -> None:
        # Someone may have saved a person since they were read: refuse rather than overwrite.
        for batch in batched(changes, BATCH_SIZE):
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
        for batch in batched(leaving_heads, BATCH_SIZE):
            Person.objects.filter(pk__in=batch).update(unit_role=UnitRole.MEMBER)

        fields = {"version"}
        for change in changes:
            fields.update(change.changed)
            if "full_name" in change.changed:
                fields.update(("sort_key", "search_name"))
        instances = [self._person(change.plan, pk=change.row[0], version=change.row[13] + 1) for change in changes]
        for batch in batched(instances, BATCH_SIZE):
            Person.objects.bulk_update(batch, sorted(fields))

        open_postings = self._open_postings(self.agency_id)
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
        for batch in batched(closing, BATCH_SIZE):
            Posting.objects.bulk_update(batch, ["end_date"])
        for batch in batched(opening, BATCH_SIZE):
            Posting.objects.bulk_create(batch)
        for batch in batched(repositioned, BATCH_SIZE):
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
            self.audit_batch.add(
                event,
                Subject(type=label, id=str(change.row[0]), label=change.plan.values["full_name"][:300]),
                old=old,
                new=new,
            )

    @staticmethod
    def _open_postings(agency_id: int) -> dict[int, tuple[int, date]]:
        """person id -> (open posting id, its start) in the agency; one query whatever the number
        of people."""
        return {
            person_id: (posting_id, start)
            for posting_id, person_id, start in Posting.objects.filter(
                end_date__isnull=True, person__agency_id=agency_id
            )
            .order_by()
            .values_list("id", "person_id", "start_date")
            .iterator(chunk_size=BATCH_SIZE)
        }


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


class _AgencyWriter:
    """Creates the file's new agencies and renames the others (an import moves none: see the
    checks); the agencies as the groups' writers need them, by code."""

    def __init__(self, check: _AgencyCheck, report: ImportReport, audit_batch: AuditBatch):
        self.check = check
        self.report = report
        self.audit_batch = audit_batch
        existing = check.existing
        self.new = [agency for agency in check.agencies if agency.code not in existing]
        self.renamed = [
            (agency, existing[agency.code])
            for agency in check.agencies
            if agency.code in existing and existing[agency.code][2] != agency.name
        ]
        report.agencies.unchanged += len(check.agencies) - len(self.new) - len(self.renamed)

    @property
    def has_changes(self) -> bool:
        return bool(self.new or self.renamed)

    def run(self) -> dict[str, Agency]:
        existing, final_parent = self.check.existing, self.check.final_parent
        id_by_code = {code: row[0] for code, row in existing.items()}
        paths = {code: (row[4], row[5]) for code, row in existing.items()}
        id_by_code.update(zip((agency.code for agency in self.new), reserve_ids(Agency, len(self.new)), strict=True))

        def path_of(code: str) -> tuple[str, int]:
            if code not in paths:
                parent = final_parent[code]
                path, depth = path_of(parent) if parent else ("", -1)
                paths[code] = (path + f"{id_by_code[code]:0{PATH_WIDTH}d}/", depth + 1)
            return paths[code]

        created = []
        for agency in self.new:
            path, depth = path_of(agency.code)
            parent_id = id_by_code[agency.parent_code] if agency.parent_code else None
            created.append((id_by_code[agency.code], (agency.code, agency.name, parent_id, path, depth, "", 1)))
        created.sort(key=lambda agency: agency[1][4])  # parents before their children
        copy_rows(
            Agency,
            ("code", "name", "parent", "path", "depth", "external_authority", "approval_depth"),
            [agency_id for agency_id, _row in created],
            [row for _agency_id, row in created],
        )
        Agency.objects.bulk_update(
            [Agency(pk=row[0], name=agency.name) for agency, row in self.renamed], ["name"], batch_size=BATCH_SIZE
        )

        label = Agency._meta.label_lower
        for agency in self.new:
            self.report.agencies.created += 1
            self.audit_batch.add(
                events.AGENCY_CREATED,
                Subject(type=label, id=str(id_by_code[agency.code]), label=agency.name[:300]),
                # As services.agency_values.
                new={
                    "code": agency.code,
                    "name": agency.name,
                    "parent": agency.parent_code or None,
                    "external_authority": "",
                    "approval_depth": 1,
                },
            )
        for agency, row in self.renamed:
            self.report.agencies.updated += 1
            self.audit_batch.add(
                events.AGENCY_UPDATED,
                Subject(type=label, id=str(row[0]), label=agency.name[:300]),
                old={"name": row[2]},
                new={"name": agency.name},
            )
        names = {code: row[2] for code, row in existing.items()}
        names.update({agency.code: agency.name for agency in self.check.agencies})
        return {code: Agency(pk=agency_id, code=code, name=names[code]) for code, agency_id in id_by_code.items()}


def write_plan(
    check: _AgencyCheck, groups: list[_Group], report: ImportReport, *, actor, actor_label: str | None, reason: str
) -> ImportReport:
    """Write the checked agencies and each group's plan, all in one transaction; on failure, a
    report of that one problem. ``report`` has each group's missing people already."""
    audit_batch = AuditBatch(actor=actor, actor_label=actor_label, reason=clean_text(reason))
    agencies = _AgencyWriter(check, report, audit_batch)
    writers = []
    for group in groups:
        counts = ImportReport(missing_people=group.missing_people)
        writers.append(
            (group, counts, _Writer(group.plan, group.existing, counts, actor=actor, audit_batch=audit_batch))
        )
    changing = [(group, writer) for group, _counts, writer in writers if writer.has_changes]
    if agencies.has_changes or changing:
        try:
            with transaction.atomic(), _sqlite_page_cache():
                by_code = agencies.run()
                for group, writer in changing:
                    writer.run(by_code.get(group.code))
                audit_batch.flush()
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
    # With nothing to write, nothing was recorded either.
    for _group, counts, _writer in writers:
        report.add_counts(counts)
    return report


def _failed(report: ImportReport, message: str) -> ImportReport:
    return ImportReport(
        errors=[ImportIssue("", None, "", message)],
        missing_people=report.missing_people,
        missing_agencies=report.missing_agencies,
    )
