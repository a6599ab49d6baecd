"""A year of monitoring for the demo agency: several closed months and an open one, so that every
page has real content and the demo logins can walk each step of the open month.

The closed months are history: each review's items, checks, ratings and approval are written in
bulk as a record of what happened (a generator of the past, like an import of last year's
results), and each score is the engine's, computed from those rows. The open month runs through
the real services for the division of the demo logins, so its steps are taken as a user would.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from congtam.accounts.models import Role, User
from congtam.audit.services import audit_record
from congtam.catalogue.models import CatalogueItem
from congtam.demo.catalogues import load_demo_catalogues
from congtam.monitoring import cycles, events
from congtam.monitoring import items as item_services
from congtam.monitoring.leaders import unit_parts
from congtam.monitoring.models import (
    CheckResult,
    Cycle,
    GeneralRating,
    ItemState,
    Origin,
    Period,
    PeriodState,
    QualityCheck,
    RaterRole,
    Review,
    ReviewState,
    WorkItem,
)
from congtam.monitoring.scoring import review_score
from congtam.org.models import Category, Unit
from congtam.scoring import api as engine

DEMO_DIVISION = "VPL-P01"  # the division of the demo logins (nhanvien, truongphong)


@dataclass(frozen=True, slots=True)
class DemoYear:
    cycle_id: int
    closed_months: int
    open_month: int
    reviews: int
    items: int


def demo_months(today: date) -> tuple[int, int]:
    """The year shown and its open month: this year from April (at least three closed months),
    otherwise last year with its December open."""
    if today.month >= 4:
        return today.year, today.month
    return today.year - 1, 12


def _levels(rng: random.Random, scale: dict[str, int], good: float) -> dict[str, int]:
    levels = {}
    for code, top in scale.items():
        roll = rng.random()
        level = top if roll < good * 0.35 else top - 1 if roll < 0.85 else top - 2
        levels[code] = max(1, level)
    return levels


def _history_items(review: Review, catalogue: list[CatalogueItem], rng: random.Random, period: Period):
    """Four to nine items of the person's catalogue, most on time and to quality."""
    items = []
    days = (period.ends_on - period.starts_on).days
    for entry in rng.sample(catalogue, min(len(catalogue), rng.randint(4, 9))):
        due = period.starts_on + timedelta(days=rng.randint(5, days))
        roll = rng.random()
        late_days = 0 if roll < 0.85 else rng.randint(1, 4)
        done = rng.random() > 0.04
        failures = 1 if rng.random() < 0.08 else 0
        item = WorkItem(
            review=review,
            catalogue_item=entry,
            code=entry.code,
            name=entry.name,
            unit_of_measure=entry.unit,
            factor=entry.factor,
            quality_requirement=entry.quality_requirement,
            origin=Origin.MANAGER,
            state=ItemState.ACCEPTED if done else ItemState.ASSIGNED,
            due_on=due,
            completed_on=min(due + timedelta(days=late_days), period.ends_on) if done else None,
            quality_failures=failures if done else 0,
            in_plan_version=1,
        )
        items.append(item)
    return items


def _closed_month(
    cycle: Cycle,
    period: Period,
    reviews: list[Review],
    catalogues: dict,
    rng: random.Random,
    approvers: dict[int, User],
    scale: dict[str, int],
) -> int:
    """Write one closed month: items, checks, ratings, the engine's score, approval, closing."""
    all_items, plans = [], []
    for review in reviews:
        catalogue = catalogues.get(review.position_id) or []
        if not catalogue:
            continue
        items = _history_items(review, catalogue, rng, period)
        all_items.extend(items)
        plans.append((review, items))
    WorkItem.objects.bulk_create(all_items, batch_size=2000)
    checks, ratings, updates, leaders_to_score = [], [], [], []
    now = timezone.now()
    for review, items in plans:
        for item in items:
            if item.quality_failures:
                checks.append(
                    QualityCheck(
                        item=item,
                        result=CheckResult.FAILED,
                        comment="Sai sót về số liệu tổng hợp, đã yêu cầu chỉnh sửa",
                    )
                )
            if item.state == ItemState.ACCEPTED:
                checks.append(QualityCheck(item=item, result=CheckResult.PASSED))
        good = 0.5 + rng.random() * 0.5
        own = _levels(rng, scale, good)
        rated = _levels(rng, scale, good)
        rated = {code: level if abs(level - own[code]) < 2 else own[code] for code, level in rated.items()}
        self_rating = GeneralRating(review=review, rater_role=RaterRole.SELF, levels=own, submitted_at=now)
        manager_rating = GeneralRating(
            review=review,
            rater_role=RaterRole.MANAGER,
            levels=rated,
            submitted_at=now,
            comments={
                code: "Có minh chứng cụ thể trong kỳ" for code, level in rated.items() if level in (1, scale[code])
            },
        )
        ratings += [self_rating, manager_rating]
        if review.is_leader:
            # A head's or deputy's score includes their unit's: scored once the staff are approved.
            leaders_to_score.append((review, items, [self_rating, manager_rating]))
            continue
        updates.append(_approved(review, review_score(review, items, [self_rating, manager_rating]), now, approvers))
    QualityCheck.objects.bulk_create(checks, batch_size=2000)
    GeneralRating.objects.bulk_create(ratings, batch_size=2000)
    _write_approved(updates)
    leader_updates = []
    # The leaders of the units below are staff of those above: the lowest units first.
    for depth in sorted({review.unit.depth for review, _items, _rated in leaders_to_score}, reverse=True):
        parts = unit_parts(period)
        level = []
        for review, items, rated in leaders_to_score:
            if review.unit.depth == depth:
                result = review_score(review, items, rated, unit_parts=parts)
                if result.score is not None:  # not when one of their staff had no catalogue, so no month
                    level.append(_approved(review, result, now, approvers))
        _write_approved(level)
        leader_updates += level
    Period.objects.filter(pk=period.pk).update(state=PeriodState.CLOSED)
    audit_record(
        actor=None,
        actor_label="demo",
        event=events.DEMO_HISTORY,
        subject=period,
        new={"reviews": len(updates) + len(leader_updates), "items": len(all_items)},
    )
    return len(all_items)


def _approved(review: Review, result, now, approvers: dict[int, User]) -> Review:
    update = Review(
        pk=review.pk,
        state=ReviewState.APPROVED,
        plan_version=1,
        acknowledged_version=1,
        acknowledged_at=now,
        explanation=result.explanation,
        scored_at=now,
        approved_at=now,
        approved_by=approvers.get(review.approver_id),
        version=review.version + 6,
    )
    update.set_score(result.score)
    return update


def _write_approved(updates: list[Review]) -> None:
    Review.objects.bulk_update(
        updates,
        [
            "state",
            "plan_version",
            "acknowledged_version",
            "acknowledged_at",
            "score",
            "score_exact",
            "explanation",
            "scored_at",
            "approved_at",
            "approved_by",
            "version",
        ],
        batch_size=1000,
    )


def demo_history_year(*, agency, year: int, seed: int) -> int:
    """A whole year of monthly monitoring, every month closed (the history behind a finished
    year-end classification). Returns the number of work items written."""
    rng = random.Random(seed + year)
    hr = User.objects.filter(role=Role.HR, is_active=True).order_by("pk").first()
    root = Unit.objects.filter(agency=agency, parent__isnull=True).order_by("path")
    cycle = cycles.cycle_open(
        actor=hr,
        agency=agency,
        year=year,
        frequency="monthly",
        staff_group=Category.CONG_CHUC,
        policy_id="nd335",
        units=list(root),
    )
    cycles.reviews_open(cycle, actor=hr)
    catalogues: dict[int, list[CatalogueItem]] = {}
    for entry in CatalogueItem.objects.filter(position__agency=agency, version_to__isnull=True).order_by(
        "position", "code"
    ):
        catalogues.setdefault(entry.position_id, []).append(entry)
    users_by_person = {user.person_id: user for user in User.objects.filter(person__isnull=False, is_active=True)}
    scale = {entry["code"]: len(entry["levels"]) for entry in engine.general_levels(cycle.engine_policy())}
    items = 0
    for period in cycle.periods.order_by("number"):
        reviews = list(Review.objects.filter(period=period).select_related("period__cycle", "unit").order_by("pk"))
        items += _closed_month(cycle, period, reviews, catalogues, rng, users_by_person, scale)
    return items


def _open_month(
    period: Period,
    reviews: list[Review],
    catalogues: dict,
    rng: random.Random,
    users_by_person: dict[int, User],
    today: date,
) -> int:
    """The open month of the demo division, through the services, at different steps: some plans
    to acknowledge, some items reported and awaiting the check, one self-assessment done."""
    count = 0
    division = [review for review in reviews if review.unit.code == DEMO_DIVISION]
    last_day = min(today, period.ends_on)
    for review in division:
        manager = users_by_person.get(review.evaluator_id)
        catalogue = catalogues.get(review.position_id) or []
        if manager is None or not catalogue:
            continue
        items = []
        for entry in rng.sample(catalogue, min(len(catalogue), 3)):
            due = period.starts_on + timedelta(days=rng.randint(6, (period.ends_on - period.starts_on).days))
            items.append(item_services.item_assign(actor=manager, review=review, catalogue_code=entry.code, due_on=due))
            count += 1
        person = users_by_person.get(review.person_id)
        if person is None:
            continue  # only people with a login act; the others' plans wait for them
        item_services.plan_acknowledge(
            actor=person, review=review, expected_version=Review.objects.get(pk=review.pk).version
        )
        first = items[0]
        if first.due_on > period.starts_on and period.starts_on < last_day:
            completed = min(first.due_on, last_day)
            item_services.item_report(
                actor=person,
                item=first,
                expected_version=first.version,
                completed_on=completed,
                note="Đã hoàn thành và gửi lãnh đạo phòng",
            )
    return count


@transaction.atomic
def demo_year(*, agency, seed: int = 2026, today: date | None = None) -> DemoYear:
    """Open the demo year's monthly periods for the agency's civil servants and fill them."""
    today = today or timezone.localdate()
    year, open_month = demo_months(today)
    rng = random.Random(seed)
    if not CatalogueItem.objects.filter(position__agency=agency).exists():
        load_demo_catalogues(agency, rng)
    hr = User.objects.filter(role=Role.HR, is_active=True).order_by("pk").first()
    root = Unit.objects.filter(agency=agency, parent__isnull=True).order_by("path")
    cycle = cycles.cycle_open(
        actor=hr,
        agency=agency,
        year=year,
        frequency="monthly",
        staff_group=Category.CONG_CHUC,
        policy_id="nd335",
        units=list(root),
    )
    cycles.reviews_open(cycle, actor=hr)
    catalogues: dict[int, list[CatalogueItem]] = {}
    for entry in CatalogueItem.objects.filter(position__agency=agency, version_to__isnull=True).order_by(
        "position", "code"
    ):
        catalogues.setdefault(entry.position_id, []).append(entry)
    users_by_person = {user.person_id: user for user in User.objects.filter(person__isnull=False, is_active=True)}
    scale = {entry["code"]: len(entry["levels"]) for entry in engine.general_levels(cycle.engine_policy())}
    items = 0
    periods = {period.number: period for period in cycle.periods.all()}
    for number in range(1, open_month):
        reviews = list(
            Review.objects.filter(period=periods[number]).select_related("period__cycle", "unit").order_by("pk")
        )
        items += _closed_month(cycle, periods[number], reviews, catalogues, rng, users_by_person, scale)
    current = list(
        Review.objects.filter(period=periods[open_month]).select_related("period__cycle", "unit").order_by("pk")
    )
    items += _open_month(periods[open_month], current, catalogues, rng, users_by_person, today)
    return DemoYear(
        cycle_id=cycle.pk,
        closed_months=open_month - 1,
        open_month=open_month,
        reviews=Review.objects.filter(period__cycle=cycle).count(),
        items=items,
    )
