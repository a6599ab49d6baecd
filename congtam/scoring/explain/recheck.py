"""Re-computation of an explanation from the JSON alone: every number and every level step."""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal, localcontext
from functools import lru_cache
from typing import Any

from congtam.scoring.classify import compare
from congtam.scoring.decimals import (
    ENGINE_CONTEXT,
    ZERO,
    exact_text,
    floor_to_int,
    half_up_to_int,
    to_decimal,
)
from congtam.scoring.explain.build import LEVEL_POINTS_FORMULA, Node
from congtam.scoring.levels import Level


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
