"""Monitoring writes for cycles and periods: opening a cycle and its periods, opening the
period reviews, checking the scores of a period and closing it. Each write is one transaction
with its audit entry; shared pieces are in :mod:`congtam.monitoring.services`."""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from congtam.audit.services import audit_record
from congtam.core import permissions
from congtam.core.bulk import insert_rows
from congtam.core.workflow import perform
from congtam.monitoring import events
from congtam.monitoring.models import (
    Cycle,
    Frequency,
    GeneralRating,
    Period,
    Review,
    ReviewState,
    WorkItem,
)
from congtam.monitoring.scoring import policy_is_points, review_score
from congtam.org.authority import derive_all
from congtam.org.models import Unit, UnitRole
from congtam.scoring import api as engine
from congtam.scoring.methods import MethodInputError

REVIEW_BATCH = 10_000


# --- cycles and periods ----------------------------------------------------------------------
def period_bounds(year: int, frequency: str, number: int) -> tuple[date, date]:
    if frequency == Frequency.MONTHLY:
        return date(year, number, 1), date(year, number, calendar.monthrange(year, number)[1])
    first_month = 3 * (number - 1) + 1
    last_month = first_month + 2
    return date(year, first_month, 1), date(year, last_month, calendar.monthrange(year, last_month)[1])


@transaction.atomic
def cycle_open(
    *,
    actor,
    agency,
    year: int,
    frequency: str,
    staff_group: str,
    policy_id: str,
    units: Iterable[Unit],
    policy_overrides: dict[str, str] | None = None,
    **deadline_days: int,
) -> Cycle:
    """HR opens a year's periods for a staff group in a scope of units. The periods are created
    here; the people's reviews by :func:`reviews_open` (a background job for large scopes)."""
    permissions.require(actor, "monitoring.manage_periods", message=_("Only the personnel department opens periods."))
    units = list(units)
    if not units:
        raise ValidationError({"units": _("Choose at least one unit.")})
    try:
        policy = engine.load_policy(policy_id, sorted((policy_overrides or {}).items()))
    except (MethodInputError, ValueError) as error:
        raise ValidationError({"policy_id": _("The policy cannot be used: %(error)s") % {"error": error}}) from None
    if not policy_is_points(policy):
        raise ValidationError(
            {"policy_id": _("Monthly and quarterly monitoring needs a points-model policy (such as nd335).")}
        )
    if _scope_overlaps(agency, year, staff_group, units):
        raise ValidationError(
            _("Periods of %(year)s are already open for this staff group in one of these units.") % {"year": year}
        )
    unknown = set(deadline_days) - {
        "assignment_days",
        "reporting_days",
        "self_rating_days",
        "manager_rating_days",
        "approval_days",
    }
    if unknown:
        raise TypeError(f"cycle_open() got unknown deadlines {sorted(unknown)}")
    cycle = Cycle.objects.create(
        agency=agency,
        year=year,
        frequency=frequency,
        staff_group=staff_group,
        policy_id=policy.id,
        policy_version=policy.version,
        policy_overrides=dict(policy_overrides or {}),
        created_by=actor,
        **deadline_days,
    )
    cycle.units.set(units)
    count = 12 if frequency == Frequency.MONTHLY else 4
    periods = []
    for number in range(1, count + 1):
        starts_on, ends_on = period_bounds(year, frequency, number)
        periods.append(
            Period(
                cycle=cycle,
                number=number,
                starts_on=starts_on,
                ends_on=ends_on,
                assignment_due=starts_on + timedelta(days=cycle.assignment_days),
                reporting_due=ends_on + timedelta(days=cycle.reporting_days),
                self_rating_due=ends_on + timedelta(days=cycle.self_rating_days),
                manager_rating_due=ends_on + timedelta(days=cycle.manager_rating_days),
                approval_due=ends_on + timedelta(days=cycle.approval_days),
            )
        )
    Period.objects.bulk_create(periods)
    audit_record(
        actor=actor,
        event=events.CYCLE_OPENED,
        subject=cycle,
        new={
            "year": year,
            "frequency": frequency,
            "staff_group": staff_group,
            "policy": f"{policy.id} {policy.version}",
            "units": sorted(unit.code for unit in units),
            "periods": count,
        },
    )
    return cycle


def _scope_overlaps(agency, year: int, staff_group: str, units: list[Unit]) -> bool:
    """Whether a cycle of the same year and staff group already covers one of ``units``, or a unit
    above or below one of them (a person is monitored in one cycle only)."""
    opened = Unit.objects.filter(
        pk__in=Cycle.units.through.objects.filter(
            cycle__agency=agency, cycle__year=year, cycle__staff_group=staff_group
        ).values("unit_id")
    ).values_list("path", flat=True)
    return any(old.startswith(new.path) or new.path.startswith(old) for old in opened for new in units)


def reviews_open(
    cycle: Cycle, *, actor=None, progress: Callable[[int, int], None] | None = None, batch_size: int = REVIEW_BATCH
) -> int:
    """Create every person's review in every period of ``cycle``; people who already have one are
    skipped, so running it again after an interruption finishes the work without doubles. Each
    batch is its own transaction with its audit entry. Returns the number created."""
    people = list(cycle.scope_people().values_list("id", "unit_id", "position_id", "unit_role"))
    authorities = {a.person_id: a for a in derive_all(agency=cycle.agency)}
    periods = list(cycle.periods.order_by("number"))
    total = len(people) * len(periods)
    created = done = 0
    for period in periods:
        existing = set(period.reviews.values_list("person_id", flat=True))
        for start in range(0, len(people), batch_size):
            batch = [row for row in people[start : start + batch_size] if row[0] not in existing]
            if batch:
                created += _reviews_create(period, batch, authorities, actor)
            done += min(batch_size, len(people) - start)
            if progress is not None:
                progress(done, total)
    return created


_REVIEW_FIELDS = (
    "period",
    "person",
    "unit",
    "position",
    "is_leader",
    "evaluator",
    "approver",
    "external_approver",
    "state",
    "plan_version",
    "acknowledged_version",
    "score_exact",
    "return_comment",
    "version",
)


@transaction.atomic
def _reviews_create(period: Period, rows, authorities, actor) -> int:
    """One batch of new reviews, as plain rows (COPY on PostgreSQL): a year for 100,000 people is
    1.2 million of them. The unique (period, person) constraint stops any double."""
    values = []
    for person_id, unit_id, position_id, unit_role in rows:
        authority = authorities.get(person_id)
        evaluator = authority.evaluator.person_id if authority else None
        approver = authority.approver.person_id if authority else None
        external = authority.approver.external if authority else ""
        values.append(
            (
                period.pk,
                person_id,
                unit_id,
                position_id,
                unit_role in (UnitRole.HEAD, UnitRole.DEPUTY),
                evaluator if evaluator != person_id else None,
                approver if approver != person_id else None,
                external,
                ReviewState.PLANNING,
                1,
                0,
                "",
                "",
                1,
            )
        )
    insert_rows(Review, _REVIEW_FIELDS, values)
    audit_record(
        actor=actor,
        event=events.REVIEWS_CREATED,
        subject=period,
        new={"count": len(values), "first_person": rows[0][0], "last_person": rows[-1][0]},
    )
    return len(values)


@dataclass(frozen=True, slots=True)
class _ItemRow:
    """A work item read as plain values (scoring a whole month reads millions of them)."""

    pk: int
    code: str
    factor: Decimal
    state: str
    due_on: date
    completed_on: date | None
    missed_deadlines: int
    quality_failures: int
    objective_cause: bool

    counts = WorkItem.counts
    late_count = WorkItem.late_count


@dataclass(frozen=True, slots=True)
class _RatingRow:
    rater_role: str
    levels: dict


@dataclass
class PeriodCheck:
    checked: int = 0
    not_approved: list[int] = field(default_factory=list)  # review ids
    differing: list[int] = field(default_factory=list)  # review ids whose stored score is not the engine's


def period_check_scores(
    period: Period, *, progress: Callable[[int, int], None] | None = None, batch_size: int = 2000
) -> PeriodCheck:
    """Compute again, with the engine and from the rows, the score of every review of the period,
    and compare it with the score stored at submission. Nothing is written: a difference means a
    row changed behind the services' back, and is reported, never silently corrected.

    The unit part of every head's and deputy's score is computed again too, for all of them at
    once (two queries for the period, see :func:`congtam.monitoring.leaders.unit_parts`)."""
    from congtam.monitoring.leaders import unit_parts

    result = PeriodCheck()
    ids = list(period.reviews.order_by("pk").values_list("pk", flat=True))
    parts = unit_parts(period)
    for start in range(0, len(ids), batch_size):
        batch = ids[start : start + batch_size]
        reviews = list(
            Review.objects.filter(pk__in=batch)
            .select_related("period__cycle")
            .only(
                "pk",
                "state",
                "score_exact",
                "unit_id",
                "is_leader",
                "period__number",
                "period__cycle__policy_id",
                "period__cycle__policy_overrides",
            )
            .order_by("pk")
        )
        items: dict[int, list[_ItemRow]] = {}
        for row in (
            WorkItem.objects.filter(review_id__in=batch)
            .values_list(
                "review_id",
                "pk",
                "code",
                "factor",
                "state",
                "due_on",
                "completed_on",
                "missed_deadlines",
                "quality_failures",
                "objective_cause",
            )
            .order_by("review_id", "due_on", "pk")
            .iterator(chunk_size=10_000)
        ):
            items.setdefault(row[0], []).append(_ItemRow(*row[1:]))
        ratings: dict[int, list[_RatingRow]] = {}
        for review_id, role, levels in GeneralRating.objects.filter(review_id__in=batch).values_list(
            "review_id", "rater_role", "levels"
        ):
            ratings.setdefault(review_id, []).append(_RatingRow(role, levels))
        for review in reviews:
            if review.state != ReviewState.APPROVED:
                result.not_approved.append(review.pk)
                continue
            computed = review_score(
                review, items.get(review.pk, []), ratings.get(review.pk, []), unit_parts=parts
            ).score
            if computed != review.exact_score:
                result.differing.append(review.pk)
            result.checked += 1
        if progress is not None:
            progress(min(start + batch_size, len(ids)), len(ids))
    return result


def period_close(*, actor, period: Period, progress: Callable[[int, int], None] | None = None) -> PeriodCheck:
    """HR closes a month: every review must be approved and its stored score must be the engine's,
    computed again from the rows; then the period locks. Otherwise nothing changes and the check
    says which reviews stand in the way."""
    permissions.require(
        actor, "monitoring.manage_periods", period, message=_("Only the personnel department closes a period.")
    )
    check = period_check_scores(period, progress=progress)
    if check.not_approved or check.differing:
        return check
    with transaction.atomic():
        locked = Period.objects.select_for_update().select_related("cycle").get(pk=period.pk)
        perform(locked, "close", actor)
        locked.save()
        audit_record(
            actor=actor,
            event=events.PERIOD_CLOSED,
            subject=locked,
            new={"state": locked.state, "reviews_checked": check.checked},
        )
    return check
