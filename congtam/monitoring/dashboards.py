"""Dashboards of monitoring: a person's scores month by month and where each point came from; a
unit's period (each review's state, score, late items, failed checks and whose step is waiting);
and, for HR, the completion of each step across the agency with a drill-down per unit.

Who sees what is decided here, with the rules of :mod:`congtam.monitoring.selectors`: a person
sees their own reviews, an evaluator those they evaluate, an approver those they approve, HR,
leadership and the inspector all (read-only: nothing here writes). Each read is a fixed number
of queries: counts are aggregated by the database, never asked per row.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from congtam.core import permissions
from congtam.core.permissions import Refused
from congtam.monitoring import todo
from congtam.monitoring.models import GeneralRating, ItemState, Period, RaterRole, Review, ReviewState, WorkItem
from congtam.monitoring.selectors import reviews_visible
from congtam.org.models import Person, Unit
from congtam.scoring import api as engine

COUNTED_STATES = (ItemState.ASSIGNED, ItemState.REPORTED, ItemState.ACCEPTED)
RATED_STATES = (ReviewState.SUBMITTED, ReviewState.APPROVED)


def _require_viewer(viewer) -> None:
    permissions.require(viewer, "monitoring.view")


def _decimal(value) -> Decimal | None:
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except InvalidOperation:
        return None


def _chosen_year(year: int | None, years: list[int], today: date) -> int:
    """The year asked for; by default this year if it has data, else the latest that has."""
    if year is not None:
        return year
    if today.year in years or not years:
        return today.year
    return years[0]


# --- a person's scores -----------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class SubcriterionPoints:
    code: str
    name: str
    points: Decimal | None
    maximum: Decimal | None
    level: int | None


@dataclass(frozen=True, slots=True)
class ItemPoints:
    code: str
    name: str
    factor: Decimal | None
    quantity: Decimal | None
    quality: Decimal | None
    timeliness: Decimal | None


@dataclass(frozen=True, slots=True)
class Breakdown:
    """Where a period's points came from, read from the explanation the engine stored."""

    general: Decimal | None
    task: Decimal | None
    quantity_percent: Decimal | None
    quality_percent: Decimal | None
    timeliness_percent: Decimal | None
    subcriteria: list[SubcriterionPoints]
    items: list[ItemPoints]


@dataclass(frozen=True, slots=True)
class ScoreRow:
    review: Review
    score: Decimal | None
    breakdown: Breakdown | None


@dataclass(frozen=True, slots=True)
class ChartPoint:
    x: float
    y: float
    label: str
    score: Decimal

    @property
    def value_y(self) -> float:
        return round(self.y - 8, 1)  # where the score is written, above its point


@dataclass
class PersonScores:
    person: Person
    year: int
    years: list[int]
    rows: list[ScoreRow]
    is_self: bool
    chart: list[ChartPoint] = field(default_factory=list)


def _find(node, key: str):
    """The first node with ``key`` in an explanation tree (depth first), or None."""
    if isinstance(node, dict):
        if node.get("key") == key:
            return node
        for value in (node.get("inputs") or {}).values():
            found = _find(value, key)
            if found is not None:
                return found
    elif isinstance(node, list):
        for value in node:
            found = _find(value, key)
            if found is not None:
                return found
    return None


def _credits(measure_node) -> list[dict]:
    try:
        return list(measure_node["inputs"]["done"]["inputs"]["credits"])
    except (KeyError, TypeError):
        return []


def breakdown(explanation, *, names: dict[str, str], item_names: dict[str, str]) -> Breakdown | None:
    """The general points per sub-criterion, the task points with quantity, quality and
    timeliness, and each item's credit in each, from a stored explanation (None if it has none)."""
    if not isinstance(explanation, dict) or "inputs" not in explanation:
        return None
    inputs = explanation["inputs"]
    general, task = inputs.get("g") or {}, inputs.get("t") or {}
    subcriteria = [
        SubcriterionPoints(
            code=node.get("code", ""),
            name=names.get(node.get("code", ""), node.get("code", "")),
            points=_decimal(node.get("value")),
            maximum=_decimal(node.get("maximum")),
            level=node.get("level"),
        )
        for node in (general.get("inputs") or {}).get("points", [])
    ]
    quantity, quality, timeliness = (
        _find(task, key) for key in ("quantity_percent", "quality_percent", "timeliness_percent")
    )
    factors = (_find(quantity, "assigned_converted") or {}).get("inputs", {}).get("factors", []) if quantity else []
    per_measure = [_credits(node) if node else [] for node in (quantity, quality, timeliness)]
    items = []
    for index, factor in enumerate(factors):
        credit = [_decimal(credits[index].get("value")) if index < len(credits) else None for credits in per_measure]
        code = factor.get("code", "")
        items.append(
            ItemPoints(
                code=code,
                name=item_names.get(code, code),
                factor=_decimal(factor.get("value")),
                quantity=credit[0],
                quality=credit[1],
                timeliness=credit[2],
            )
        )
    return Breakdown(
        general=_decimal(general.get("value")),
        task=_decimal(task.get("value")),
        quantity_percent=_decimal((quantity or {}).get("value")),
        quality_percent=_decimal((quality or {}).get("value")),
        timeliness_percent=_decimal((timeliness or {}).get("value")),
        subcriteria=subcriteria,
        items=items,
    )


def _subcriterion_names(cycle) -> dict[str, str]:
    english = get_language() == "en"
    try:
        entries = engine.general_levels(cycle.engine_policy())
    except Exception:  # a policy no longer loadable: the codes stand in for names
        return {}
    return {entry["code"]: entry["name_en"] if english else entry["name_vi"] for entry in entries}


def _item_names(reviews) -> dict[int, dict[str, str]]:
    """Per review of the ``reviews`` queryset, the item names by the code the engine was given
    (catalogue code or ``#id``): one query, whatever the number of reviews."""
    names: dict[int, dict[str, str]] = defaultdict(dict)
    for review_id, item_id, code, name in (
        WorkItem.objects.filter(review__in=reviews.values("pk"))
        .order_by()
        .values_list("review_id", "id", "code", "name")
    ):
        names[review_id][code or f"#{item_id}"] = name
    return names


CHART_WIDTH, CHART_HEIGHT, CHART_LEFT, CHART_BOTTOM, CHART_TOP = 640, 240, 40, 30, 10


def chart_y(score: float) -> float:
    """The vertical position of a score (0–100) on the chart."""
    return round(CHART_TOP + (CHART_HEIGHT - CHART_TOP - CHART_BOTTOM) * (1 - score / 100), 1)


def _chart(rows: list[ScoreRow], slots: int) -> list[ChartPoint]:
    step = (CHART_WIDTH - CHART_LEFT - 20) / max(slots, 1)
    points = []
    for row in rows:
        if row.score is None:
            continue
        number = row.review.period.number
        points.append(
            ChartPoint(
                x=round(CHART_LEFT + step * (number - 0.5), 1),
                y=chart_y(float(min(max(row.score, Decimal(0)), Decimal(100)))),
                label=str(number),
                score=row.score,
            )
        )
    return points


def person_scores(*, viewer, person: Person, year: int | None = None) -> PersonScores:
    """``person``'s period scores of ``year`` (the latest year they have, by default), with the
    breakdown of each. The viewer sees only the reviews they may see; someone who may see none of
    this person's reviews is refused."""
    _require_viewer(viewer)
    is_self = viewer.person_id is not None and viewer.person_id == person.pk
    visible = reviews_visible(viewer).filter(person=person)
    years = sorted(set(visible.order_by().values_list("period__cycle__year", flat=True).distinct()), reverse=True)
    if not years and not is_self and not permissions.has_perm(viewer, "monitoring.see_all_reviews"):
        raise Refused
    year = _chosen_year(year, years, timezone.localdate())
    of_year = visible.filter(period__cycle__year=year)
    reviews = list(
        of_year.select_related("period__cycle", "unit")
        .only(
            "id",
            "state",
            "score",
            "score_exact",
            "explanation",
            "person_id",
            "evaluator_id",
            "approver_id",
            "unit__name",
            "unit__code",
            "period__id",
            "period__number",
            "period__starts_on",
            "period__cycle__id",
            "period__cycle__year",
            "period__cycle__frequency",
            "period__cycle__policy_id",
            "period__cycle__policy_overrides",
        )
        .order_by("period__starts_on", "period__cycle_id")
    )
    item_names = _item_names(of_year.filter(explanation__isnull=False).order_by())
    names_by_cycle: dict[int, dict[str, str]] = {}
    rows = []
    for review in reviews:
        cycle = review.period.cycle
        if cycle.pk not in names_by_cycle:
            names_by_cycle[cycle.pk] = _subcriterion_names(cycle)
        rows.append(
            ScoreRow(
                review=review,
                score=review.exact_score,
                breakdown=breakdown(
                    review.explanation, names=names_by_cycle[cycle.pk], item_names=item_names.get(review.pk, {})
                ),
            )
        )
    slots = 4 if reviews and reviews[0].period.cycle.frequency == "quarterly" else 12
    return PersonScores(person=person, year=year, years=years, rows=rows, is_self=is_self, chart=_chart(rows, slots))


def person_for_scores(*, viewer, staff_code: str | None, agency_id: int | None = None) -> Person:
    """The person whose scores are asked for: the viewer's own by default; else the one with
    this staff code in the agency given (staff codes are unique within an agency), or the only
    one with it. Two agencies' people sharing the code, with no agency given: not found."""
    _require_viewer(viewer)
    people = Person.objects.only("id", "staff_code", "full_name", "unit_id")
    if not staff_code:
        if viewer.person_id is None:
            raise Http404(_("Your account has no staff record."))
        return people.get(pk=viewer.person_id)
    people = people.filter(staff_code=staff_code)
    if agency_id is not None:
        people = people.filter(agency_id=agency_id)
    found = list(people.order_by("pk")[:2])
    if len(found) != 1:
        raise Http404(staff_code)
    return found[0]


# --- a unit's period -------------------------------------------------------------------------
def _late_items(today: date) -> Q:
    """An item is late when it missed an earlier due date, was completed after its due date, or
    is still not completed past it."""
    return Q(state__in=COUNTED_STATES) & (
        Q(missed_deadlines__gt=0) | Q(completed_on__gt=F("due_on")) | Q(completed_on__isnull=True, due_on__lt=today)
    )


def _per_review(expression, condition: Q | None = None) -> Coalesce:
    """A correlated subquery aggregating the review's items (no join, no GROUP BY on the page's query)."""
    rows = (
        WorkItem.objects.filter(condition or Q(), review=OuterRef("pk"))
        .order_by()
        .values("review_id")
        .annotate(total=expression)
        .values("total")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


@dataclass(frozen=True, slots=True)
class WaitingStep:
    label: str
    who: str
    due_on: date
    overdue: bool


@dataclass(frozen=True, slots=True)
class UnitReviewRow:
    review: Review
    late_items: int
    failed_checks: int
    waiting: list[WaitingStep]
    url: str


@dataclass
class UnitPeriod:
    unit: Unit
    period: Period
    rows: list[UnitReviewRow]
    counts: dict[str, int]


def _who(review: Review, actor: str) -> str:
    if actor == todo.PERSON:
        return review.person.full_name
    if actor == todo.EVALUATOR:
        return review.evaluator.full_name if review.evaluator_id else _("(no evaluator)")
    if review.approver_id:
        return review.approver.full_name
    return review.external_approver or _("(no approver)")


def _waiting(review: Review, today: date) -> list[WaitingStep]:
    return [
        WaitingStep(
            label=todo.step_label(step.kind),
            who=_who(review, step.actor),
            due_on=step.due_on,
            overdue=step.due_on < today,
        )
        for step in todo.review_steps(review, today)
    ]


def _reviews_with_facts(today: date):
    """Every review (approved ones too) with the facts :func:`todo.review_steps` reads and the
    counts the unit page shows, each a subquery of its own."""
    items = WorkItem.objects.filter(review=OuterRef("pk"))
    return Review.objects.annotate(
        has_assigned=Exists(items.filter(state=ItemState.ASSIGNED)),
        has_proposed=Exists(items.filter(state=ItemState.PROPOSED)),
        has_reported=Exists(items.filter(state=ItemState.REPORTED)),
        self_rated=Exists(
            GeneralRating.objects.filter(review=OuterRef("pk"), rater_role=RaterRole.SELF, submitted_at__isnull=False)
        ),
        late_items=_per_review(Count("id"), _late_items(today)),
        failed_checks=_per_review(Sum("quality_failures"), Q(state__in=COUNTED_STATES)),
    )


def unit_period(*, viewer, period_id: int, unit_code: str, today: date) -> UnitPeriod:
    """The reviews of a unit (and the units below it) in a period that the viewer may see. Only
    someone who evaluates or approves at least one of them, or sees everything, may open it.
    Two queries for the unit and period, one for the rows."""
    _require_viewer(viewer)
    try:
        period = Period.objects.select_related("cycle").get(pk=period_id)
        unit = Unit.objects.get(agency=period.cycle.agency_id, code=unit_code)
    except (Period.DoesNotExist, Unit.DoesNotExist):
        raise Http404(unit_code) from None
    visible_ids = reviews_visible(viewer).filter(period=period, unit__path__startswith=unit.path).values("pk")
    reviews = list(
        _reviews_with_facts(today)
        .filter(pk__in=visible_ids)
        .select_related("person", "unit", "evaluator", "approver")
        .only(
            "id",
            "state",
            "score",
            "score_exact",
            "plan_version",
            "acknowledged_version",
            "external_approver",
            "period_id",
            "person_id",
            "evaluator_id",
            "approver_id",
            "person__full_name",
            "person__staff_code",
            "person__sort_key",
            "unit__code",
            "unit__name",
            "unit__path",
            "evaluator__full_name",
            "approver__full_name",
        )
        .order_by("unit__path", "person__sort_key", "person__staff_code")
    )
    me = viewer.person_id
    if not permissions.has_perm(viewer, "monitoring.see_all_reviews") and not any(
        me in (review.evaluator_id, review.approver_id) for review in reviews
    ):
        raise Refused
    rows = []
    counts = defaultdict(int)
    for review in reviews:
        review.period = period
        waiting = _waiting(review, today) if review.state != ReviewState.APPROVED else []
        rows.append(
            UnitReviewRow(
                review=review,
                late_items=review.late_items,
                failed_checks=review.failed_checks,
                waiting=waiting,
                url=todo.review_url(review.pk),
            )
        )
        counts["reviews"] += 1
        counts[review.state] += 1
        counts["late_items"] += review.late_items
        counts["failed_checks"] += review.failed_checks
        counts["overdue_steps"] += sum(1 for step in waiting if step.overdue)
    return UnitPeriod(unit=unit, period=period, rows=rows, counts=dict(counts))


# --- completion across the agency ------------------------------------------------------------
STEP_PLAN, STEP_SELF, STEP_RATING, STEP_APPROVAL = "plan", "self_rating", "manager_rating", "approval"
STEP_DEADLINES = {
    STEP_PLAN: "assignment_due",
    STEP_SELF: "self_rating_due",
    STEP_RATING: "manager_rating_due",
    STEP_APPROVAL: "approval_due",
}


def step_name(step: str) -> str:
    return {
        STEP_PLAN: _("Plan acknowledged"),
        STEP_SELF: _("Self-rating"),
        STEP_RATING: _("Manager's rating"),
        STEP_APPROVAL: _("Approval"),
    }[step]


@dataclass(frozen=True, slots=True)
class StepCompletion:
    step: str
    name: str
    deadline: date
    done: int
    due: int  # not done, deadline not passed
    overdue: int  # not done, deadline passed

    @property
    def total(self) -> int:
        return self.done + self.due + self.overdue

    @property
    def percent_done(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


@dataclass(frozen=True, slots=True)
class CompletionRow:
    period: Period | None
    unit: Unit | None
    reviews: int
    steps: list[StepCompletion]
    has_children: bool = False


@dataclass
class Completion:
    year: int
    years: list[int]
    periods: list[CompletionRow]
    period: Period | None = None  # the period drilled into, if any
    unit: Unit | None = None  # the unit drilled into (its own row first, then one row per unit below it)
    ancestors: list[Unit] = field(default_factory=list)
    units: list[CompletionRow] = field(default_factory=list)


COUNTED_KEYS = ("reviews", *STEP_DEADLINES)


def _done_counts(filters: dict, group_by: str) -> dict[int, dict[str, int]]:
    """Per value of ``group_by`` (a column of the review), the reviews matching ``filters`` and
    how many have done each step. Two grouped queries, no subquery per review: the self-ratings
    are counted from their own table."""
    counts: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTED_KEYS, 0))
    rows = (
        Review.objects.filter(**filters)
        .order_by()
        .values(group_by)
        .annotate(
            reviews=Count("id"),
            **{
                STEP_PLAN: Count("id", filter=Q(acknowledged_version__gt=0)),
                STEP_RATING: Count("id", filter=Q(state__in=RATED_STATES)),
                STEP_APPROVAL: Count("id", filter=Q(state=ReviewState.APPROVED)),
            },
        )
    )
    for row in rows:
        counts[row[group_by]].update({key: value for key, value in row.items() if key != group_by})
    self_rated = (
        GeneralRating.objects.filter(
            rater_role=RaterRole.SELF,
            submitted_at__isnull=False,
            **{f"review__{name}": value for name, value in filters.items()},
        )
        .order_by()
        .values(f"review__{group_by}")
        .annotate(done=Count("id"))
    )
    for row in self_rated:
        counts[row[f"review__{group_by}"]][STEP_SELF] = row["done"]
    return counts


def _steps(counts: dict, period: Period, today: date) -> list[StepCompletion]:
    steps = []
    for step, deadline_field in STEP_DEADLINES.items():
        deadline = getattr(period, deadline_field)
        done = counts[step]
        pending = counts["reviews"] - done
        late = deadline < today
        steps.append(
            StepCompletion(
                step=step,
                name=step_name(step),
                deadline=deadline,
                done=done,
                due=0 if late else pending,
                overdue=pending if late else 0,
            )
        )
    return steps


def _require_completion_viewer(viewer) -> None:
    _require_viewer(viewer)
    permissions.require(viewer, "monitoring.see_all_reviews")


def completion(
    *, viewer, today: date, year: int | None = None, period_id: int | None = None, unit_code: str | None = None
) -> Completion:
    """Per period of ``year`` that has started, how many reviews have done each step, how many
    are still due and how many are overdue. With ``period_id``, the same for a unit (the top of
    the organisation by default) and for each unit directly below it, each counting the units
    below it: a drill-down, one level at a time. Four queries, eight with the drill-down."""
    _require_completion_viewer(viewer)
    years = sorted(set(Period.objects.order_by().values_list("cycle__year", flat=True).distinct()), reverse=True)
    year = _chosen_year(year, years, today)
    periods = {
        period.pk: period
        for period in Period.objects.filter(cycle__year=year, starts_on__lte=today).select_related("cycle")
    }
    by_period = _done_counts({"period_id__in": list(periods)}, "period_id")
    period_rows = [
        CompletionRow(
            period=period, unit=None, reviews=by_period[pk]["reviews"], steps=_steps(by_period[pk], period, today)
        )
        for pk, period in sorted(periods.items(), key=lambda entry: (entry[1].starts_on, entry[1].cycle_id))
        if by_period.get(pk, {}).get("reviews")
    ]
    result = Completion(year=year, years=years, periods=period_rows)
    if period_id is not None:
        period = periods.get(period_id)
        if period is None:
            raise Http404(period_id)
        result.period = period
        _unit_completion(result, period, unit_code, today)
    return result


def _unit_completion(result: Completion, period: Period, unit_code: str | None, today: date) -> None:
    # The period's agency: unit codes are unique within an agency.
    units = Unit.objects.filter(agency=period.cycle.agency_id).only("id", "code", "name", "path", "depth", "parent_id")
    try:
        top = units.get(code=unit_code) if unit_code else units.filter(parent__isnull=True).order_by("path").first()
    except Unit.DoesNotExist:
        raise Http404(unit_code) from None
    if top is None:
        return
    own = _done_counts({"period_id": period.pk, "unit__path__startswith": top.path}, "unit_id")
    paths = dict(Unit.objects.filter(pk__in=list(own)).values_list("pk", "path"))
    level = len([part for part in top.path.split("/") if part])
    totals: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTED_KEYS, 0))
    deeper: set[int] = set()  # units below the top with units below them holding reviews
    for unit_id, counts in own.items():
        parts = [int(part) for part in paths[unit_id].split("/") if part]
        targets = [top.pk] + ([parts[level]] if len(parts) > level else [])
        if len(parts) > level + 1:
            deeper.add(parts[level])
        for target in targets:
            for key in COUNTED_KEYS:
                totals[target][key] += counts[key]
    children = {unit.pk: unit for unit in units.filter(pk__in=[pk for pk in totals if pk != top.pk]).order_by("path")}
    result.unit = top
    result.ancestors = list(units.filter(pk__in=top.ancestor_ids()).order_by("path"))
    result.units = [
        CompletionRow(
            period=period, unit=top, reviews=totals[top.pk]["reviews"], steps=_steps(totals[top.pk], period, today)
        )
    ] + [
        CompletionRow(
            period=period,
            unit=unit,
            reviews=totals[pk]["reviews"],
            steps=_steps(totals[pk], period, today),
            has_children=pk in deeper,
        )
        for pk, unit in children.items()
    ]
