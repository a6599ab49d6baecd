"""Reads of monitoring, with who may see what decided here.

A person sees their own reviews; an evaluator those they evaluate; an approver those they
approve; HR and the admin all of the agency's; the inspector everything, read-only. Leadership
sees all, read-only, for the dashboards.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language

from congtam.core import permissions, workflow
from congtam.monitoring.models import (
    Cycle,
    Evidence,
    GeneralRating,
    ItemState,
    Observation,
    QualityCheck,
    RaterRole,
    Review,
    WorkItem,
)
from congtam.monitoring.permissions import visible_reviews
from congtam.monitoring.scoring import ScoreResult, review_score
from congtam.scoring import api as engine


def _require_viewer(viewer) -> None:
    permissions.require(viewer, "monitoring.view")


def reviews_visible(viewer) -> QuerySet[Review]:
    _require_viewer(viewer)
    return visible_reviews(viewer, Review.objects.all())


def review_get(*, viewer, pk: int) -> Review:
    _require_viewer(viewer)
    try:
        review = Review.objects.select_related(
            "period__cycle", "person", "unit", "position", "evaluator", "approver", "outside_decision"
        ).get(pk=pk)
    except Review.DoesNotExist:
        raise Http404(pk) from None
    permissions.require(viewer, "monitoring.see_review", review)
    return review


@dataclass
class ItemRow:
    item: WorkItem
    actions: set[str]


@dataclass(frozen=True)
class OpenWork:
    """What is still open in a review's period, and until when (the page says it before the score
    is sent, so that nobody scores a period whose work is still due)."""

    period_ends_on: date
    running: bool  # the period has not ended yet
    open_items: int  # assigned or reported, not yet accepted
    last_due_on: date | None


@dataclass
class ReviewPage:
    review: Review
    items: list[ItemRow]
    other_items: list[ItemRow]  # proposed, declined, withdrawn
    ratings: dict[str, GeneralRating]
    observations: list[Observation]
    scale: list[dict]
    scale_names: dict[str, str]
    score: ScoreResult
    actions: set[str]
    is_person: bool
    is_evaluator: bool
    is_approver: bool
    open_work: OpenWork
    totals: dict = field(default_factory=dict)


def review_page(*, viewer, pk: int) -> ReviewPage:
    """Everything the review page shows, in a fixed number of queries."""
    review = review_get(viewer=viewer, pk=pk)
    items = list(
        review.items.select_related("catalogue_item")
        .prefetch_related(
            Prefetch("checks", queryset=QualityCheck.objects.select_related("checked_by__person")),
            Prefetch("evidence", queryset=Evidence.objects.order_by("added_at", "id")),
        )
        .order_by("due_on", "id")
    )
    for item in items:
        item.review = review  # the conditions read the review's state: no query per item
    ratings = {rating.rater_role: rating for rating in review.ratings.all()}
    observations = list(review.observations.select_related("author__person"))
    rows = [ItemRow(item, workflow.action_names(item, viewer)) for item in items]
    me = viewer.person_id
    counted = [row for row in rows if row.item.counts]
    policy = review.period.cycle.engine_policy()
    scale = engine.general_levels(policy)
    english = get_language() == "en"
    for entry in scale:
        entry["name"] = entry["name_en"] if english else entry["name_vi"]
        for level in entry["levels"]:
            level["text"] = level["en"] if english else level["vi"]
    return ReviewPage(
        review=review,
        items=counted,
        other_items=[row for row in rows if not row.item.counts],
        ratings=ratings,
        observations=observations,
        scale=scale,
        scale_names={entry["code"]: entry["name"] for entry in scale},
        score=review_score(review, items, list(ratings.values())),
        actions=workflow.action_names(review, viewer),
        is_person=me is not None and me == review.person_id,
        is_evaluator=me is not None and me == review.evaluator_id,
        is_approver=me is not None and me == review.approver_id,
        open_work=_open_work(review, counted),
        totals={
            "assigned": sum(row.item.factor for row in counted),
            "late": sum(1 for row in counted if row.item.late_count),
            "failed": sum(row.item.quality_failures for row in counted),
            "awaiting_check": sum(1 for row in counted if row.item.state == ItemState.REPORTED),
        },
    )


def _open_work(review: Review, counted: list[ItemRow]) -> OpenWork:
    still_open = [row.item.due_on for row in counted if row.item.state in (ItemState.ASSIGNED, ItemState.REPORTED)]
    return OpenWork(
        period_ends_on=review.period.ends_on,
        running=timezone.localdate() <= review.period.ends_on,
        open_items=len(still_open),
        last_due_on=max(still_open, default=None),
    )


def evidence_get(*, viewer, pk: int) -> Evidence:
    _require_viewer(viewer)
    try:
        evidence = Evidence.objects.select_related("item__review").get(pk=pk)
    except Evidence.DoesNotExist:
        raise Http404(pk) from None
    permissions.require(viewer, "monitoring.see_evidence", evidence.item.review)
    return evidence


def rating_for(review: Review, role: str) -> GeneralRating | None:
    return review.ratings.filter(rater_role=role).first()


SELF, MANAGER = RaterRole.SELF, RaterRole.MANAGER


def score_with_levels(page: ReviewPage, *, role: str, levels: dict[str, str]) -> ScoreResult:
    """The engine's score of the page's review if the ``role``'s rating had these levels (nothing
    is saved: the manager sees the effect of each choice as they make it)."""
    chosen = {}
    for code, value in levels.items():
        try:
            chosen[code] = int(value)
        except (TypeError, ValueError):
            continue
    ratings = [rating for other, rating in page.ratings.items() if other != role]
    ratings.append(GeneralRating(review=page.review, rater_role=role, levels=chosen))
    items = [row.item for row in page.items + page.other_items]
    if role == RaterRole.SELF:
        ratings = [rating for rating in ratings if rating.rater_role == RaterRole.SELF]
    return review_score(page.review, items, ratings)


def cycles_visible(*, viewer):
    """Every signed-in person may see which periods are open (dates and deadlines are not secret)."""
    _require_viewer(viewer)
    return (
        Cycle.objects.select_related("agency", "created_by")
        .annotate(period_count=Count("periods", distinct=True))
        .order_by("-year", "staff_group", "-created_at")
    )


def cycle_detail(*, viewer, pk: int):
    _require_viewer(viewer)
    try:
        cycle = Cycle.objects.select_related("agency").prefetch_related("units").get(pk=pk)
    except Cycle.DoesNotExist:
        raise Http404(pk) from None
    periods = list(
        cycle.periods.annotate(
            review_count=Count("reviews"),
            approved_count=Count("reviews", filter=Q(reviews__state="approved")),
        ).order_by("number")
    )
    return cycle, periods


def my_reviews(*, viewer) -> list[Review]:
    """The viewer's own reviews, the latest period first."""
    _require_viewer(viewer)
    if viewer.person_id is None:
        return []
    return list(
        Review.objects.filter(person_id=viewer.person_id)
        .select_related("period__cycle", "unit")
        .order_by("-period__starts_on")
    )


def reviews_awaiting_approval(*, viewer, period, unit) -> list[Review]:
    """The reviews of ``unit`` (and the units below it) in ``period`` that await ``viewer``'s
    approval: never anyone else's, never the viewer's own."""
    _require_viewer(viewer)
    if viewer.person_id is None:
        return []
    return list(
        Review.objects.filter(
            period=period,
            unit__path__startswith=unit.path,
            approver_id=viewer.person_id,
            state="submitted",
        )
        .exclude(person_id=viewer.person_id)
        .only("pk")
    )
