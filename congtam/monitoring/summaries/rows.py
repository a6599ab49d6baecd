"""The rows of a period summary: one per person of a unit (and the units below it) or of the
agency in a month or a quarter, with the engine's stored score and its parts, read in one query
streamed in chunks (``values_list`` + ``iterator``) whatever the number of people.

The parts (a, b, c, task points, general points) are read by the database from the explanation
the engine stored with the score, so no explanation is ever loaded whole. The deductions are the
task points lost to failed quality checks and late deliveries: without them quality and
timeliness would equal quantity (a completed item credits its whole factor), so they are
``tmax × (wb × (a − b) + wc × (a − c)) / ((wa + wb + wc) × 100)`` with the policy's parameters.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import connection
from django.db.models.fields.json import KT, KeyTransform
from django.http import Http404
from django.utils.translation import gettext as _

from congtam.core import permissions
from congtam.monitoring.models import Period, Review, ReviewState
from congtam.org.models import Unit
from congtam.scoring.classify import points_band
from congtam.scoring.levels import Level
from congtam.scoring.policy import Policy

CHUNK = 2000
# Above this many people, the page builds the file in the background and offers one download.
DEFAULT_JOB_THRESHOLD = 5000
# A PDF is laid out whole in memory (WeasyPrint): beyond this many people only Excel is offered.
DEFAULT_PDF_LIMIT = 10_000
# A score is shown once the evaluator has submitted it; before that (or once returned) it may change.
SCORED_STATES = (ReviewState.SUBMITTED, ReviewState.APPROVED)
BANDS = (Level.EXCELLENT, Level.GOOD, Level.COMPLETE, Level.NOT_COMPLETE)
NOT_SCORED = "not_scored"
SIX_COMPONENTS = "leader_six_components"  # the note of a leader's task points read as six components

_TASK = "explanation__inputs__t"
# The parts, read as text by the database (the engine's exact decimals are strings in the tree).
# A leader's own a, b, c sit under the combination with their unit's results (the leader formula);
# the deductions are then left blank, their weight in the task points being the policy's reading.
_LEADER = f"{_TASK}__inputs__combined__inputs__own__inputs"
PARTS = {
    "part_a": KT(f"{_TASK}__inputs__a__value"),
    "part_b": KT(f"{_TASK}__inputs__b__value"),
    "part_c": KT(f"{_TASK}__inputs__c__value"),
    "part_task": KT(f"{_TASK}__value"),
    "part_general": KT("explanation__inputs__g__value"),
    "task_note": KT(f"{_TASK}__note"),
    "leader_a": KT(f"{_LEADER}__a__value"),
    "leader_b": KT(f"{_LEADER}__b__value"),
    "leader_c": KT(f"{_LEADER}__c__value"),
}
COLUMNS = (
    "unit_id",
    "unit__name",
    "person__full_name",
    "person__staff_code",
    "position__title",
    "state",
    "score_exact",
    *PARTS,
)


def job_threshold() -> int:
    return int(getattr(settings, "CONGTAM_SUMMARY_JOB_THRESHOLD", DEFAULT_JOB_THRESHOLD))


def pdf_limit() -> int:
    return int(getattr(settings, "CONGTAM_SUMMARY_PDF_LIMIT", DEFAULT_PDF_LIMIT))


@dataclass(frozen=True, slots=True)
class SummaryScope:
    """A period, and a unit (with the units below it) or the whole agency (``unit`` None)."""

    period: Period
    unit: Unit | None

    @property
    def agency_name(self) -> str:
        return self.period.cycle.agency.name

    @property
    def scope_name(self) -> str:
        return self.unit.name if self.unit is not None else self.agency_name

    @property
    def unit_code(self) -> str:
        return self.unit.code if self.unit is not None else ""

    def reviews(self):
        reviews = Review.objects.filter(period=self.period)
        if self.unit is not None:
            reviews = reviews.filter(unit__path__startswith=self.unit.path)
        return reviews

    def people(self) -> int:
        return self.reviews().count()


@dataclass(frozen=True, slots=True)
class SummaryRow:
    unit_id: int
    unit: str
    full_name: str
    staff_code: str
    position: str
    state: str  # the review's state, in words
    quantity: Decimal | None  # a, in percent
    quality: Decimal | None  # b
    timeliness: Decimal | None  # c
    task_points: Decimal | None
    general_points: Decimal | None
    deductions: Decimal | None
    score: Decimal | None
    band: Level | None

    @property
    def band_name(self) -> str:
        from congtam.monitoring.summaries.labels import band_name

        return band_name(self.band) if self.band else ""


@dataclass
class UnitCounts:
    unit_id: int
    unit: str
    counts: Counter = field(default_factory=Counter)  # a band, or NOT_SCORED -> people

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class BandCounts:
    """The people of each band per unit (each unit its own people) and for the whole scope,
    filled in as the rows stream past."""

    units: list[UnitCounts] = field(default_factory=list)
    total: Counter = field(default_factory=Counter)

    def add(self, row: SummaryRow) -> None:
        if not self.units or self.units[-1].unit_id != row.unit_id:
            self.units.append(UnitCounts(row.unit_id, row.unit))
        key = row.band or NOT_SCORED
        self.units[-1].counts[key] += 1
        self.total[key] += 1

    @property
    def people(self) -> int:
        return sum(self.total.values())


def summary_scope(*, viewer, period_id: int, unit_code: str | None) -> SummaryScope:
    """The scope asked for, if the viewer may export it (``monitoring.export_summary`` on the unit,
    or on the agency for no unit)."""
    try:
        period = Period.objects.select_related("cycle__agency").get(pk=period_id)
        unit = Unit.objects.get(agency=period.cycle.agency, code=unit_code) if unit_code else None
    except (Period.DoesNotExist, Unit.DoesNotExist):
        raise Http404(unit_code or period_id) from None
    permissions.require(viewer, "monitoring.export_summary", unit)
    return SummaryScope(period=period, unit=unit)


def _decimal(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


class PolicyParts:
    """The policy's parameters the rows need, read once per summary."""

    def __init__(self, policy: Policy):
        self.settings = policy.settings
        values = policy.settings.values
        self.tmax = Decimal(values["task_max_points"])
        self.wa = Decimal(values["task_weight_quantity"])
        self.wb = Decimal(values["task_weight_quality"])
        self.wc = Decimal(values["task_weight_timeliness"])

    def deductions(
        self, a: Decimal | None, b: Decimal | None, c: Decimal | None, *, six: bool = False
    ) -> Decimal | None:
        """The task points lost to failed checks and lateness; ``six``: a leader's task points are
        the equal mean of six components (a, b, c and three of their unit's), so each weighs 1/6."""
        if a is None or b is None or c is None:
            return None
        if six:
            return self.tmax * ((a - b) + (a - c)) / 600
        return self.tmax * (self.wb * (a - b) + self.wc * (a - c)) / ((self.wa + self.wb + self.wc) * 100)


def summary_rows(scope: SummaryScope, *, counts: BandCounts | None = None) -> Iterator[SummaryRow]:
    """Every person of the scope, by unit (in the tree's order) then by name the Vietnamese way.
    One query, streamed ``CHUNK`` rows at a time; ``counts`` is filled in as they pass."""
    parts = PolicyParts(scope.period.cycle.engine_policy())
    states = {value: str(label) for value, label in ReviewState.choices}
    reviews = scope.reviews()
    rows = _postgresql_rows(reviews) if connection.vendor == "postgresql" else _rows(reviews)
    for unit_id, unit, name, staff_code, position, state, exact, a, b, c, task, general, note, *leader in rows:
        scored = state in SCORED_STATES and bool(exact)
        score = _decimal(exact) if scored else None
        own = a is None and any(value is not None for value in leader)
        a, b, c = (_decimal(value) if scored else None for value in (leader if own else (a, b, c)))
        row = SummaryRow(
            unit_id=unit_id,
            unit=unit,
            full_name=name,
            staff_code=staff_code,
            position=position or "",
            state=states.get(state, state),
            quantity=a,
            quality=b,
            timeliness=c,
            task_points=_decimal(task) if scored else None,
            general_points=_decimal(general) if scored else None,
            deductions=None if own else parts.deductions(a, b, c, six=note == SIX_COMPONENTS),
            score=score,
            band=points_band(score, parts.settings) if score is not None else None,
        )
        if counts is not None:
            counts.add(row)
        yield row


def _rows(reviews) -> Iterator[tuple]:
    return (
        reviews.annotate(**PARTS)
        .order_by("unit__path", "person__sort_key", "person__staff_code")
        .values_list(*COLUMNS)
        .iterator(chunk_size=CHUNK)
    )


# PostgreSQL keeps a large explanation compressed, and each extraction from the column would
# decompress it again (nine per row: 12 s for 100,000 people). The inner query takes its
# ``inputs`` once per row (OFFSET 0 keeps PostgreSQL from merging the two queries), the outer one
# reads the parts from that and sorts the small rows. The same rows, in the same order, as ``_rows``.
_INNER = ("unit__path", "person__sort_key")
_PATHS = (
    "t,inputs,a,value",
    "t,inputs,b,value",
    "t,inputs,c,value",
    "t,value",
    "g,value",
    "t,note",
    *(f"t,inputs,combined,inputs,own,inputs,{x},value" for x in "abc"),
)
assert len(_PATHS) == len(PARTS)


def _postgresql_rows(reviews) -> Iterator[tuple]:
    inner = reviews.annotate(parts=KeyTransform("inputs", "explanation")).values_list(
        *COLUMNS[: -len(PARTS)], *_INNER, "parts"
    )
    sql, params = inner.query.sql_with_params()
    names = [f"c{index}" for index in range(len(COLUMNS) - len(PARTS))]
    parts = ", ".join(f"s.parts #>> '{{{path}}}'" for path in _PATHS)
    query = (
        f"SELECT {', '.join(f's.{name}' for name in names)}, {parts} "
        f"FROM ({sql} OFFSET 0) AS s({', '.join(names)}, unit_path, sort_key, parts) "
        f'ORDER BY s.unit_path COLLATE "C", s.sort_key COLLATE "C", s.c3'
    )
    with connection.chunked_cursor() as cursor:
        cursor.execute(query, params)
        while chunk := cursor.fetchmany(CHUNK):
            yield from chunk


def summary_title() -> str:
    # Translators: the title of the monthly or quarterly summary, as the decree's software names it.
    return _("Summary of evaluation results")


def summary_filename(scope: SummaryScope, extension: str) -> str:
    period = scope.period.label.replace("/", "-")
    return f"{summary_title()} - {scope.scope_name} - {period}.{extension}"
