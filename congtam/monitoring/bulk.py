"""Creating and updating work items in bulk: the one code path of every bulk write of work
items, that of the API (batch, single item, completion, documents) and that of the Excel import.
They are adapters (:mod:`congtam.api.batch`, :mod:`congtam.api.importer`): they read their input
into :class:`ItemInput`, call :func:`work_items_write` and answer in their own shape.

All or nothing: :func:`work_items_write` checks every item against the database first (a handful
of queries for the whole batch, never one per item), collects every problem as
:class:`BatchIssue` (item index, field, translated message) and raises :class:`BatchRejected`
when there is any; only a clean batch is written, with ``COPY`` on PostgreSQL, in one transaction
with the audit entry that the caller drafts from the result.

Items are keyed by their id in the source system (``source_id``): sending an item again updates
it, or changes nothing when nothing differs. The domain rules are those of
:mod:`congtam.monitoring.services` (factor, due date within the period, catalogue of the
person's position, completion date, evidence, a new plan version), through its helpers and
messages, and the state changes follow the transitions declared on the models, their conditions
asked through :func:`congtam.core.workflow.declared_transition`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from congtam.audit.services import AuditDraft, audit_record_many
from congtam.catalogue.models import CatalogueItem
from congtam.core.bulk import batched, insert_rows
from congtam.core.workflow import DeclaredTransition, declared_transition
from congtam.monitoring import conditions
from congtam.monitoring.models import DueDateChange, Evidence, ItemState, Review, ReviewState, WorkItem
from congtam.monitoring.period_keys import PeriodKey
from congtam.monitoring.services import check_within_period, opens_plan_version
from congtam.org.models import Person

LOOKUP_CHUNK = 2000
EVIDENCE_CLOSED_STATES = (ReviewState.SUBMITTED, ReviewState.APPROVED)


# --- what comes in, what goes out --------------------------------------------------------------
@dataclass(slots=True)
class ItemInput:
    """One item as sent. ``None`` means "not given": for an existing item it stays as it is."""

    index: int  # its place in the request (or its row in the workbook)
    source_id: str
    staff_code: str | None = None
    period: PeriodKey | None = None
    catalogue_code: str | None = None
    name: str | None = None
    factor: Decimal | None = None
    reason: str | None = None
    due_on: date | None = None
    completed_on: date | None = None
    note: str | None = None
    document: str | None = None
    document_description: str | None = None
    # Fields already reported as wrong while reading: not checked again.
    bad: set[str] = field(default_factory=set)

    @property
    def ad_hoc_given(self) -> bool:
        return self.name is not None or self.factor is not None or self.reason is not None


@dataclass(frozen=True, slots=True)
class BatchIssue:
    index: int | None
    field: str
    message: str


class BatchRejected(Exception):
    def __init__(self, issues: list[BatchIssue]):
        super().__init__(f"{len(issues)} problem(s)")
        self.issues = issues


@dataclass(frozen=True, slots=True)
class BatchScope:
    """Whose items the writer may touch: reviews in these units (and below), or reviews that this
    person evaluates, of people of these agencies; none of them means everyone."""

    unit_paths: tuple[str, ...] | None = None
    evaluator_id: int | None = None
    agency_ids: tuple[int, ...] | None = None

    def allows(self, review: ReviewRow) -> bool:
        if self.unit_paths is not None and not review.unit_path.startswith(self.unit_paths):
            return False
        return self.evaluator_id is None or review.evaluator_id == self.evaluator_id

    def q(self, prefix: str = "") -> Q:
        """The same rule as a filter on reviews (``prefix`` leads to the review)."""
        condition = Q()
        if self.unit_paths is not None:
            paths = Q(pk__in=[])
            for path in self.unit_paths:
                paths |= Q(**{f"{prefix}unit__path__startswith": path})
            condition &= paths
        if self.evaluator_id is not None:
            condition &= Q(**{f"{prefix}evaluator_id": self.evaluator_id})
        if self.agency_ids is not None:
            condition &= Q(**{f"{prefix}person__agency__in": self.agency_ids})
        return condition

    def people(self, codes) -> QuerySet[Person]:
        """The people in scope with these staff codes (a code may be used by several agencies)."""
        people = Person.objects.filter(staff_code__in=codes)
        if self.unit_paths is not None:
            paths = Q(pk__in=[])
            for path in self.unit_paths:
                paths |= Q(unit__path__startswith=path)
            people = people.filter(paths)
        if self.agency_ids is not None:
            people = people.filter(agency__in=self.agency_ids)
        return people


@dataclass(frozen=True, slots=True)
class BatchSource:
    """Who writes: a source system (origin SYSTEM) or a person importing a workbook (IMPORT)."""

    origin: str
    scope: BatchScope
    system: object = None  # a SourceSystem, or None for the Excel import
    actor: object = None  # the user who imports (None for a system)
    label: str = ""  # named in the reason of a moved due date
    actor_label: str | None = None  # the audit entry's actor when there is no user (the system)


@dataclass(slots=True)
class BatchResult:
    created: list[tuple[int, str, int]] = field(default_factory=list)  # (index, source id, item id)
    updated: list[dict] = field(default_factory=list)  # {"index", "source_id", "id", "old", "new"}
    unchanged: list[tuple[int, str, int]] = field(default_factory=list)
    documents_added: int = 0

    def audit_summary(self) -> dict:
        return {
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "documents_added": self.documents_added,
            "created_ids": [source_id for _index, source_id, _id in self.created],
            "changes": [{key: change[key] for key in ("source_id", "old", "new")} for change in self.updated],
        }


# --- rows read from the database --------------------------------------------------------------
class ReviewRow(NamedTuple):
    id: int
    person_id: int
    staff_code: str
    year: int
    frequency: str
    number: int
    starts_on: date
    ends_on: date
    state: str
    unit_path: str
    position_id: int | None
    evaluator_id: int | None
    plan_version: int
    acknowledged_version: int

    @property
    def key(self) -> PeriodKey:
        return PeriodKey(self.year, self.frequency, self.number)


REVIEW_COLUMNS = (
    "id",
    "person_id",
    "person__staff_code",
    "period__cycle__year",
    "period__cycle__frequency",
    "period__number",
    "period__starts_on",
    "period__ends_on",
    "state",
    "unit__path",
    "position_id",
    "evaluator_id",
    "plan_version",
    "acknowledged_version",
)


class ItemRow(NamedTuple):
    id: int
    source_id: str
    review_id: int
    state: str
    catalogue_item_id: int | None
    code: str
    name: str
    factor: Decimal
    unit_of_measure: str
    quality_requirement: str
    ad_hoc_reason: str
    due_on: date
    completed_on: date | None
    report_note: str
    missed_deadlines: int
    version: int


ITEM_COLUMNS = ItemRow._fields
CATALOGUE_COLUMNS = ("id", "position_id", "code", "name", "unit", "factor", "quality_requirement")
# Columns of a new item, in the order of the rows given to insert_rows().
NEW_ITEM_FIELDS = (
    "review",
    "catalogue_item",
    "code",
    "name",
    "unit_of_measure",
    "factor",
    "quality_requirement",
    "ad_hoc_reason",
    "origin",
    "state",
    "decline_reason",
    "due_on",
    "missed_deadlines",
    "completed_on",
    "report_note",
    "quality_failures",
    "objective_cause",
    "in_plan_version",
    "source_system",
    "source_id",
    "created_by",
    "created_at",
    "version",
)
PLAN_FIELDS = ("catalogue_item", "code", "name", "factor", "unit_of_measure", "quality_requirement", "ad_hoc_reason")


def _short(value: date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


def _declared_report() -> DeclaredTransition:
    """The declared ``report_from_system`` transition from ASSIGNED. Its permission is not asked
    here: the API's authentication (a valid source system) and the import's own permission stand
    for it."""
    return declared_transition(WorkItem, "report_from_system", ItemState.ASSIGNED)


@dataclass(frozen=True, slots=True)
class ItemOfReview:
    """A work item as the declared conditions of its transitions see it, without loading it:
    those of :mod:`congtam.monitoring.conditions` on an item read ``item.review.state`` only, and
    :class:`ReviewRow` has it. A condition that reads more of the item fails here loudly
    (AttributeError), never silently."""

    review: ReviewRow


def _condition_problem(transition: DeclaredTransition, review: ReviewRow) -> str | None:
    """The message of the first declared condition that an item of ``review`` fails, or None."""
    return transition.unmet(ItemOfReview(review))


# --- the check ---------------------------------------------------------------------------------
@dataclass(slots=True)
class _Change:
    index: int
    row: ItemRow
    values: dict  # field -> new value (model field names; foreign keys as ids)
    due_moved: bool = False


class _Batch:
    def __init__(self, items: list[ItemInput], source: BatchSource, issues: list[BatchIssue]):
        self.items = items
        self.source = source
        self.issues = issues
        self.today = timezone.localdate()
        self.report = _declared_report()
        self.new_rows: list[tuple[int, ReviewRow, dict]] = []
        self.changes: list[_Change] = []
        self.unchanged: list[tuple[int, str, int]] = []
        self.documents: list[tuple[int, int | None, str, str]] = []  # (index, item id or None, link, description)
        self.plan_changed: dict[int, ReviewRow] = {}
        self.items_by_index = {item.index: item for item in items}

    def issue(self, index: int, field_name: str, message: str) -> None:
        self.issues.append(BatchIssue(index, field_name, message))

    # --- loading, a few queries per LOOKUP_CHUNK items ---------------------------------------
    def load(self) -> None:
        items = self.items
        self.existing = self._existing_items({item.source_id for item in items if item.source_id})
        codes = {item.staff_code for item in items if item.staff_code}
        self.people: dict[str, int] = {}
        self.ambiguous: set[str] = set()
        for chunk in batched(codes, LOOKUP_CHUNK):
            for code, person_id in self.source.scope.people(chunk).values_list("staff_code", "id"):
                if self.people.setdefault(code, person_id) != person_id:
                    self.ambiguous.add(code)
        wanted = {
            (self.people[item.staff_code], item.period)
            for item in items
            if item.staff_code in self.people and item.period is not None
        }
        self.reviews_by_key: dict[tuple[int, PeriodKey], ReviewRow] = {}
        self.reviews_by_id: dict[int, ReviewRow] = {}
        self._load_reviews(wanted, {row.review_id for row in self.existing.values()})
        positions = {review.position_id for review in self.reviews_by_id.values() if review.position_id}
        self.catalogue: dict[tuple[int, str], tuple] = {}
        if positions and any(item.catalogue_code for item in items):
            rows = CatalogueItem.objects.filter(position_id__in=positions, version_to__isnull=True).values_list(
                *CATALOGUE_COLUMNS
            )
            self.catalogue = {(row[1], row[2].casefold()): row for row in rows}
        self.links: set[tuple[int, str]] = set()
        with_documents = [
            self.existing[item.source_id].id for item in items if item.document and item.source_id in self.existing
        ]
        for chunk in batched(with_documents, LOOKUP_CHUNK):
            self.links.update(
                Evidence.objects.filter(item_id__in=chunk).exclude(link="").values_list("item_id", "link")
            )

    def _existing_items(self, source_ids: set[str]) -> dict[str, ItemRow]:
        found: dict[str, ItemRow] = {}
        if self.source.system is not None:
            base = WorkItem.objects.filter(source_system=self.source.system)
        else:
            base = WorkItem.objects.filter(source_system__isnull=True, origin=self.source.origin)
        for chunk in batched(sorted(source_ids), LOOKUP_CHUNK):
            rows = (
                base.filter(source_id__in=chunk)
                .select_for_update(of=("self",))
                .order_by("id")
                .values_list(*ITEM_COLUMNS)
            )
            for row in rows:
                found.setdefault(row[1], ItemRow(*row))
        return found

    def _load_reviews(self, wanted: set[tuple[int, PeriodKey]], review_ids: set[int]) -> None:
        by_period: dict[PeriodKey, list[int]] = defaultdict(list)
        for person_id, key in wanted:
            by_period[key].append(person_id)
        filters = [Q(pk__in=chunk) for chunk in batched(sorted(review_ids), LOOKUP_CHUNK)]
        for key, person_ids in by_period.items():
            period = Q(period__cycle__year=key.year, period__cycle__frequency=key.frequency, period__number=key.number)
            filters += [period & Q(person_id__in=chunk) for chunk in batched(sorted(person_ids), LOOKUP_CHUNK)]
        # Locked until the end of the transaction: a review cannot move on while its items are written.
        for condition in filters:
            rows = (
                Review.objects.filter(condition)
                .select_for_update(of=("self",))
                .order_by("id")
                .values_list(*REVIEW_COLUMNS)
            )
            for row in rows:
                review = ReviewRow(*row)
                self.reviews_by_id[review.id] = review
                self.reviews_by_key.setdefault((review.person_id, review.key), review)

    # --- one item ------------------------------------------------------------------------------
    def check(self) -> None:
        seen: dict[str, int] = {}
        for item in self.items:
            if item.source_id:
                if item.source_id in seen:
                    self.issue(
                        item.index,
                        "source_id",
                        _("The same source id is already used by item %(index)s of this batch.")
                        % {"index": seen[item.source_id]},
                    )
                else:
                    seen[item.source_id] = item.index
            row = self.existing.get(item.source_id) if item.source_id else None
            if row is None:
                self._check_new(item)
            else:
                self._check_update(item, row)

    def _unknown_person(self, item: ItemInput) -> None:
        if self.source.system is not None:
            message = _("No person with staff code “%(code)s” in the units this system may use.")
        else:
            message = _("No person with staff code “%(code)s” among the people whose work you may import.")
        self.issue(item.index, "staff_code", message % {"code": item.staff_code})

    def _require(self, item: ItemInput, names: tuple[str, ...]) -> bool:
        complete = True
        for name in names:
            if getattr(item, name) is None or getattr(item, name) == "":
                complete = False
                if name not in item.bad:
                    self.issue(item.index, name, _("This field is required."))
        return complete

    def _check_new(self, item: ItemInput) -> None:
        complete = self._require(item, ("staff_code", "period", "due_on"))
        content = self._content(item, None)
        if not complete:
            return
        if item.staff_code in self.ambiguous:
            self.issue(
                item.index,
                "staff_code",
                _(
                    "Staff code “%(code)s” is used by people of several agencies you may write for: import each "
                    "agency's items on their own."
                )
                % {"code": item.staff_code},
            )
            return
        person_id = self.people.get(item.staff_code)
        review = self.reviews_by_key.get((person_id, item.period)) if person_id else None
        if person_id is None or (review is not None and not self.source.scope.allows(review)):
            self._unknown_person(item)
            return
        if review is None:
            self.issue(
                item.index,
                "period",
                _("%(code)s has no period review for %(period)s: the period is not open for them.")
                % {"code": item.staff_code, "period": item.period},
            )
            return
        if review.state not in conditions.PLAN_OPEN_STATES:
            self.issue(item.index, "period", str(conditions.plan_open.refusal_message))
            return
        ok = self._due_in_period(item, review)
        values = self._resolve_content(item, review, content)
        ok = values is not None and ok
        state = ItemState.ASSIGNED
        if item.completed_on is not None:
            problem = _condition_problem(self.report, review)
            if problem:
                self.issue(item.index, "completed_on", problem)
                ok = False
            elif self._completion_date_ok(item, review):
                state = self.report.target
            else:
                ok = False
        if not ok:
            return
        values.update(state=state, due_on=item.due_on, completed_on=item.completed_on, report_note=item.note or "")
        self.new_rows.append((item.index, review, values))
        self.plan_changed[review.id] = review
        if item.document:
            self.documents.append((item.index, None, item.document, item.document_description or ""))

    def _content(self, item: ItemInput, row: ItemRow | None) -> str | None:
        """Which content the item gives: "catalogue", "ad_hoc" or None (required when new)."""
        if item.catalogue_code and item.ad_hoc_given:
            self.issue(
                item.index,
                "catalogue_code",
                _(
                    "Give either a catalogue code, or a name, a factor and a reason for an item outside the "
                    "catalogue, not both."
                ),
            )
            return None
        if item.catalogue_code:
            return "catalogue"
        if item.ad_hoc_given:
            if row is None or row.catalogue_item_id is not None:
                # A new ad hoc item, or one that leaves the catalogue: all three are needed.
                if not self._require(item, ("name", "factor", "reason")):
                    return None
            return "ad_hoc"
        if row is None and "catalogue_code" not in item.bad:
            self.issue(
                item.index,
                "catalogue_code",
                _("Give a catalogue code, or a name, a factor and a reason for an item outside the catalogue."),
            )
        return None

    def _resolve_content(self, item: ItemInput, review: ReviewRow, content: str | None) -> dict | None:
        if content == "catalogue":
            entry = (
                self.catalogue.get((review.position_id, item.catalogue_code.casefold())) if review.position_id else None
            )
            if entry is None:
                self.issue(
                    item.index,
                    "catalogue_code",
                    _("“%(code)s” is not in the catalogue of this person's position.") % {"code": item.catalogue_code},
                )
                return None
            _id, _position, code, name, unit, factor, requirement = entry
            return {
                "catalogue_item": entry[0],
                "code": code,
                "name": name,
                "factor": factor,
                "unit_of_measure": unit,
                "quality_requirement": requirement,
                "ad_hoc_reason": "",
            }
        if content == "ad_hoc":
            return {
                "catalogue_item": None,
                "code": "",
                "name": item.name,
                "factor": item.factor,
                "unit_of_measure": "",
                "quality_requirement": "",
                "ad_hoc_reason": item.reason,
            }
        return None

    def _due_in_period(self, item: ItemInput, review: ReviewRow) -> bool:
        try:
            check_within_period(review.starts_on, review.ends_on, item.due_on, "due_on")
        except ValidationError as error:
            self.issue(item.index, "due_on", error.message_dict["due_on"][0])
            return False
        return True

    def _completion_date_ok(self, item: ItemInput, review: ReviewRow) -> bool:
        if item.completed_on > self.today:
            self.issue(item.index, "completed_on", _("The completion date cannot be in the future."))
            return False
        if item.completed_on < review.starts_on:
            self.issue(
                item.index,
                "completed_on",
                _("The completion date cannot be before the period starts (%(start)s).")
                % {"start": _short(review.starts_on)},
            )
            return False
        return True

    def _check_update(self, item: ItemInput, row: ItemRow) -> None:
        review = self.reviews_by_id.get(row.review_id)
        if review is None or not self.source.scope.allows(review):
            self.issue(
                item.index,
                "source_id",
                _("The person of this item is no longer among the people you may send work for."),
            )
            return
        moved = _("An item cannot move to another person or period: withdraw it in Công Tâm and send a new one.")
        if item.staff_code is not None and item.staff_code != review.staff_code:
            self.issue(item.index, "staff_code", moved)
            return
        if item.period is not None and item.period != review.key:
            self.issue(item.index, "period", moved)
            return
        content = self._content(item, row)
        if content == "catalogue" and row.catalogue_item_id and row.code.casefold() == item.catalogue_code.casefold():
            content = None  # the same catalogue product (its factor stays the one the period started with)
        values: dict = {}
        if content is not None:
            resolved = self._resolve_content(item, review, content)
            if resolved is None:
                return
            if content == "ad_hoc" and row.catalogue_item_id is None:
                # Only what was given changes on an item already outside the catalogue.
                resolved = {
                    key: value
                    for key, value in resolved.items()
                    if key in ("name", "factor", "ad_hoc_reason") and value is not None
                }
            values.update({key: value for key, value in resolved.items() if getattr_row(row, key) != value})
        plan_fields = [key for key in values if key in PLAN_FIELDS]
        due_moved = item.due_on is not None and item.due_on != row.due_on
        completion = item.completed_on is not None and (
            item.completed_on != row.completed_on or (item.note is not None and item.note != row.report_note)
        )
        document = bool(item.document) and (row.id, item.document) not in self.links
        if not (plan_fields or due_moved or completion or document):
            self.unchanged.append((item.index, row.source_id, row.id))
            return
        if row.state in (ItemState.CANCELLED, ItemState.DECLINED, ItemState.PROPOSED):
            self.issue(
                item.index,
                "source_id",
                _("This item was withdrawn from the plan or declined in Công Tâm; it can no longer change."),
            )
            return
        ok = True
        if plan_fields and (row.state != ItemState.ASSIGNED or review.state not in conditions.PLAN_OPEN_STATES):
            message = (
                _("The item has already been reported; what it is can no longer change.")
                if row.state != ItemState.ASSIGNED
                else str(conditions.plan_open.refusal_message)
            )
            self.issue(item.index, _api_field(plan_fields[0]), message)
            ok = False
        if due_moved:
            if (
                row.state != ItemState.ASSIGNED
                or review.state not in conditions.PLAN_OPEN_STATES + conditions.WORK_OPEN_STATES
            ):
                self.issue(item.index, "due_on", _("Only the due date of an assigned item not yet reported can move."))
                ok = False
            elif self._due_in_period(item, review):
                values["due_on"] = item.due_on
            else:
                ok = False
        if completion:
            ok = self._check_completion(item, row, review, values) and ok
        if document and review.state in EVIDENCE_CLOSED_STATES:
            self.issue(item.index, "document", _("The review is submitted: evidence can no longer be added."))
            ok = False
        if not ok:
            return
        if document:
            self.documents.append((item.index, row.id, item.document, item.document_description or ""))
        if plan_fields:
            self.plan_changed[review.id] = review
        self.changes.append(_Change(item.index, row, values, due_moved=due_moved))

    def _check_completion(self, item: ItemInput, row: ItemRow, review: ReviewRow, values: dict) -> bool:
        if row.state == ItemState.ASSIGNED:
            problem = _condition_problem(self.report, review)
            if problem:
                self.issue(item.index, "completed_on", problem)
                return False
            values["state"] = self.report.target
        elif row.state == ItemState.REPORTED:
            if review.state not in conditions.WORK_OPEN_STATES:
                self.issue(item.index, "completed_on", str(conditions.work_open.refusal_message))
                return False
        else:
            self.issue(
                item.index, "completed_on", _("The item has already been checked; its completion can no longer change.")
            )
            return False
        if not self._completion_date_ok(item, review):
            return False
        values["completed_on"] = item.completed_on
        if item.note is not None:
            values["report_note"] = item.note
        return True


def getattr_row(row: ItemRow, key: str):
    return row.catalogue_item_id if key == "catalogue_item" else getattr(row, key)


def _api_field(model_field: str) -> str:
    return {
        "catalogue_item": "catalogue_code",
        "code": "catalogue_code",
        "ad_hoc_reason": "reason",
        "unit_of_measure": "catalogue_code",
        "quality_requirement": "catalogue_code",
    }.get(model_field, model_field)


# --- the write -----------------------------------------------------------------------------
def _write(batch: _Batch) -> BatchResult:
    source = batch.source
    result = BatchResult(unchanged=batch.unchanged)
    plan_version = _bump_plan_versions(batch.plan_changed)
    now = timezone.now()
    created_at = WorkItem._meta.get_field("created_at").get_db_prep_value(now, connection)
    system_id = source.system.pk if source.system is not None else None
    actor_id = source.actor.pk if source.actor is not None else None
    rows = []
    for index, review, values in batch.new_rows:
        rows.append(
            (
                review.id,
                values["catalogue_item"],
                values["code"],
                values["name"],
                values["unit_of_measure"],
                values["factor"],
                values["quality_requirement"],
                values["ad_hoc_reason"],
                source.origin,
                values["state"],
                "",
                values["due_on"],
                0,
                values["completed_on"],
                values["report_note"],
                0,
                False,
                plan_version[review.id],
                system_id,
                batch.items_by_index[index].source_id,
                actor_id,
                created_at,
                1,
            )
        )
    ids = insert_rows(WorkItem, NEW_ITEM_FIELDS, rows) if rows else []
    new_item_ids = {}
    for (index, _review, _values), new_id in zip(batch.new_rows, ids, strict=True):
        source_id = batch.items_by_index[index].source_id
        result.created.append((index, source_id, new_id))
        new_item_ids[index] = new_id
    _write_changes(batch, result)
    evidence = [
        Evidence(
            item_id=item_id if item_id is not None else new_item_ids[index],
            link=link,
            description=description[:500],
            added_by=source.actor,
        )
        for index, item_id, link, description in batch.documents
    ]
    Evidence.objects.bulk_create(evidence, batch_size=LOOKUP_CHUNK)
    result.documents_added = len(evidence)
    return result


def _bump_plan_versions(reviews: dict[int, ReviewRow]) -> dict[int, int]:
    """What :func:`congtam.monitoring.services.plan_changed` does to one review, for many in a
    few queries: a new plan version where the change :func:`opens_plan_version`, and each
    changed review's version up, so a page open on the old plan cannot overwrite it. Returns
    each review's plan version."""
    acknowledged = [review.id for review in reviews.values() if opens_plan_version(review)]
    for chunk in batched(acknowledged, LOOKUP_CHUNK):
        Review.objects.filter(pk__in=chunk).update(plan_version=F("plan_version") + 1)
    for chunk in batched(sorted(reviews), LOOKUP_CHUNK):
        Review.objects.filter(pk__in=chunk).update(version=F("version") + 1)
    bumped = set(acknowledged)
    return {review.id: review.plan_version + (1 if review.id in bumped else 0) for review in reviews.values()}


def _write_changes(batch: _Batch, result: BatchResult) -> None:
    if not batch.changes:
        return
    fields = sorted({name for change in batch.changes for name in change.values} | {"version"})
    if any(change.due_moved for change in batch.changes):
        fields = sorted(set(fields) | {"missed_deadlines"})
    reason = _("Due date changed by %(source)s.") % {"source": batch.source.label}
    objects, moves = [], []
    for change in batch.changes:
        row = change.row
        current = {name: getattr_row(row, name) for name in fields if name not in ("version", "state")}
        current["state"] = row.state
        old = {name: current[name] for name in change.values}
        values = {**current, **change.values, "version": row.version + 1}
        if change.due_moved:
            missed = batch.today > row.due_on
            values["missed_deadlines"] = row.missed_deadlines + (1 if missed else 0)
            moves.append(
                DueDateChange(
                    item_id=row.id,
                    old_due_on=row.due_on,
                    new_due_on=change.values["due_on"],
                    was_missed=missed,
                    reason=reason,
                    changed_by=batch.source.actor,
                )
            )
        item = WorkItem(pk=row.id, review_id=row.review_id, **{_model_kwarg(name): values[name] for name in fields})
        objects.append(item)
        result.updated.append(
            {
                "index": change.index,
                "source_id": row.source_id,
                "id": row.id,
                "old": old,
                "new": {name: values[name] for name in change.values},
            }
        )
    WorkItem.objects.bulk_update(objects, list(fields), batch_size=500)
    DueDateChange.objects.bulk_create(moves, batch_size=LOOKUP_CHUNK)


def _model_kwarg(name: str) -> str:
    return "catalogue_item_id" if name == "catalogue_item" else name


# --- entry point ---------------------------------------------------------------------------
# The first key of the PostgreSQL advisory locks taken here (the second is the source system's id):
# a number of our own, so that no other advisory lock in the database shares it.
_WRITER_LOCK_CLASS = 0x43545442  # "CTTB"


def _queue_writers_of(source: BatchSource) -> None:
    """Writers of the same source take turns until their transaction ends.

    Two identical batches sent at once (a system retrying on a timeout) would otherwise both
    find the new source ids missing and both insert them: one would fail on the unique
    constraint. Queued, the second reads the first one's items once it has committed (READ
    COMMITTED: a new snapshot per statement) and finds them unchanged. SQLite needs nothing: its
    writer holds the database's lock for the whole transaction (``BEGIN IMMEDIATE``).
    """
    if connection.vendor != "postgresql":
        return
    # The import has no system: its writers share key 0, as they share their items' key space.
    key = source.system.pk % 2**31 if source.system is not None else 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_WRITER_LOCK_CLASS, key])


def work_items_write(
    *,
    items: list[ItemInput],
    source: BatchSource,
    issues: Iterable[BatchIssue] = (),
    audit: Callable[[BatchResult], Sequence[AuditDraft]],
) -> BatchResult:
    """Check every item and, when nothing is wrong, write them all (see the module), in one
    transaction with the audit entries that ``audit`` drafts from the result (the caller names
    the action: an API call, a workbook imported), written for ``source``'s actor. ``issues``
    are the problems already found while reading the items; they are reported with the others,
    and any problem raises :class:`BatchRejected` with nothing written."""
    with transaction.atomic():
        _queue_writers_of(source)
        batch = _Batch(items, source, list(issues))
        batch.load()
        batch.check()
        if batch.issues:
            raise BatchRejected(sorted(batch.issues, key=lambda issue: (issue.index is not None, issue.index or 0)))
        result = _write(batch)
        audit_record_many(actor=source.actor, actor_label=source.actor_label, drafts=audit(result))
    return result
