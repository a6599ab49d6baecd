"""Explanations: from each person's inputs to their level, as plain JSON-ready data.

Every number is a node ``{"key", "value", "formula", "inputs"}``. ``value`` is the exact Decimal as
text; ``formula`` is a small arithmetic expression over the names in ``inputs`` (``+ - * /``,
``sum``, ``mean``, ``min``, ``max``, ``floor``, ``round_half_up``, ``choose``), written in the very
order the engine computes, so that :func:`recheck` — or an inspector with a calculator — gets the
same digits from the JSON alone. Levels are nodes too: the threshold band, the criteria tests, each
overriding rule (before → after), and the quota placement in each scope.

Trees are built on demand from the outcome (which keeps every intermediate value), so classifying
a cohort does not pay for explanations nobody reads.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, localcontext
from functools import lru_cache
from typing import Any

from congtam.scoring.classify import (
    Condition,
    CriteriaVerdict,
    PeriodDetail,
    PeriodScore,
    RuleFiring,
    compare,
)
from congtam.scoring.decimals import (
    ENGINE_CONTEXT,
    ZERO,
    exact_text,
    floor_to_int,
    format_display,
    half_up_to_int,
    to_decimal,
)
from congtam.scoring.levels import Level, level_name
from congtam.scoring.messages import message
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

# --- building --------------------------------------------------------------------------------


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


def task_points_node(detail: PeriodDetail, settings: PolicySettings) -> Node:
    values = settings.values
    a, b, c = task_measure_nodes(detail.task, settings)
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


# --- reasons (the "Lý do" column) -------------------------------------------------------------


def reasons(outcome: Outcome, policy: Policy, scopes: Mapping[tuple[str, str], QuotaScope], lang: str) -> list[str]:
    """The rules that fired, in words, in order."""
    classification = outcome.classification
    mark = "." if lang == "en" else ","
    texts: list[str] = []
    if classification.model == "points" and classification.score is not None and classification.band is not None:
        texts.append(
            message(
                "reason_band", lang, score=format_display(classification.score, mark), level=classification.band.value
            )
        )
    elif classification.criteria is not None:
        assessment = classification.criteria
        texts.append(message("reason_criteria", lang, level=assessment.staff.level.value))
        if assessment.unit is not None:
            texts.append(message("reason_unit_criteria", lang, level=assessment.unit.level.value))
    for rule in classification.rules:
        facts = dict(rule.facts)
        params: dict[str, object] = {"level": rule.level.value, "after": rule.after.value}
        if "discipline" in facts:
            params["measure"] = message(f"discipline_{facts['discipline']}", lang)
        if rule.conditions:
            params["months"] = format_display(rule.conditions[0].value, mark).rstrip("0").rstrip(mark)
        texts.append(message(f"reason_{rule.rule}", lang, **params))
    for placement in outcome.placements:
        scope = scopes[(placement.kind, placement.name)]
        scope_label = message(f"scope_{placement.kind}", lang, name=placement.name)
        if scope.quota_zero and not placement.fits:
            texts.append(message("reason_quota_zero", lang, scope=scope_label, base=scope.good_or_better))
        elif not placement.fits:
            texts.append(
                message("reason_over_quota", lang, scope=scope_label, cap=scope.cap, position=placement.position)
            )
        elif placement.exempt:
            texts.append(message("reason_quota_exempt", lang, scope=scope_label))
    if outcome.placements:
        if outcome.over_quota:
            texts.append(message("reason_proposed_one_below", lang, level=outcome.level.value))
        else:
            texts.append(message("reason_within_quota", lang))
        group = scopes[("group", classification.person.group)]
        if group.exception:
            texts.append(message("reason_exception", lang, reference=group.exception))
    return texts


# --- re-computation from the JSON alone -------------------------------------------------------


class FormulaError(ValueError):
    pass


_FUNCTIONS = {"sum", "mean", "min", "max", "floor", "round_half_up", "choose"}


@lru_cache(maxsize=256)
def _parse(formula: str) -> ast.expr:
    try:
        tree = ast.parse(formula, mode="eval")
    except SyntaxError as error:
        raise FormulaError(formula) from error
    return tree.body


def evaluate_formula(formula: str, names: Mapping[str, Any]) -> Any:
    """Evaluate an explanation formula with Decimal arithmetic in the engine's context."""
    with localcontext(ENGINE_CONTEXT):
        return _evaluate(_parse(formula), names)


def _evaluate(node: ast.expr, names: Mapping[str, Any]) -> Any:
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return Decimal(str(node.value))
    if isinstance(node, ast.Name):
        if node.id not in names:
            raise FormulaError(node.id)
        return names[node.id]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -_evaluate(node.operand, names)
    if isinstance(node, ast.BinOp):
        left, right = _evaluate(node.left, names), _evaluate(node.right, names)
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.Sub):
            return left - right
        if isinstance(node.op, ast.Mult):
            return left * right
        if isinstance(node.op, ast.Div):
            return left / right
    if isinstance(node, ast.Compare) and len(node.ops) == 1:
        operators = {ast.Eq: "==", ast.GtE: ">=", ast.Gt: ">", ast.LtE: "<=", ast.Lt: "<"}
        operator = operators.get(type(node.ops[0]))
        left, right = _evaluate(node.left, names), _evaluate(node.comparators[0], names)
        if operator == "==":
            return left == right
        if operator:
            return compare(left, operator, right)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _FUNCTIONS:
        arguments = [_evaluate(argument, names) for argument in node.args]
        return _call(node.func.id, arguments)
    raise FormulaError(ast.dump(node))


def _call(function: str, arguments: list[Any]) -> Any:
    if function in ("sum", "mean"):
        (values,) = arguments
        total = sum(values, ZERO)
        return total if function == "sum" else total / len(values)
    if function == "min":
        return min(arguments)
    if function == "max":
        return max(arguments)
    if function == "floor":
        return Decimal(floor_to_int(arguments[0]))
    if function == "round_half_up":
        return Decimal(half_up_to_int(arguments[0]))
    condition, when_true, when_false = arguments
    return when_true if condition else when_false


class Recheck:
    """Collects the numbers recomputed and any disagreement, with a path to each."""

    def __init__(self) -> None:
        self.numbers = 0
        self.problems: list[str] = []

    def problem(self, path: str, text: str) -> None:
        self.problems.append(f"{path}: {text}")


def _recompute_node(node: Node, path: str, check: Recheck) -> Decimal:
    stated = to_decimal(node["value"])
    if node.get("key") == "subcriterion":
        if not ZERO <= stated <= to_decimal(node["maximum"]):
            check.problem(path, f"{node['value']} outside 0..{node['maximum']}")
        if "scale" in node:
            _recheck_level_scale(node, path, check)
    formula = node.get("formula")
    if formula is None:
        return stated
    names: dict[str, Any] = {}
    for name, child in node.get("inputs", {}).items():
        if isinstance(child, list):
            names[name] = [_recompute_node(item, f"{path}.{name}[{i}]", check) for i, item in enumerate(child)]
        else:
            names[name] = _recompute_node(child, f"{path}.{name}", check)
    try:
        value = evaluate_formula(formula, names)
    except (FormulaError, ArithmeticError, TypeError, ValueError) as error:
        check.problem(path, f"formula {formula!r} cannot be evaluated: {error}")
        return stated
    check.numbers += 1
    if value != stated:
        check.problem(path, f"{formula} = {exact_text(value)}, stated {node['value']}")
    return value


def _recheck_level_scale(node: Node, path: str, check: Recheck) -> None:
    """A sub-criterion rated by level: the level lies on its scale, the maximum is the criterion's,
    every point of the scale follows the level formula, and the points are those of the level."""
    inputs = node["inputs"]
    maximum, level, top = (to_decimal(inputs[name]["value"]) for name in ("m", "r", "n"))
    scale = node["scale"]
    if maximum != to_decimal(node["maximum"]):
        check.problem(path, f"scale maximum {inputs['m']['value']}, criterion maximum {node['maximum']}")
    if not (top >= 2 and top == len(scale) and level == level.to_integral_value() and 1 <= level <= top):
        check.problem(path, f"level {inputs['r']['value']} is not on a scale of {len(scale)} levels")
        return
    for index, stated in enumerate(scale, start=1):
        expected = evaluate_formula(LEVEL_POINTS_FORMULA, {"m": maximum, "r": Decimal(index), "n": top})
        check.numbers += 1
        if expected != to_decimal(stated):
            check.problem(f"{path}.scale[{index - 1}]", f"level {index} gives {exact_text(expected)}, stated {stated}")
    if to_decimal(scale[int(level) - 1]) != to_decimal(node["value"]):
        check.problem(path, f"points {node['value']} differ from level {int(level)} of the scale")


def _recheck_condition(condition: Node, path: str, check: Recheck) -> bool:
    holds = compare(to_decimal(condition["value"]), condition["operator"], to_decimal(condition["bound"]))
    check.numbers += 1
    if holds != condition["holds"]:
        check.problem(path, f"{condition['value']} {condition['operator']} {condition['bound']} is {holds}")
    return holds


def _recheck_verdict(verdict: Node, path: str, check: Recheck) -> str:
    expected = verdict["fallback"]
    for index, test in enumerate(verdict["tests"]):
        results = [
            _recheck_condition(c, f"{path}.tests[{index}].conditions[{j}]", check)
            for j, c in enumerate(test["conditions"])
        ]
        holds = all(results) if test["mode"] == "all" else any(results)
        if holds != test["holds"]:
            check.problem(f"{path}.tests[{index}]", f"test {test['level']} holds is {holds}")
        if holds:
            expected = test["level"]
            break
    if expected != verdict["value"]:
        check.problem(path, f"level {expected}, stated {verdict['value']}")
    return expected


def _band(score: Decimal, thresholds: Mapping[str, str]) -> str:
    for level in (Level.EXCELLENT, Level.GOOD, Level.COMPLETE):
        if score >= to_decimal(thresholds[level.value]):
            return level.value
    return Level.NOT_COMPLETE.value


def recheck_person(tree: Node, check: Recheck) -> None:
    """Redo every number and every level step of one person's explanation."""
    path = str(tree.get("staff_code", "?"))
    with localcontext(ENGINE_CONTEXT):
        score = None
        if tree.get("score") is not None:
            score = _recompute_node(tree["score"], f"{path}.score", check)
        level: str | None = None
        if tree.get("band") is not None:
            band = tree["band"]
            if score is not None and to_decimal(band["score"]) != score:
                check.problem(f"{path}.band", "score differs from the yearly score")
            level = _band(to_decimal(band["score"]), band["thresholds"])
            check.numbers += 1
            if level != band["value"]:
                check.problem(f"{path}.band", f"band {level}, stated {band['value']}")
        if tree.get("criteria") is not None:
            criteria = tree["criteria"]
            level = _recheck_verdict(criteria["staff"], f"{path}.criteria.staff", check)
            if criteria.get("unit") is not None:
                unit_level = _recheck_verdict(criteria["unit"], f"{path}.criteria.unit", check)
                if Level(unit_level).order < Level(level).order:
                    level = unit_level
            if level != criteria["value"]:
                check.problem(f"{path}.criteria", f"level {level}, stated {criteria['value']}")
        for index, rule in enumerate(tree.get("rules", [])):
            where = f"{path}.rules[{index}]"
            for j, condition in enumerate(rule.get("conditions", [])):
                if not _recheck_condition(condition, f"{where}.conditions[{j}]", check):
                    check.problem(where, "rule fired although a condition does not hold")
            if level is not None and rule["before"] != level and rule["effect"] != "not_classified":
                check.problem(where, f"starts from {rule['before']}, expected {level}")
            before = Level(rule["before"])
            if rule["effect"] == "set":
                after = rule["level"]
            elif rule["effect"] == "cap":
                after = before.at_most(Level(rule["level"])).value
            elif rule["effect"] == "none":
                after = before.value
            else:
                after = Level.NOT_CLASSIFIED.value
            if after != rule["after"]:
                check.problem(where, f"gives {after}, stated {rule['after']}")
            level = after
        if level is not None and level != tree["qualified"]:
            check.problem(f"{path}.qualified", f"{level}, stated {tree['qualified']}")
        quota = tree.get("quota")
        if quota is None:
            if tree["level"] != tree["qualified"] or tree.get("over_quota"):
                check.problem(f"{path}.level", "differs from the qualified level without a quota decision")
            return
        all_fit = True
        for index, scope in enumerate(quota["scopes"]):
            cap = _recompute_node(scope["cap"], f"{path}.quota.scopes[{index}].cap", check)
            if scope["position"] < 1 or cap < 0:
                check.problem(f"{path}.quota.scopes[{index}]", "position or cap out of range")
            if not scope["fits"]:
                all_fit = False
        if all_fit == quota["over_quota"]:
            check.problem(f"{path}.quota", "over_quota disagrees with the scope placements")
        expected = Level.EXCELLENT.value if all_fit else Level.GOOD.value
        if tree["level"] != expected or quota["value"] != expected:
            check.problem(f"{path}.level", f"{expected} expected after quota, stated {tree['level']}")


def recheck_cohort(trees: Iterable[Node]) -> Recheck:
    """Every person, then every scope: admissions never exceed the cap, and nobody was refused
    while their scope still had room."""
    check = Recheck()
    counted: dict[tuple[str, str], int] = defaultdict(int)
    caps: dict[tuple[str, str], Decimal] = {}
    refused: list[tuple[str, list[tuple[str, str]]]] = []
    for tree in trees:
        recheck_person(tree, check)
        quota = tree.get("quota")
        if not quota:
            continue
        blocked = []
        for scope in quota["scopes"]:
            key = (scope["kind"], scope["name"])
            with localcontext(ENGINE_CONTEXT):
                caps[key] = to_decimal(scope["cap"]["value"])
            if not quota["over_quota"] and not scope["exempt"]:
                counted[key] += 1
            if not scope["fits"]:
                blocked.append(key)
        if quota["over_quota"]:
            refused.append((str(tree.get("staff_code")), blocked))
    for key, count in counted.items():
        check.numbers += 1
        if count > caps[key]:
            check.problem(f"{key[0]} {key[1]}", f"{count} admitted, cap {caps[key]}")
    for staff_code, blocked in refused:
        if not any(counted[key] >= caps[key] for key in blocked):
            check.problem(staff_code, "over quota although every blocking scope had room")
    return check


# --- rendering ---------------------------------------------------------------------------------

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _shown(value_text: str, lang: str) -> str:
    value = to_decimal(value_text)
    mark = "." if lang == "en" else ","
    exact = exact_text(value)
    decimals = len(exact.split(".")[1]) if "." in exact else 0
    if decimals <= 4:
        return exact.replace(".", mark)
    return "≈ " + format_display(value, mark)


def _terms(items: Sequence[Node], lang: str) -> str:
    return "(" + " + ".join(_shown(item["value"], lang).replace("≈ ", "") for item in items) + ")" if items else "0"


def _substituted(node: Node, lang: str) -> str:
    """The formula with each name replaced by its value; sums of credited items written out."""
    inputs = node.get("inputs", {})

    def replace(match: re.Match[str]) -> str:
        name = match.group(0)
        child = inputs.get(name)
        if child is None:
            return name
        if isinstance(child, list):
            return _terms(child, lang)
        if child.get("key") == "credited_converted":
            return _terms(child["inputs"]["credits"], lang)
        return _shown(child["value"], lang).replace("≈ ", "")

    formula = node["formula"]
    if formula == "mean(periods)":
        # The mean written out, as an inspector would on paper.
        formula = f"periods / {len(inputs['periods'])}"
    formula = re.sub(r"\bsum\((\w+)\)", r"\1", formula)
    text = _NAME.sub(replace, formula)
    return text.replace("*", "×")


def _node_label(node: Node, lang: str) -> str:
    key = node.get("key", "")
    params = {k: v for k, v in node.items() if isinstance(v, str) and k not in ("key", "value", "formula")}
    if key == "parameter":
        return message("node_parameter", lang, name=node["name"])
    if key == "item_credit":
        return message(f"node_item_credit_{node['measure']}", lang, code=node.get("code", ""))
    if key == "subcriterion" and node.get("code") == "total":
        return message("node_subcriterion_total", lang, **params)
    return message(f"node_{key}", lang, **params)


def _worth_a_line(node: Node) -> bool:
    """Which inputs get their own line: the others are already visible in the parent's formula."""
    key = node.get("key")
    if key in (
        "parameter",
        "item_factor",
        "quality_failures",
        "late_count",
        "assigned_converted",
        "unit_staff_share",
        "unit_plan_percent",
        "quota_share",
        "quota_base_count",
    ):
        return False
    if key == "item_credit":
        # Only the items that lost something, or were spared by an objective cause.
        rule = node.get("rule")
        if rule in ("item_not_completed", "item_objective_cause"):
            return node.get("measure") == "quantity" or rule == "item_objective_cause"
        return rule in ("item_quality_deduction", "item_late_deduction") and node["inputs"]["n"]["value"] != "0"
    return True


def _render_level(node: Node, lang: str, depth: int, lines: list[str]) -> None:
    """Level r of N → points, with the formula; under it the behaviour of that level and the scale."""
    indent = "  " * depth
    level = node["level"]
    lines.append(
        indent
        + message(
            "node_subcriterion_level",
            lang,
            code=node["code"],
            maximum=_shown(node["maximum"], lang),
            level=level,
            levels=node["levels"],
            points=_shown(node["value"], lang),
        )
        + f" ({_substituted(node, lang)})"
    )
    anchor = node["anchor"]["en" if lang == "en" else "vi"]
    lines.append(f"{indent}  " + message("render_level_anchor", lang, level=level, text=anchor))
    scale = "; ".join(f"{index} → {_shown(points, lang)}" for index, points in enumerate(node["scale"], start=1))
    lines.append(f"{indent}  " + message("render_level_scale", lang, scale=scale))


def _render_node(node: Node, lang: str, depth: int, lines: list[str]) -> None:
    if "scale" in node and node.get("key") == "subcriterion":
        _render_level(node, lang, depth, lines)
        return
    indent = "  " * depth
    label = _node_label(node, lang)
    shown = _shown(node["value"], lang)
    joiner = " " if shown.startswith("≈") else " = "
    if "formula" in node and node["inputs"]:
        lines.append(f"{indent}{label} = {_substituted(node, lang)}{joiner}{shown}")
    else:
        lines.append(f"{indent}{label}: {shown}")
    if node.get("key") == "item_credit" and node.get("rule"):
        lines[-1] += f" ({message(node['rule'], lang)})"
    if node.get("note"):
        lines.append(f"{indent}  {message(node['note'], lang)}")
    for child in node.get("inputs", {}).values():
        for item in child if isinstance(child, list) else [child]:
            if item.get("key") == "credited_converted":
                # Its sum is written out in this line; show the items behind it underneath.
                for credit in item["inputs"]["credits"]:
                    if _worth_a_line(credit):
                        _render_node(credit, lang, depth + 1, lines)
            elif _worth_a_line(item):
                _render_node(item, lang, depth + 1, lines)


def _render_condition(condition: Node, lang: str) -> str:
    mark = "✓" if condition["holds"] else "✗"
    parameter = f" [{condition['parameter']}]" if condition["parameter"] else ""
    return (
        f"{mark} {message('subject_' + condition['subject'], lang)}: {_shown(condition['value'], lang)} "
        f"{condition['operator']} {_shown(condition['bound'], lang)}{parameter}"
    )


def render_text(tree: Node, lang: str = "vi") -> str:
    """A readable tree, in Vietnamese or English, of one person's explanation."""
    lines = [
        message(
            "render_header",
            lang,
            name=tree["full_name"],
            code=tree["staff_code"],
            unit=tree["unit"],
            group=tree["group"],
        )
    ]
    policy = tree["policy"]
    lines.append(message("render_policy", lang, id=policy["id"], version=policy["version"]))
    if policy["overrides"]:
        lines.append(message("render_overrides", lang, overrides=", ".join(policy["overrides"])))
    if tree.get("score") is not None:
        _render_node(tree["score"], lang, 1, lines)
    if tree.get("band") is not None:
        band = tree["band"]
        lines.append(
            "  "
            + message(
                "render_band",
                lang,
                score=_shown(band["score"], lang),
                level=band["value"],
                excellent=_shown(band["thresholds"]["HTXSNV"], lang),
                good=_shown(band["thresholds"]["HTTNV"], lang),
                complete=_shown(band["thresholds"]["HTNV"], lang),
            )
        )
    if tree.get("criteria") is not None:
        criteria = tree["criteria"]
        for part in ("staff", "unit"):
            verdict = criteria.get(part)
            if verdict is None:
                continue
            lines.append("  " + message(f"render_criteria_{part}", lang, level=verdict["value"]))
            for test in verdict["tests"]:
                lines.append(
                    "    "
                    + message(
                        f"render_test_{test['mode']}",
                        lang,
                        level=test["level"],
                        result=message("yes" if test["holds"] else "no", lang),
                    )
                )
                for condition in test["conditions"]:
                    lines.append("      " + _render_condition(condition, lang))
                if test["holds"]:
                    break
            else:
                lines.append("    " + message("render_fallback", lang, level=verdict["fallback"]))
    for rule in tree.get("rules", []):
        lines.append(
            "  "
            + message("render_rule", lang, rule=message(rule["rule"], lang), before=rule["before"], after=rule["after"])
        )
        for condition in rule.get("conditions", []):
            lines.append("      " + _render_condition(condition, lang))
    lines.append("  " + message("render_qualified", lang, level=tree["qualified"]))
    quota = tree.get("quota")
    if quota is not None:
        for scope in quota["scopes"]:
            cap = scope["cap"]
            lines.append(
                "  "
                + message(
                    "render_quota_scope",
                    lang,
                    scope=message(f"scope_{scope['kind']}", lang, name=scope["name"]),
                    base=cap["inputs"]["base"]["value"],
                    share=_shown(cap["inputs"]["share"]["value"], lang),
                    formula=_substituted(cap, lang),
                    cap=cap["value"],
                    position=scope["position"],
                    result=message("quota_fits" if scope["fits"] else "quota_over", lang),
                )
            )
            if scope["exempt"]:
                lines.append(
                    "    "
                    + message(
                        "reason_quota_exempt", lang, scope=message(f"scope_{scope['kind']}", lang, name=scope["name"])
                    )
                )
            if scope["exception"]:
                lines.append("    " + message("reason_exception", lang, reference=scope["exception"]))
    lines.append(
        message(
            "render_result",
            lang,
            level=tree["level"],
            name=level_name(Level(tree["level"]), lang),
            over=message("render_over_quota" if tree["over_quota"] else "render_empty", lang),
        )
    )
    return "\n".join(lines)
