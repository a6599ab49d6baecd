"""One person's period score sheet: who, which period, each work item with its points in a, b
and c, the general criteria, the score and band, and the engine's explanation in plain words
(:mod:`congtam.scoring.explain.render`). Three queries: the review, its items, the names of the
policy's sub-criteria come from the preset (no query)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.http import Http404

from congtam.core import permissions
from congtam.monitoring.dashboards import Breakdown, breakdown
from congtam.monitoring.models import Review, WorkItem
from congtam.monitoring.summaries import labels
from congtam.monitoring.summaries.rows import SCORED_STATES, SIX_COMPONENTS, PolicyParts
from congtam.scoring import api as engine
from congtam.scoring.classify import points_band

# The period's explanation is one node of the yearly tree; render.py writes a node and its
# inputs as the readable lines the year's explanation is made of.
from congtam.scoring.explain.render import _render_node
from congtam.scoring.levels import Level


@dataclass(frozen=True, slots=True)
class SheetItem:
    name: str
    code: str
    factor: Decimal
    due_on: date
    completed_on: date | None
    state: str
    quality_failures: int
    late_count: int
    objective_cause: bool
    quantity: Decimal | None  # the converted credit the item gave in a, b and c
    quality: Decimal | None
    timeliness: Decimal | None


@dataclass
class ScoreSheet:
    review: Review
    items: list[SheetItem]
    breakdown: Breakdown | None
    score: Decimal | None
    deductions: Decimal | None
    band: Level | None
    explanation: list[str]

    @property
    def band_name(self) -> str:
        return labels.band_name(self.band) if self.band else ""


def review_for_sheet(*, viewer, pk: int) -> Review:
    try:
        review = Review.objects.select_related(
            "period__cycle__agency", "person", "unit", "position", "evaluator", "approver"
        ).get(pk=pk)
    except Review.DoesNotExist:
        raise Http404(pk) from None
    permissions.require(viewer, "monitoring.see_score_sheet", review)
    return review


def _subcriterion_names(policy) -> dict[str, str]:
    english = labels.language() == "en"
    return {entry["code"]: entry["name_en"] if english else entry["name_vi"] for entry in engine.general_levels(policy)}


def explanation_lines(tree, lang: str) -> list[str]:
    if not isinstance(tree, dict) or "value" not in tree:
        return []
    lines: list[str] = []
    _render_node(tree, lang, 0, lines)
    return lines


def score_sheet(review: Review) -> ScoreSheet:
    """The sheet of ``review`` (already allowed by :func:`review_for_sheet`)."""
    policy = review.period.cycle.engine_policy()
    items = [
        item
        for item in WorkItem.objects.filter(review=review).order_by("due_on", "id")
        if item.counts  # the items the score is over, in the order the engine was given them
    ]
    scored = review.state in SCORED_STATES and bool(review.score_exact)
    tree = review.explanation if scored else None
    names = {item.code or f"#{item.pk}": item.name for item in items}
    points = breakdown(tree, names=_subcriterion_names(policy), item_names=names) if tree else None
    credits = points.items if points and len(points.items) == len(items) else []
    rows = []
    for index, item in enumerate(items):
        credit = credits[index] if credits else None
        rows.append(
            SheetItem(
                name=item.name,
                code=item.code,
                factor=item.factor,
                due_on=item.due_on,
                completed_on=item.completed_on,
                state=item.get_state_display(),
                quality_failures=item.quality_failures,
                late_count=item.late_count,
                objective_cause=item.objective_cause,
                quantity=credit.quantity if credit else None,
                quality=credit.quality if credit else None,
                timeliness=credit.timeliness if credit else None,
            )
        )
    score = review.exact_score if scored else None
    parts = PolicyParts(policy)
    deductions = (
        parts.deductions(
            points.quantity_percent,
            points.quality_percent,
            points.timeliness_percent,
            six=(tree.get("inputs") or {}).get("t", {}).get("note") == SIX_COMPONENTS,
        )
        if points and "a" in ((tree.get("inputs") or {}).get("t", {}).get("inputs") or {})
        else None
    )
    return ScoreSheet(
        review=review,
        items=rows,
        breakdown=points,
        score=score,
        deductions=deductions,
        band=points_band(score, policy.settings) if score is not None else None,
        explanation=explanation_lines(tree, labels.language()),
    )
