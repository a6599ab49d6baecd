"""Every write of monitoring: one transaction, with its audit entry, through the declared
workflow transitions. Concurrent edits are refused, never silently overwritten: each service
that changes an existing row takes the ``version`` the user saw and locks the row."""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from congtam.accounts.permissions import refuse_own_record
from congtam.audit.services import AuditDraft, Subject, audit_record, audit_record_many
from congtam.catalogue import rules as catalogue_rules
from congtam.catalogue.models import CatalogueItem
from congtam.catalogue.selectors import catalogue_item_current
from congtam.core import permissions
from congtam.core.bulk import insert_rows
from congtam.core.permissions import Refused
from congtam.core.workflow import perform
from congtam.monitoring import conditions, events
from congtam.monitoring.evidence import check_link, check_upload
from congtam.monitoring.models import (
    CheckResult,
    Cycle,
    DueDateChange,
    Evidence,
    Frequency,
    GeneralRating,
    ItemState,
    Observation,
    Origin,
    Period,
    QualityCheck,
    RaterRole,
    Review,
    ReviewState,
    WorkItem,
)
from congtam.monitoring.scoring import policy_is_points, review_score
from congtam.org.authority import derive_all
from congtam.org.models import Unit, UnitRole
from congtam.org.services import ConcurrentEditError
from congtam.scoring import api as engine
from congtam.scoring.methods import MethodInputError
from congtam.vietnamese import clean_text

REVIEW_BATCH = 10_000


def _short(value: date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


def _concurrent(label: str) -> ConcurrentEditError:
    return ConcurrentEditError(
        _(
            "Someone else changed %(what)s while you were working on it. Nothing was overwritten: reload the page "
            "to see their change, then make yours again."
        )
        % {"what": label}
    )


def _lock_review(review: Review, expected_version: int | None = None) -> Review:
    locked = Review.objects.select_for_update().select_related("period__cycle", "person").get(pk=review.pk)
    if expected_version is not None and locked.version != expected_version:
        raise _concurrent(_("this period review"))
    return locked


def _lock_item(item: WorkItem, expected_version: int | None) -> WorkItem:
    locked = (
        WorkItem.objects.select_for_update().select_related("review__period__cycle", "review__person").get(pk=item.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise _concurrent(_("the item “%(name)s”") % {"name": locked.name})
    return locked


def _bump(instance) -> None:
    instance.version += 1


def _tell(person_ids, *, kind: str, title: str, body: str, review: Review) -> None:
    """Notify the people concerned (in the app, and by e-mail after the commit)."""
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from congtam.notifications.services import notify

    users = list(get_user_model().objects.filter(person_id__in=[pk for pk in person_ids if pk], is_active=True))
    if users:
        notify(users, kind=kind, title=title, body=body, url=reverse("monitoring:review", kwargs={"pk": review.pk}))


def _require_reason(text: str, field: str = "reason") -> str:
    text = clean_text(text or "")
    if not text:
        raise ValidationError({field: _("Give the reason.")})
    return text


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


# --- the plan ----------------------------------------------------------------------------------
def parse_factor(value) -> Decimal:
    """A work item's conversion factor, read and checked as a catalogue's
    (:func:`congtam.catalogue.rules.parse_factor`); the error is the ``factor`` field's."""
    try:
        return catalogue_rules.parse_factor(value)
    except ValidationError as error:
        raise ValidationError({"factor": error.error_list}) from None


def check_in_period(review: Review, value: date, field: str) -> None:
    check_within_period(review.period.starts_on, review.period.ends_on, value, field)


def check_within_period(starts_on: date, ends_on: date, value: date, field: str) -> None:
    """:func:`check_in_period` for a writer that has the period's dates but not the period."""
    if not starts_on <= value <= ends_on:
        raise ValidationError(
            {
                field: _("The date must lie within the period, from %(start)s to %(end)s.")
                % {"start": _short(starts_on), "end": _short(ends_on)}
            }
        )


def opens_plan_version(review) -> bool:
    """Whether a change to the plan of ``review`` (a Review, or a row with the same two
    versions) opens a new plan version: it does when the person has acknowledged the plan as it
    stands, so that they acknowledge the changed plan again."""
    return bool(review.acknowledged_version) and review.acknowledged_version == review.plan_version


def _plan_changed(review: Review) -> None:
    """A change to the plan of one review: a new plan version when it :func:`opens_plan_version`,
    and the review's version goes up. The bulk write does the same for many reviews at once
    (:func:`congtam.monitoring.bulk.work_items_write`)."""
    if opens_plan_version(review):
        review.plan_version += 1
    _bump(review)
    review.save(update_fields=["plan_version", "version"])


def item_values(item: WorkItem) -> dict:
    return {
        "code": item.code,
        "name": item.name,
        "factor": item.factor,
        "due_on": item.due_on,
        "state": item.state,
        "origin": item.origin,
        "plan_version": item.in_plan_version,
    }


def catalogue_item_for(review: Review, code: str) -> CatalogueItem:
    code = (code or "").strip()
    item = catalogue_item_current(review.position, code) if review.position_id else None
    if item is None:
        raise ValidationError(
            {"catalogue_code": _("“%(code)s” is not in the catalogue of this person's position.") % {"code": code}}
        )
    return item


def _new_item(
    review: Review,
    *,
    actor,
    origin: str,
    state: str,
    catalogue_code: str,
    name: str,
    factor,
    reason: str,
    due_on: date,
    unit_of_measure: str,
    source_system=None,
    source_id: str = "",
) -> WorkItem:
    check_in_period(review, due_on, "due_on")
    if catalogue_code:
        entry = catalogue_item_for(review, catalogue_code)
        values = {
            "catalogue_item": entry,
            "code": entry.code,
            "name": entry.name,
            "factor": entry.factor,
            "unit_of_measure": entry.unit,
            "quality_requirement": entry.quality_requirement,
        }
    else:
        name = clean_text(name or "")
        if not name:
            raise ValidationError({"name": _("Name the product or task.")})
        if factor in (None, ""):
            raise ValidationError({"factor": _("Give the conversion factor of an item outside the catalogue.")})
        values = {
            "name": name[:500],
            "factor": parse_factor(factor),
            "unit_of_measure": clean_text(unit_of_measure or "")[:100],
            "ad_hoc_reason": _require_reason(reason, "ad_hoc_reason"),
        }
    item = WorkItem(
        review=review,
        origin=origin,
        state=state,
        due_on=due_on,
        created_by=actor,
        in_plan_version=review.plan_version,
        source_system=source_system,
        source_id=source_id,
        **values,
    )
    item.full_clean(exclude=["review", "catalogue_item", "source_system", "created_by", "state"])
    item.save()
    return item


def _item_into_plan(*, actor, review: Review, permission: str, refusal: str, **content) -> tuple[Review, WorkItem]:
    """What assigning and proposing share: the review locked, the actor's permission, the plan
    still open, then the new item (``content``: the keyword arguments of :func:`_new_item`)."""
    review = _lock_review(review)
    permissions.require(actor, permission, review, message=refusal)
    if review.state not in conditions.PLAN_OPEN_STATES:
        raise ValidationError(str(conditions.plan_open.refusal_message))
    return review, _new_item(review, actor=actor, **content)


@transaction.atomic
def item_assign(
    *,
    actor,
    review: Review,
    due_on: date,
    catalogue_code: str = "",
    name: str = "",
    factor=None,
    ad_hoc_reason: str = "",
    unit_of_measure: str = "",
) -> WorkItem:
    """The evaluator assigns an item from the person's catalogue, or ad hoc with a factor and a reason."""
    review, item = _item_into_plan(
        actor=actor,
        review=review,
        permission="monitoring.plan_item",
        refusal=_("Only the person's evaluator assigns their work."),
        origin=Origin.MANAGER,
        state=ItemState.ASSIGNED,
        catalogue_code=catalogue_code,
        name=name,
        factor=factor,
        reason=ad_hoc_reason,
        due_on=due_on,
        unit_of_measure=unit_of_measure,
    )
    _plan_changed(review)
    item.in_plan_version = review.plan_version
    item.save(update_fields=["in_plan_version"])
    audit_record(
        actor=actor, event=events.ITEM_ASSIGNED, subject=item, new=item_values(item), reason=item.ad_hoc_reason
    )
    return item


@transaction.atomic
def item_propose(
    *,
    actor,
    review: Review,
    due_on: date,
    catalogue_code: str = "",
    name: str = "",
    factor=None,
    ad_hoc_reason: str = "",
    unit_of_measure: str = "",
) -> WorkItem:
    """The person proposes an item for the manager to accept or decline."""
    _review, item = _item_into_plan(
        actor=actor,
        review=review,
        permission="monitoring.propose_item",
        refusal=_("Only the person proposes items for their own plan."),
        origin=Origin.PERSON,
        state=ItemState.PROPOSED,
        catalogue_code=catalogue_code,
        name=name,
        factor=factor,
        reason=ad_hoc_reason,
        due_on=due_on,
        unit_of_measure=unit_of_measure,
    )
    audit_record(
        actor=actor, event=events.ITEM_PROPOSED, subject=item, new=item_values(item), reason=item.ad_hoc_reason
    )
    return item


def _item_transition(
    item: WorkItem,
    name: str,
    actor,
    *,
    expected_version: int,
    event: str,
    reason: str = "",
    change: Callable[[WorkItem], None] | None = None,
    plan_change: bool = False,
) -> WorkItem:
    # Locks in one order everywhere (the review, then its item), so two writers cannot deadlock.
    review = _lock_review(Review(pk=item.review_id)) if plan_change else None
    item = _lock_item(item, expected_version)
    if review is not None:
        item.review = review
    before = item_values(item)
    perform(item, name, actor)
    if change is not None:
        change(item)
    _bump(item)
    item.save()
    if review is not None:
        _plan_changed(review)
    audit_record(actor=actor, event=event, subject=item, old=before, new=item_values(item), reason=reason)
    return item


@transaction.atomic
def item_accept(*, actor, item: WorkItem, expected_version: int) -> WorkItem:
    return _item_transition(
        item, "accept", actor, expected_version=expected_version, event=events.ITEM_ACCEPTED, plan_change=True
    )


@transaction.atomic
def item_decline(*, actor, item: WorkItem, expected_version: int, reason: str) -> WorkItem:
    reason = _require_reason(reason)

    def change(row: WorkItem) -> None:
        row.decline_reason = reason

    item = _item_transition(
        item,
        "decline",
        actor,
        expected_version=expected_version,
        event=events.ITEM_DECLINED,
        reason=reason,
        change=change,
    )
    _tell(
        [item.review.person_id],
        kind="monitoring.proposal_declined",
        review=item.review,
        title=_("Your proposal “%(name)s” was declined") % {"name": item.name},
        body=reason,
    )
    return item


@transaction.atomic
def item_withdraw(*, actor, item: WorkItem, expected_version: int, reason: str) -> WorkItem:
    reason = _require_reason(reason)
    return _item_transition(
        item,
        "withdraw",
        actor,
        expected_version=expected_version,
        event=events.ITEM_WITHDRAWN,
        reason=reason,
        plan_change=True,
    )


@transaction.atomic
def item_move_due(*, actor, item: WorkItem, expected_version: int, new_due_on: date, reason: str) -> WorkItem:
    """The evaluator moves a due date, with the reason. A date already missed still counts as late."""
    reason = _require_reason(reason)
    item = _lock_item(item, expected_version)
    review = item.review
    permissions.require(
        actor, "monitoring.plan_item", review, message=_("Only the person's evaluator moves a due date.")
    )
    if (
        item.state != ItemState.ASSIGNED
        or review.state not in conditions.WORK_OPEN_STATES + conditions.PLAN_OPEN_STATES
    ):
        raise ValidationError(_("Only the due date of an assigned item not yet reported can move."))
    check_in_period(review, new_due_on, "new_due_on")
    before = item_values(item)
    missed = timezone.localdate() > item.due_on
    DueDateChange.objects.create(
        item=item, old_due_on=item.due_on, new_due_on=new_due_on, was_missed=missed, reason=reason, changed_by=actor
    )
    item.missed_deadlines += 1 if missed else 0
    item.due_on = new_due_on
    _bump(item)
    item.save()
    audit_record(
        actor=actor,
        event=events.ITEM_DUE_MOVED,
        subject=item,
        old=before,
        new={**item_values(item), "old_date_missed": missed},
        reason=reason,
    )
    return item


@transaction.atomic
def plan_acknowledge(*, actor, review: Review, expected_version: int) -> Review:
    """The person acknowledges the plan as it stands (its current version)."""
    review = _lock_review(review, expected_version)
    if review.state == ReviewState.PLANNING:
        perform(review, "acknowledge_plan", actor)
    elif not permissions.has_perm(actor, "monitoring.self_assess", review):
        raise Refused(_("Only the person acknowledges their plan."))
    elif review.acknowledged_version == review.plan_version:
        raise ValidationError(_("You have already acknowledged this version of the plan."))
    review.acknowledged_version = review.plan_version
    review.acknowledged_at = timezone.now()
    _bump(review)
    review.save()
    audit_record(actor=actor, event=events.PLAN_ACKNOWLEDGED, subject=review, new={"plan_version": review.plan_version})
    return review


# --- reporting and checking ------------------------------------------------------------------
@transaction.atomic
def item_report(*, actor, item: WorkItem, expected_version: int, completed_on: date, note: str = "") -> WorkItem:
    """The person reports an item done. The date decides lateness; it cannot be in the future."""
    locked = _lock_item(item, expected_version)
    period = locked.review.period
    today = timezone.localdate()
    if completed_on > today:
        raise ValidationError({"completed_on": _("The completion date cannot be in the future.")})
    if completed_on < period.starts_on:
        raise ValidationError(
            {
                "completed_on": _("The completion date cannot be before the period starts (%(start)s).")
                % {"start": _short(period.starts_on)}
            }
        )
    if today > period.reporting_due and permissions.has_perm(actor, "monitoring.report_item", locked):
        raise ValidationError(
            _("The reporting deadline of this period (%(date)s) has passed. Ask your manager to record the result.")
            % {"date": _short(period.reporting_due)}
        )

    def change(row: WorkItem) -> None:
        row.completed_on = completed_on
        row.report_note = clean_text(note or "")

    return _item_transition(
        locked, "report", actor, expected_version=locked.version, event=events.ITEM_REPORTED, change=change
    )


@transaction.atomic
def item_check(*, actor, item: WorkItem, expected_version: int, result: str, comment: str = "") -> WorkItem:
    """The evaluator's check: passed; or failed for a major error (a comment citing what is wrong
    is required; the item goes back for correction and one quality deduction counts); or, by the
    competent authority, an objective cause confirmed (no deduction)."""
    comment = clean_text(comment or "")
    if result == CheckResult.PASSED:
        name = "pass_check"
    elif result == CheckResult.FAILED:
        name = "fail_check"
        if len(comment) < 10:
            raise ValidationError({"comment": _("Say what is wrong: cite the error found (at least 10 characters).")})
    elif result == CheckResult.OBJECTIVE_CAUSE:
        name = "confirm_objective_cause"
        if not comment:
            raise ValidationError({"comment": _("Cite the objective cause and its confirmation.")})
    else:
        raise ValidationError({"result": _("Choose the result of the check.")})

    def change(row: WorkItem) -> None:
        if result == CheckResult.FAILED:
            row.quality_failures += 1
            row.completed_on = None
        elif result == CheckResult.OBJECTIVE_CAUSE:
            row.objective_cause = True
        QualityCheck.objects.create(item=row, result=result, comment=comment, checked_by=actor)

    item = _item_transition(
        item, name, actor, expected_version=expected_version, event=events.ITEM_CHECKED, reason=comment, change=change
    )
    if result == CheckResult.FAILED:
        _tell(
            [item.review.person_id],
            kind="monitoring.check_failed",
            review=item.review,
            title=_("“%(name)s” did not pass the quality check") % {"name": item.name},
            body=comment,
        )
    return item


@transaction.atomic
def evidence_add(*, actor, item: WorkItem, upload=None, link: str = "", description: str = "") -> Evidence:
    """The person attaches a document (type and size checked, stored outside the web root) or a
    link to the document system's record."""
    item = WorkItem.objects.select_related("review__period", "review__person").get(pk=item.pk)
    permissions.require(
        actor, "monitoring.report_item", item, message=_("Only the person attaches evidence to their items.")
    )
    if item.review.state in (ReviewState.SUBMITTED, ReviewState.APPROVED):
        raise ValidationError(_("The review is submitted: evidence can no longer be added."))
    link = (link or "").strip()
    if bool(upload) == bool(link):
        raise ValidationError(_("Attach one file or give one link."))
    if link:
        check_link(link)
    evidence = Evidence(item=item, link=link, description=clean_text(description or "")[:500], added_by=actor)
    if upload:
        evidence.content_type = check_upload(upload)
        evidence.original_name = upload.name[-255:]
        evidence.size = upload.size
        evidence.file.save(upload.name, upload, save=False)
    else:
        evidence.full_clean(exclude=["item", "file", "added_by"])
    evidence.save()
    audit_record(
        actor=actor,
        event=events.EVIDENCE_ADDED,
        subject=item,
        new={"file": evidence.original_name, "size": evidence.size, "link": evidence.link},
    )
    return evidence


@transaction.atomic
def evidence_viewed(*, actor, evidence: Evidence) -> None:
    """The download's audit entry, in a transaction of its own: a read changes nothing else."""
    audit_record(
        actor=actor,
        event=events.EVIDENCE_VIEWED,
        subject=evidence.item,
        new={"evidence": evidence.pk, "file": evidence.original_name},
    )


# --- ratings and the score ---------------------------------------------------------------------
def _scale(policy) -> dict[str, int]:
    return {entry["code"]: len(entry["levels"]) for entry in engine.general_levels(policy)}


@transaction.atomic
def rating_save(
    *,
    actor,
    review: Review,
    role: str,
    levels: dict[str, int],
    comments: dict[str, str] | None = None,
    expected_version: int = 0,
    submit: bool = False,
) -> GeneralRating:
    """Save (and with ``submit`` finish) the self-rating or the manager's rating of the general
    criteria. A manager's level at either end of the scale, or two levels or more from the
    person's own, must come with a comment citing what was observed."""
    review = _lock_review(review)
    if role == RaterRole.SELF:
        is_rater, open_states = (
            permissions.has_perm(actor, "monitoring.self_assess", review),
            (ReviewState.IN_PROGRESS,),
        )
    elif role == RaterRole.MANAGER:
        is_rater = permissions.has_perm(actor, "monitoring.evaluate_review", review)
        open_states = (ReviewState.IN_PROGRESS, ReviewState.SELF_ASSESSED, ReviewState.RETURNED)
    else:
        raise ValueError(role)
    if not is_rater:
        raise Refused(_("You may not rate this review."))
    if review.state not in open_states:
        raise ValidationError(
            _("The general criteria cannot be rated in the state “%(state)s”.") % {"state": review.get_state_display()}
        )
    policy = review.period.cycle.engine_policy()
    scale = _scale(policy)
    comments = {code: clean_text(text or "") for code, text in (comments or {}).items() if code in scale}
    clean_levels: dict[str, int] = {}
    errors: dict[str, list[str]] = {}
    for code, top in scale.items():
        raw = levels.get(code)
        if raw in (None, ""):
            if submit:
                errors.setdefault(code, []).append(_("Choose a level."))
            continue
        try:
            level = int(raw)
        except (TypeError, ValueError):
            level = 0
        if not 1 <= level <= top:
            errors.setdefault(code, []).append(_("Choose a level from 1 to %(top)s.") % {"top": top})
            continue
        clean_levels[code] = level
    if role == RaterRole.MANAGER:
        own = review.ratings.filter(rater_role=RaterRole.SELF).values_list("levels", flat=True).first() or {}
        for code, level in clean_levels.items():
            extreme = level in (1, scale[code])
            apart = code in own and abs(level - int(own[code])) >= 2
            if (extreme or apart) and len(comments.get(code, "")) < 10:
                errors.setdefault(code, []).append(
                    _(
                        "This level is at the end of the scale or two levels or more from the self-rating: cite what "
                        "you observed (at least 10 characters)."
                    )
                )
    if errors:
        raise ValidationError(errors)
    rating = GeneralRating.objects.select_for_update().filter(review=review, rater_role=role).first()
    if rating is None:
        if expected_version:
            raise _concurrent(_("this rating"))
        rating = GeneralRating(review=review, rater_role=role, version=0)
    elif rating.version != expected_version:
        raise _concurrent(_("this rating"))
    elif rating.submitted_at is not None and role == RaterRole.SELF:
        raise ValidationError(_("The self-assessment is already submitted."))
    before = {"levels": rating.levels, "comments": rating.comments} if rating.pk else None
    rating.levels, rating.comments, rating.rated_by = clean_levels, comments, actor
    rating.submitted_at = timezone.now() if submit else None
    rating.version += 1
    rating.save()
    audit_record(
        actor=actor,
        event=events.RATING_SAVED,
        subject=review,
        old=before,
        new={"role": role, "levels": clean_levels, "comments": comments, "submitted": submit},
    )
    if submit and role == RaterRole.SELF:
        perform(review, "submit_self_assessment", actor)
        _bump(review)
        review.save()
        audit_record(actor=actor, event=events.REVIEW_SELF_ASSESSED, subject=review, new={"state": review.state})
    return rating


def score_preview(review: Review):
    """The engine's score of a review as it stands (for the page, as the manager works)."""
    items = list(review.items.all())
    ratings = list(review.ratings.all())
    return review_score(review, items, ratings)


def period_not_ended(period) -> bool:
    """Whether the period is still running today: its score is sent early only with a reason."""
    return timezone.localdate() <= period.ends_on


@transaction.atomic
def review_submit(*, actor, review: Review, expected_version: int, early_reason: str = "") -> Review:
    """The evaluator submits: the score is computed again on the server, from the rows, and kept
    with its explanation for the approver.

    Before the period has ended, the work still due in it would count as not done: the score is
    sent early only with a reason (the person is leaving, long leave), which the approver sees."""
    review = _lock_review(review, expected_version)
    if period_not_ended(review.period):
        review.early_reason = _require_reason(early_reason, "early_reason")
    else:
        review.early_reason = ""
    perform(review, "submit_rating", actor)
    result = score_preview(review)
    if result.score is None or result.rater != RaterRole.MANAGER:
        raise ValidationError(result.problem or str(conditions.manager_rating_complete.refusal_message))
    review.set_score(result.score)
    review.explanation, review.scored_at = result.explanation, timezone.now()
    review.return_comment = ""
    _bump(review)
    review.save()
    audit_record(
        actor=actor,
        event=events.REVIEW_SUBMITTED,
        subject=review,
        new={"score": review.score_exact, "state": review.state},
        reason=review.early_reason,
    )
    early = (
        _("Sent before the period ends (%(date)s). Reason: %(reason)s")
        % {"date": _short(review.period.ends_on), "reason": review.early_reason}
        if review.early_reason
        else ""
    )
    _tell(
        [review.approver_id],
        kind="monitoring.review_submitted",
        review=review,
        title=_("%(name)s's score for %(period)s awaits your approval")
        % {"name": review.person.full_name, "period": review.period.label},
        body=early,
    )
    return review


@transaction.atomic
def review_return(*, actor, review: Review, expected_version: int, comment: str) -> Review:
    comment = _require_reason(comment, "comment")
    review = _lock_review(review, expected_version)
    perform(review, "return_to_evaluator", actor)
    review.return_comment = comment
    _bump(review)
    review.save()
    audit_record(actor=actor, event=events.REVIEW_RETURNED, subject=review, new={"state": review.state}, reason=comment)
    _tell(
        [review.evaluator_id],
        kind="monitoring.review_returned",
        review=review,
        body=comment,
        title=_("%(name)s's score for %(period)s was returned to you")
        % {"name": review.person.full_name, "period": review.period.label},
    )
    return review


@transaction.atomic
def review_approve(*, actor, review: Review, expected_version: int | None) -> Review:
    review = _lock_review(review, expected_version)
    perform(review, "approve", actor)
    review.approved_by, review.approved_at = actor, timezone.now()
    _bump(review)
    review.save()
    audit_record(
        actor=actor,
        event=events.REVIEW_APPROVED,
        subject=review,
        new={"score": review.score_exact, "state": review.state},
    )
    _tell(
        [review.person_id],
        kind="monitoring.review_approved",
        review=review,
        body="",
        title=_("Your score for %(period)s was approved") % {"period": review.period.label},
    )
    _leaders_rescore(actor=actor, period=review.period, unit_ids=[review.unit_id])
    return review


def _leaders_rescore(*, actor, period: Period, unit_ids) -> int:
    """After staff reviews are approved: the heads' and deputies' reviews above them whose score
    already awaits approval (sent before a staff review was added to the period) get their unit
    part computed again, once the last of their staff is approved; the audit keeps the change.
    The others need nothing: a leader's score is computed, with the unit part, when it is sent.
    Two queries when there is nobody to rescore. Returns how many scores changed."""
    from congtam.monitoring import leaders

    above = leaders.leader_units_above(period, unit_ids)
    waiting = (
        Review.objects.select_for_update()
        .select_related("period__cycle", "person", "unit")
        .filter(period=period, is_leader=True, unit_id__in=above, state=ReviewState.SUBMITTED)
    )
    changed = 0
    for leader in waiting:
        result = score_preview(leader)
        if result.score is None or (result.score == leader.exact_score and result.explanation == leader.explanation):
            continue
        old_score = leader.score_exact
        leader.set_score(result.score)
        leader.explanation, leader.scored_at = result.explanation, timezone.now()
        _bump(leader)
        leader.save()
        audit_record(
            actor=actor,
            event=events.REVIEW_UNIT_PART,
            subject=leader,
            old={"score": old_score},
            new={"score": leader.score_exact, "unit": result.explanation.get("leader")},
        )
        changed += 1
    return changed


@transaction.atomic
def reviews_approve(*, actor, reviews: Iterable[Review]) -> int:
    """Approve several reviews at once (a whole unit): each must be one the actor approves and
    awaiting approval; the others are left as they are. Returns how many were approved."""
    ids = [review.pk for review in reviews]
    locked = list(
        Review.objects.select_for_update().select_related("period__cycle", "person", "unit").filter(pk__in=ids)
    )
    # Staff first, then the leaders from the lowest unit up: a head's or deputy's approval waits
    # for their staff's (conditions.staff_reviews_approved), who may be approved in this batch.
    locked.sort(key=lambda review: (review.is_leader, -review.unit.depth))
    now = timezone.now()
    drafts = []
    for review in locked:
        if review.state != ReviewState.SUBMITTED or not permissions.has_perm(
            actor, "monitoring.approve_review", review
        ):
            continue
        if review.is_leader and not conditions.staff_reviews_approved(review):
            continue  # left as it is, like a review the actor does not approve
        perform(review, "approve", actor)
        review.approved_by, review.approved_at = actor, now
        _bump(review)
        review.save()
        drafts.append(
            AuditDraft(
                event=events.REVIEW_APPROVED,
                subject=Subject.of(review),
                new={"score": review.score_exact, "state": review.state},
            )
        )
    if drafts:
        audit_record_many(actor=actor, drafts=drafts)
        approved = [review for review in locked if review.state == ReviewState.APPROVED and review.approved_at == now]
        for period_id in {review.period_id for review in approved}:
            _leaders_rescore(
                actor=actor,
                period=next(review.period for review in approved if review.period_id == period_id),
                unit_ids={review.unit_id for review in approved if review.period_id == period_id},
            )
        if approved:
            from django.contrib.auth import get_user_model
            from django.urls import reverse

            from congtam.notifications.services import notify

            users = {
                user.person_id: user
                for user in get_user_model().objects.filter(
                    person_id__in=[review.person_id for review in approved], is_active=True
                )
            }
            for review in approved:
                if review.person_id in users:
                    notify(
                        [users[review.person_id]],
                        kind="monitoring.review_approved",
                        title=_("Your score for %(period)s was approved") % {"period": review.period.label},
                        url=reverse("monitoring:review", kwargs={"pk": review.pk}),
                    )
    return len(drafts)


@transaction.atomic
def review_amend(*, actor, review: Review, reason: str, item_corrections: dict[int, dict] | None = None) -> Review:
    """HR corrects a locked review: item facts (quality failures, objective cause, completion
    date) with a reason; the score is computed again and the original stays readable."""
    from congtam.monitoring.models import Amendment

    reason = _require_reason(reason)
    permissions.require(
        actor, "monitoring.correct_review", review, message=_("Only the personnel department corrects a locked review.")
    )
    refuse_own_record(actor, review.person_id)
    review = _lock_review(review)
    if review.state != ReviewState.APPROVED:
        raise ValidationError(
            _("Only an approved, locked review is corrected by amendment; before that, the evaluator changes it.")
        )
    allowed = {"quality_failures", "objective_cause", "completed_on"}
    changes = []
    for item in WorkItem.objects.select_for_update().filter(review=review, pk__in=list(item_corrections or {})):
        correction = item_corrections[item.pk]
        if set(correction) - allowed:
            raise ValidationError(
                _("Only an item's quality failures, objective cause or completion date can be corrected.")
            )
        before = {name: getattr(item, name) for name in correction}
        for name, value in correction.items():
            setattr(item, name, value)
        _bump(item)
        item.save()
        changes.append({"item": item.pk, "before": before, "after": correction})
    old_score, old_explanation = review.score_exact, review.explanation
    result = score_preview(review)
    if result.score is None:
        raise ValidationError(result.problem)
    review.set_score(result.score)
    Amendment.objects.create(
        review=review,
        old_score=old_score,
        new_score=review.score_exact,
        old_explanation=old_explanation,
        reason=reason,
        amended_by=actor,
    )
    review.explanation, review.scored_at = result.explanation, timezone.now()
    _bump(review)
    review.save()
    audit_record(
        actor=actor,
        event=events.REVIEW_AMENDED,
        subject=review,
        old={"score": old_score},
        new={"score": review.score_exact, "changes": changes},
        reason=reason,
    )
    return review


# --- observations ------------------------------------------------------------------------------
@transaction.atomic
def observation_write(*, actor, review: Review, observed_on: date, text: str) -> Observation:
    review = _lock_review(review)
    permissions.require(
        actor, "monitoring.observe", review, message=_("Only the person's evaluator writes observations.")
    )
    text = clean_text(text or "")
    if len(text) < 10:
        raise ValidationError({"text": _("Describe what you observed (at least 10 characters).")})
    if observed_on > timezone.localdate():
        raise ValidationError({"observed_on": _("An observation cannot be dated in the future.")})
    check_in_period(review, observed_on, "observed_on")
    observation = Observation.objects.create(review=review, observed_on=observed_on, text=text, author=actor)
    audit_record(
        actor=actor, event=events.OBSERVATION_WRITTEN, subject=review, new={"observed_on": observed_on, "text": text}
    )
    _tell(
        [review.person_id],
        kind="monitoring.observation",
        review=review,
        body=text,
        title=_("Your manager recorded an observation; you may answer it"),
    )
    return observation


@transaction.atomic
def observation_answer(*, actor, observation: Observation, answer: str) -> Observation:
    observation = (
        Observation.objects.select_for_update()
        .select_related("review__person", "review__period__cycle")
        .get(pk=observation.pk)
    )
    permissions.require(
        actor,
        "monitoring.answer_observation",
        observation,
        message=_("Only the person observed answers an observation."),
    )
    answer = clean_text(answer or "")
    if not answer:
        raise ValidationError({"answer": _("Write your answer.")})
    before = {"answer": observation.answer}
    observation.answer, observation.answered_at = answer, timezone.now()
    observation.save(update_fields=["answer", "answered_at"])
    audit_record(
        actor=actor, event=events.OBSERVATION_ANSWERED, subject=observation.review, old=before, new={"answer": answer}
    )
    return observation
