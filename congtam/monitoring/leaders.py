"""A head's or deputy's unit part of their period score (RULES.md §2.1), from the period's rows.

**Whose results count (the leader's staff).** The reviews of the same period — so of the same
cycle: one staff group, under one preset — whose unit is the leader's unit or a unit below it,
except the leaders (head and deputies) of the leader's own unit. A unit's head and its deputies
therefore answer for the same staff; the heads and deputies of the units below are staff of the
leaders above them (and are scored, as leaders, on their own units). A leader's staff never
include anyone who waits for that leader, so the waiting never goes round in a circle. People
of another staff group (another cycle, another preset) do not count.

**The staff part (d).** The share of the staff at HTNV or better, from their approved scores:
an exact score at or above the preset's ``threshold_complete``. It exists only once every staff
review of the period is approved; until then the leader's score waits (the condition on the
leader's submission and approval says how many are missing, and so does the review page).

**The unit's plan completion (đ).** ``100 × converted items done on time and to quality ÷
converted items assigned``, over the staff's items that count in their scores (assigned,
reported or accepted; withdrawn, declined and proposed ones do not). An item is done on time
and to quality when it was checked and accepted with no failed quality check and never late (no
earlier due date missed, completed by its due date) — or when the competent authority confirmed
an objective cause, which waives the deductions as it does in the score. The leader's own items
are not in it: they are the leader's a, b and c.

**The further criterion (e)** of the six-component reading: monitoring records none, so it is
left out and the preset decides (``leader_further_criterion``: refuse, or let đ stand in).

Everything for a whole period is computed with two queries, whatever the number of leaders
(:func:`unit_parts`): the closing job computes every leader's part at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, localcontext

from django.db.models import DecimalField, F, Q, Sum

from congtam.monitoring.models import ItemState, Review, ReviewState, WorkItem
from congtam.scoring.decimals import ENGINE_CONTEXT, HUNDRED, ZERO, exact_text
from congtam.scoring.methods import UnitInput

COUNTING_STATES = (ItemState.ASSIGNED, ItemState.REPORTED, ItemState.ACCEPTED)
# Checked and accepted, never failed, never late; or spared by a confirmed objective cause.
ON_TIME_TO_QUALITY = Q(state=ItemState.ACCEPTED) & (
    Q(objective_cause=True) | Q(quality_failures=0, missed_deadlines=0, completed_on__lte=F("due_on"))
)
# Sums of factors (4 decimals) kept exact: wide enough for the largest unit.
_SUM_FIELD = DecimalField(max_digits=24, decimal_places=4)


@dataclass(frozen=True, slots=True)
class UnitPart:
    """What a leader's unit did in a period: the facts behind d and đ."""

    staff: int = 0  # staff reviews of the period
    approved: int = 0
    complete_or_better: int = 0  # approved at HTNV or better
    assigned: Decimal = ZERO  # converted items assigned to the staff
    on_time_to_quality: Decimal = ZERO  # of which done on time and to quality

    @property
    def not_approved(self) -> int:
        return self.staff - self.approved

    @property
    def ready(self) -> bool:
        return self.approved == self.staff

    def engine_input(self) -> UnitInput | None:
        """The engine's unit input; None when there is nobody (or no work) to answer for."""
        if not self.staff or not self.assigned:
            return None
        assert self.ready
        with localcontext(ENGINE_CONTEXT):
            return UnitInput(
                staff_share_complete_or_better=HUNDRED * self.complete_or_better / self.staff,
                plan_percent=HUNDRED * self.on_time_to_quality / self.assigned,
            )

    def facts(self) -> dict:
        """As kept in the leader's explanation (JSON)."""
        unit = self.engine_input()
        return {
            "staff": self.staff,
            "complete_or_better": self.complete_or_better,
            "assigned": exact_text(self.assigned),
            "on_time_to_quality": exact_text(self.on_time_to_quality),
            "staff_share": exact_text(unit.staff_share_complete_or_better) if unit else None,
            "plan_percent": exact_text(unit.plan_percent) if unit else None,
        }

    def __add__(self, other: UnitPart) -> UnitPart:
        return UnitPart(
            self.staff + other.staff,
            self.approved + other.approved,
            self.complete_or_better + other.complete_or_better,
            self.assigned + other.assigned,
            self.on_time_to_quality + other.on_time_to_quality,
        )


def _ancestors(path: str) -> list[int]:
    """Unit ids from the top of the tree down to the unit itself, from its materialised path."""
    return [int(part) for part in path.split("/") if part]


def unit_parts(period, *, units: Iterable | None = None) -> dict[int, UnitPart]:
    """Each leader unit's part in ``period``, by unit id (the units where someone is a leader;
    a unit without staff gets an empty part). ``units`` limits the work to those units' trees
    (a page, an approval); by default the whole period (the closing job). Two queries."""
    scope, item_scope = Q(period=period), Q(review__period=period)
    if units is not None:
        paths = [unit.path for unit in units]
        scope &= Q.create([("unit__path__startswith", path) for path in paths], connector=Q.OR)
        item_scope &= Q.create([("review__unit__path__startswith", path) for path in paths], connector=Q.OR)
    threshold: Decimal = period.cycle.engine_policy().settings.values["threshold_complete"]  # type: ignore[assignment]
    rows = Review.objects.filter(scope).values_list("unit_id", "unit__path", "is_leader", "state", "score_exact")
    lines: dict[int, list[int]] = {}  # unit id -> ancestor ids, itself last
    people: dict[tuple[int, bool], list[int]] = {}  # (unit, is_leader) -> [staff, approved, complete or better]
    for unit_id, path, is_leader, state, score in rows.iterator(chunk_size=20_000):
        if unit_id not in lines:
            lines[unit_id] = _ancestors(path)
        counts = people.setdefault((unit_id, is_leader), [0, 0, 0])
        counts[0] += 1
        if state == ReviewState.APPROVED:
            counts[1] += 1
            counts[2] += bool(score) and Decimal(score) >= threshold
    leader_units = {unit_id for unit_id, is_leader in people if is_leader}
    if not leader_units:
        return {}
    work = {
        (unit_id, is_leader): (assigned or ZERO, done or ZERO)
        for unit_id, is_leader, assigned, done in WorkItem.objects.filter(item_scope, state__in=COUNTING_STATES)
        .values_list("review__unit_id", "review__is_leader")
        .annotate(
            assigned=Sum("factor", output_field=_SUM_FIELD),
            done=Sum("factor", filter=ON_TIME_TO_QUALITY, output_field=_SUM_FIELD),
        )
        .order_by()
    }
    parts = dict.fromkeys(leader_units, UnitPart())
    for (unit_id, is_leader), (staff, approved, good) in people.items():
        assigned, done = work.get((unit_id, is_leader), (ZERO, ZERO))
        part = UnitPart(staff, approved, good, assigned, done)
        for ancestor in lines[unit_id]:
            # A unit's own leaders are not each other's staff; everyone below counts.
            if ancestor in parts and not (ancestor == unit_id and is_leader):
                parts[ancestor] = parts[ancestor] + part
    return parts


def unit_part_for(review) -> UnitPart | None:
    """The part of a leader review's unit (kept on the instance for the rest of the request),
    or None for a review that is not a leader's."""
    if not review.is_leader:
        return None
    cached = getattr(review, "_unit_part", None)
    if cached is None:
        cached = unit_parts(review.period, units=[review.unit]).get(review.unit_id, UnitPart())
        review._unit_part = cached
    return cached


def leader_units_above(period, unit_ids: Iterable[int]) -> set[int]:
    """The ids of the units whose leaders count the reviews of ``unit_ids`` among their staff:
    each unit itself and every unit above it (one query)."""
    from congtam.org.models import Unit

    above: set[int] = set()
    for path in Unit.objects.filter(pk__in=set(unit_ids)).values_list("path", flat=True):
        above.update(_ancestors(path))
    return above
