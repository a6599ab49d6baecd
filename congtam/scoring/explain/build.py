"""Building explanation trees from an outcome (see :mod:`congtam.scoring.explain` for the format).

Trees are built on demand from the outcome (which keeps every intermediate value), so classifying
a cohort does not pay for explanations nobody reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from congtam.scoring.classify import (
    Condition,
    CriteriaVerdict,
    PeriodDetail,
    PeriodScore,
    RuleFiring,
)
from congtam.scoring.decimals import ZERO, exact_text
from congtam.scoring.levels import Level
from congtam.scoring.methods import (
    GeneralCriteriaResult,
    SubCriterion,
    TaskResult,
    WorkItem,
    subcriterion_level_points,
)
from congtam.scoring.policy import Policy, PolicySettings
from congtam.scoring.quota import Outcome, QuotaScope

Node = dict[str, Any]


def _parameter(name: str, value: Decimal) -> Node:
    return {"key": "parameter", "name": name, "value": exact_text(value)}


def _leaf(key: str, value: Decimal, **extra: Any) -> Node:
    return {"key": key, "value": exact_text(value), **extra}


def _formula(key: str, value: Decimal, formula: str, inputs: Mapping[str, Any], **extra: Any) -> Node:
    return {"key": key, "value": exact_text(value), "formula": formula, "inputs": dict(inputs), **extra}


def _item_credit_nodes(item: WorkItem, settings: PolicySettings) -> tuple[Node, Node, Node]:
    values = settings.values
    factor = _leaf("item_factor", item.factor, code=item.code)
    if not item.completed:
        zero = {
            "key": "item_credit",
            "code": item.code,
            "value": "0",
            "formula": "0",
            "inputs": {},
            "rule": "item_not_completed",
        }
        return ({**zero, "measure": "quantity"}, {**zero, "measure": "quality"}, {**zero, "measure": "timeliness"})
    quantity = _formula(
        "item_credit", item.factor, "f", {"f": factor}, code=item.code, measure="quantity", rule="item_completed"
    )
    if item.objective_cause:
        common = {"code": item.code, "rule": "item_objective_cause"}
        return (
            quantity,
            _formula("item_credit", item.factor, "f", {"f": factor}, measure="quality", **common),
            _formula("item_credit", item.factor, "f", {"f": factor}, measure="timeliness", **common),
        )
    quality_deduction: Decimal = values["quality_failure_deduction"]  # type: ignore[assignment]
    late_deduction: Decimal = values["late_deduction"]  # type: ignore[assignment]
    quality_value = item.factor * max(ZERO, 1 - quality_deduction * item.quality_failures)
    late_value = item.factor * max(ZERO, 1 - late_deduction * item.late_count)
    return (
        quantity,
        _formula(
            "item_credit",
            quality_value,
            "f * max(0, 1 - d * n)",
            {
                "f": factor,
                "d": _parameter("quality_failure_deduction", quality_deduction),
                "n": _leaf("quality_failures", Decimal(item.quality_failures)),
            },
            code=item.code,
            measure="quality",
            rule="item_quality_deduction",
        ),
        _formula(
            "item_credit",
            late_value,
            "f * max(0, 1 - d * n)",
            {
                "f": factor,
                "d": _parameter("late_deduction", late_deduction),
                "n": _leaf("late_count", Decimal(item.late_count)),
            },
            code=item.code,
            measure="timeliness",
            rule="item_late_deduction",
        ),
    )


def task_measure_nodes(task: TaskResult, settings: PolicySettings) -> tuple[Node, Node, Node]:
    """Quantity (a), quality (b), timeliness (c): each 100 × credited ÷ assigned converted items."""
    credits = [_item_credit_nodes(item, settings) for item in task.items]
    assigned = _formula(
        "assigned_converted",
        task.assigned,
        "sum(factors)",
        {"factors": [_leaf("item_factor", item.factor, code=item.code) for item in task.items]},
    )
    nodes = []
    for index, (key, credited, percent) in enumerate(
        (
            ("quantity_percent", task.completed, task.quantity_percent),
            ("quality_percent", task.quality_credit, task.quality_percent),
            ("timeliness_percent", task.timeliness_credit, task.timeliness_percent),
        )
    ):
        credited_node = _formula(
            "credited_converted", credited, "sum(credits)", {"credits": [item[index] for item in credits]}
        )
        nodes.append(_formula(key, percent, "100 * done / assigned", {"done": credited_node, "assigned": assigned}))
    return nodes[0], nodes[1], nodes[2]


def _weights(settings: PolicySettings) -> dict[str, Node]:
    return {
        "wa": _parameter("task_weight_quantity", settings.values["task_weight_quantity"]),  # type: ignore[arg-type]
        "wb": _parameter("task_weight_quality", settings.values["task_weight_quality"]),  # type: ignore[arg-type]
        "wc": _parameter("task_weight_timeliness", settings.values["task_weight_timeliness"]),  # type: ignore[arg-type]
    }


def _staff_part_node(value: Decimal, share: Decimal, values: Mapping[str, Any]) -> Node:
    return _formula(
        "unit_staff_part",
        value,
        "choose(share == 100, 100, part)",
        {
            "share": _leaf("unit_staff_share", share),
            "part": _parameter(
                "leader_staff_part_if_any_not_complete", values["leader_staff_part_if_any_not_complete"]
            ),
        },
    )


def _six_components_node(detail: PeriodDetail, settings: PolicySettings, a: Node, b: Node, c: Node) -> Node:
    """The six-component reading: ``tmax × (a + b + c + d + đ + e) / 6 / 100`` (đ is written p)."""
    six = detail.six_components
    assert six is not None
    values = settings.values
    plan = _leaf("unit_plan_percent", six.plan_percent)
    if six.further_stands_in:
        # No further criterion recorded: the preset lets the plan completion stand in for e.
        further = _formula("unit_further_percent", six.further_percent, "p", {"p": plan}, note="further_plan_stands_in")
    else:
        further = _leaf("unit_further_percent", six.further_percent)
    return _formula(
        "task_points",
        detail.task_points,
        "tmax * (a + b + c + d + p + e) / 6 / 100",
        {
            "tmax": _parameter("task_max_points", values["task_max_points"]),  # type: ignore[arg-type]
            "a": a,
            "b": b,
            "c": c,
            "d": _staff_part_node(six.staff_part, six.staff_share, values),
            "p": plan,
            "e": further,
        },
        note="leader_six_components",
    )


def task_points_node(detail: PeriodDetail, settings: PolicySettings) -> Node:
    values = settings.values
    a, b, c = task_measure_nodes(detail.task, settings)
    if detail.six_components is not None:
        return _six_components_node(detail, settings, a, b, c)
    task_max = _parameter("task_max_points", values["task_max_points"])  # type: ignore[arg-type]
    if detail.unit is None or detail.combined_percent is None or detail.own_percent is None:
        extra = {"note": "leader_without_unit_data"} if detail.leader_without_unit else {}
        return _formula(
            "task_points",
            detail.task_points,
            "tmax * (wa * a + wb * b + wc * c) / ((wa + wb + wc) * 100)",
            {"tmax": task_max, **_weights(settings), "a": a, "b": b, "c": c},
            **extra,
        )
    own = _formula(
        "leader_own_percent",
        detail.own_percent,
        "(wa * a + wb * b + wc * c) / (wa + wb + wc)",
        {**_weights(settings), "a": a, "b": b, "c": c},
    )
    unit = detail.unit
    staff_part = _formula(
        "unit_staff_part",
        unit.staff_part,
        "choose(share == 100, 100, part)",
        {
            "share": _leaf(
                "unit_staff_share", detail.unit_staff_share if detail.unit_staff_share is not None else unit.staff_part
            ),
            "part": _parameter(
                "leader_staff_part_if_any_not_complete", values["leader_staff_part_if_any_not_complete"]
            ),
        },
    )  # type: ignore[arg-type]
    unit_node = _formula(
        "unit_percent",
        unit.unit_percent,
        "(ws * staff + wp * plan) / (ws + wp)",
        {
            "ws": _parameter("leader_unit_staff_weight", values["leader_unit_staff_weight"]),  # type: ignore[arg-type]
            "wp": _parameter("leader_unit_plan_weight", values["leader_unit_plan_weight"]),  # type: ignore[arg-type]
            "staff": staff_part,
            "plan": _leaf("unit_plan_percent", unit.plan_percent),
        },
    )
    combined = _formula(
        "leader_combined_percent",
        detail.combined_percent,
        "(wo * own + wu * unit) / (wo + wu)",
        {
            "wo": _parameter("leader_own_items_weight", values["leader_own_items_weight"]),  # type: ignore[arg-type]
            "wu": _parameter("leader_unit_weight", values["leader_unit_weight"]),  # type: ignore[arg-type]
            "own": own,
            "unit": unit_node,
        },
    )
    return _formula(
        "task_points", detail.task_points, "tmax * combined / 100", {"tmax": task_max, "combined": combined}
    )


# Level r of an N-level anchored scale: max_points × anchored_rating_percent(r, N) / 100, written
# in the order methods.subcriterion_level_points computes it (same digits on recomputation).
LEVEL_POINTS_FORMULA = "m * (100 * (r - 1) / (n - 1)) / 100"


def _level_node(criterion: SubCriterion, level: int, points: Decimal) -> Node:
    """A sub-criterion rated by level: its points as a formula, the behaviour of the level chosen,
    and the points of every level of its scale (the scale shown under it)."""
    top = len(criterion.anchors)
    vietnamese, english = criterion.anchors[level - 1]
    return _formula(
        "subcriterion",
        points,
        LEVEL_POINTS_FORMULA,
        {
            "m": _leaf("subcriterion_maximum", criterion.max_points),
            "r": _leaf("subcriterion_level", Decimal(level)),
            "n": _leaf("subcriterion_levels", Decimal(top)),
        },
        code=criterion.code,
        maximum=exact_text(criterion.max_points),
        level=level,
        levels=top,
        anchor={"vi": vietnamese, "en": english},
        scale=[exact_text(subcriterion_level_points(criterion, each)) for each in range(1, top + 1)],
    )


def general_node(general: GeneralCriteriaResult, policy: Policy) -> Node:
    maxima = {criterion.code: criterion.max_points for criterion in policy.subcriteria}
    maxima["total"] = policy.settings.values["general_criteria_max_points"]  # type: ignore[assignment]
    if general.levels:
        criteria = {criterion.code: criterion for criterion in policy.subcriteria}
        levels = dict(general.levels)
        nodes = [_level_node(criteria[code], levels[code], value) for code, value in general.points]
    else:
        nodes = [
            _leaf("subcriterion", value, code=code, maximum=exact_text(maxima[code])) for code, value in general.points
        ]
    return _formula("general_criteria", general.total, "sum(points)", {"points": nodes})


def period_node(period: PeriodScore, policy: Policy) -> Node:
    detail = period.detail
    if detail is None:
        return {"key": "period_score", "value": exact_text(period.score), "period": period.period}
    resolve = getattr(detail, "resolve", None)
    if resolve is not None:  # a detail kept as its input (api.DeferredPeriodDetail): compute it once
        detail = resolve()
    return _formula(
        "period_score",
        period.score,
        "g + t",
        {"g": general_node(detail.general, policy), "t": task_points_node(detail, policy.settings)},
        period=period.period,
    )


def _condition_node(condition: Condition) -> Node:
    return {
        "subject": condition.subject,
        "value": exact_text(condition.value),
        "operator": condition.operator,
        "bound": exact_text(condition.bound),
        "parameter": condition.parameter,
        "holds": condition.holds,
    }


def _verdict_node(verdict: CriteriaVerdict) -> Node:
    return {
        "value": verdict.level.value,
        "fallback": verdict.fallback.value,
        "tests": [
            {
                "level": test.level.value,
                "mode": test.mode,
                "holds": test.holds,
                "conditions": [_condition_node(c) for c in test.conditions],
            }
            for test in verdict.tests
        ],
    }


def _rule_node(rule: RuleFiring) -> Node:
    return {
        "key": "rule",
        "rule": rule.rule,
        "effect": rule.effect,
        "level": rule.level.value,
        "before": rule.before.value,
        "after": rule.after.value,
        "conditions": [_condition_node(c) for c in rule.conditions],
        "facts": dict(rule.facts),
    }


def _quota_node(outcome: Outcome, scopes: Mapping[tuple[str, str], QuotaScope]) -> Node | None:
    if not outcome.placements:
        return None
    scope_nodes = []
    for placement in outcome.placements:
        scope = scopes[(placement.kind, placement.name)]
        scope_nodes.append(
            {
                "kind": placement.kind,
                "name": placement.name,
                "position": placement.position,
                "fits": placement.fits,
                "exempt": placement.exempt,
                "candidates": scope.candidates,
                "exception": scope.exception,
                "cap": {
                    "key": "quota_cap",
                    "value": str(scope.cap),
                    "formula": scope.cap_formula,
                    "base_rule": scope.base_rule,
                    "inputs": {
                        "share": _leaf("quota_share", scope.share),
                        "base": _leaf("quota_base_count", Decimal(scope.good_or_better)),
                    },
                },
            }
        )
    return {"key": "quota", "over_quota": outcome.over_quota, "value": outcome.level.value, "scopes": scope_nodes}


_POLICY_PARTS: dict[int, tuple[Policy, Node, dict[str, str]]] = {}


def _policy_parts(policy: Policy) -> tuple[Node, dict[str, str]]:
    """The parts of a tree that only depend on the policy, built once per policy object.

    Trees of one cohort share these (read-only) dicts; JSON output repeats them per person.
    """
    cached = _POLICY_PARTS.get(id(policy))
    if cached is not None and cached[0] is policy:
        return cached[1], cached[2]
    values = policy.settings.values
    policy_node = {
        "id": policy.id,
        "version": policy.version,
        "model": policy.model,
        "overrides": [f"{name}={value}" for name, value in policy.overrides],
    }
    thresholds = {}
    if policy.model == "points":
        thresholds = {
            Level.EXCELLENT.value: exact_text(values["threshold_excellent"]),  # type: ignore[arg-type]
            Level.GOOD.value: exact_text(values["threshold_good"]),  # type: ignore[arg-type]
            Level.COMPLETE.value: exact_text(values["threshold_complete"]),  # type: ignore[arg-type]
        }
    if len(_POLICY_PARTS) > 32:
        _POLICY_PARTS.clear()
    _POLICY_PARTS[id(policy)] = (policy, policy_node, thresholds)
    return policy_node, thresholds


def explanation_tree(outcome: Outcome, policy: Policy, scopes: Mapping[tuple[str, str], QuotaScope]) -> Node:
    classification = outcome.classification
    person = classification.person
    policy_node, thresholds = _policy_parts(policy)
    score = classification.score
    # Levels are str enums: ``_value_`` is their code, read without the enum property's call.
    score_node = None
    if classification.periods:
        score_node = {
            "key": "yearly_score",
            "value": exact_text(score or ZERO),
            "formula": "mean(periods)",
            "inputs": {
                "periods": [
                    {"key": "period_score", "value": exact_text(period.score), "period": period.period}
                    if period.detail is None
                    else period_node(period, policy)
                    for period in classification.periods
                ]
            },
        }
    band_node = None
    if thresholds and score is not None:
        band = classification.band
        band_node = {
            "key": "band",
            "value": band._value_ if band else None,
            "score": exact_text(score),
            "thresholds": thresholds,
        }
    criteria_node = None
    if classification.criteria is not None:
        assessment = classification.criteria
        criteria_node = {
            "key": "criteria",
            "value": assessment.level.value,
            "staff": _verdict_node(assessment.staff),
            "unit": _verdict_node(assessment.unit) if assessment.unit else None,
        }
    return {
        "staff_code": person.staff_code,
        "full_name": person.full_name,
        "unit": person.unit,
        "group": person.group,
        "is_leader": person.is_leader,
        "policy": policy_node,
        "score": score_node,
        "rank_score": exact_text(classification.rank_score),
        "band": band_node,
        "criteria": criteria_node,
        "rules": [_rule_node(rule) for rule in classification.rules] if classification.rules else [],
        "qualified": classification.qualified._value_,
        "quota": _quota_node(outcome, scopes) if outcome.placements else None,
        "level": outcome.level._value_,
        "over_quota": outcome.over_quota,
        "rank_in_group": outcome.rank_in_group,
    }
