"""What a source system may read: its own work items and the period scores of the people in its
units. Each list is one query (plus one for the items' documents), however long."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from congtam.monitoring.bulk import BatchScope
from congtam.monitoring.models import Evidence, Review, ReviewState, WorkItem
from congtam.monitoring.period_keys import PeriodKey
from congtam.org.models import Unit

SCORE_STATES = (ReviewState.SUBMITTED, ReviewState.APPROVED)


def system_scope(system) -> BatchScope:
    return BatchScope(unit_paths=tuple(system.scope_paths))


def _period_filter(prefix: str, key: PeriodKey) -> dict:
    return {
        f"{prefix}period__cycle__year": key.year,
        f"{prefix}period__cycle__frequency": key.frequency,
        f"{prefix}period__number": key.number,
    }


def system_items(*, system, period: PeriodKey | None = None, staff_code: str = "") -> QuerySet[WorkItem]:
    items = WorkItem.objects.filter(system_scope(system).q("review__"), source_system=system)
    if period is not None:
        items = items.filter(**_period_filter("review__", period))
    if staff_code:
        items = items.filter(review__person__staff_code=staff_code)
    return (
        items.select_related("review__person", "review__period__cycle")
        .only(
            "id",
            "source_id",
            "code",
            "name",
            "factor",
            "origin",
            "state",
            "due_on",
            "completed_on",
            "report_note",
            "quality_failures",
            "objective_cause",
            "missed_deadlines",
            "version",
            "catalogue_item_id",
            "review__id",
            "review__state",
            "review__person__staff_code",
            "review__period__number",
            "review__period__cycle__year",
            "review__period__cycle__frequency",
        )
        .prefetch_related(
            Prefetch(
                "evidence", queryset=Evidence.objects.exclude(link="").only("id", "item_id", "link", "description")
            )
        )
        .order_by("id")
    )


def system_item(*, system, source_id: str) -> WorkItem | None:
    return system_items(system=system).filter(source_id=source_id).first()


def unit_in_scope(*, system, code: str) -> Unit | None:
    """The unit with this code among the system's units and those below them."""
    paths = tuple(system.scope_paths)
    for unit in Unit.objects.filter(code=code).only("id", "code", "path"):
        if unit.path.startswith(paths):
            return unit
    return None


def period_scores(*, system, period: PeriodKey, unit: Unit | None = None) -> QuerySet[Review]:
    """Scores submitted for approval or approved, of the people in the system's units."""
    reviews = Review.objects.filter(system_scope(system).q(), state__in=SCORE_STATES, **_period_filter("", period))
    if unit is not None:
        reviews = reviews.filter(unit__path__startswith=unit.path)
    return (
        reviews.select_related("person", "unit", "period__cycle")
        .only(
            "id",
            "state",
            "score_exact",
            "approved_at",
            "scored_at",
            "person__staff_code",
            "person__full_name",
            "unit__code",
            "period__number",
            "period__cycle__year",
            "period__cycle__frequency",
        )
        .order_by("id")
    )
