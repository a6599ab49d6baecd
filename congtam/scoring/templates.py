"""Agency templates: an agency's own period score, combining methods with weights.

A template is a data file (JSON) listing components; each names a method, a weight and that
method's parameters. Weights must add up to 100; every component yields a percentage, and the
score is ``min(100, Σ weight × percent / 100)``. Loading validates every component and reports
all problems with the file and field, like the policy presets.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext
from pathlib import Path
from typing import Any

from congtam.scoring.decimals import ENGINE_CONTEXT, HUNDRED, ZERO, exact_text
from congtam.scoring.methods import (
    AnchoredScale,
    ChecklistItem,
    Direction,
    MethodInputError,
    TargetRule,
    anchored_rating_percent,
    checklist_percent,
    target_achievement_percent,
)
from congtam.scoring.policy import PolicyError, PolicyProblem
from congtam.vietnamese import NumberFormatError, read_number

METHODS = ("anchored_scale", "target", "checklist", "points")


@dataclass(frozen=True, slots=True)
class Component:
    code: str
    name_vi: str
    name_en: str
    method: str
    weight: Decimal
    scale: AnchoredScale | None = None  # anchored_scale
    target_rule: TargetRule | None = None  # target
    checklist_labels: tuple[tuple[str, Decimal], ...] = ()  # checklist: (label, weight)
    maximum_points: Decimal = HUNDRED  # points: raw points out of this maximum


@dataclass(frozen=True, slots=True)
class Template:
    id: str
    version: str
    source: str
    components: tuple[Component, ...]


@dataclass(frozen=True, slots=True)
class ComponentScore:
    code: str
    weight: Decimal
    percent: Decimal
    contribution: Decimal


@dataclass(frozen=True, slots=True)
class TemplateScore:
    components: tuple[ComponentScore, ...]
    score: Decimal

    def explanation(self) -> dict[str, Any]:
        """A node in the explanation format of :mod:`congtam.scoring.explain` (re-checkable)."""
        inputs: dict[str, Any] = {}
        terms = []
        for index, part in enumerate(self.components):
            weight_name, percent_name = f"w{index}", f"p{index}"
            inputs[weight_name] = {"key": "parameter", "name": f"{part.code}.weight", "value": exact_text(part.weight)}
            inputs[percent_name] = {"key": "component_percent", "code": part.code, "value": exact_text(part.percent)}
            terms.append(f"{weight_name} * {percent_name}")
        return {
            "key": "template_score",
            "value": exact_text(self.score),
            "formula": f"min(100, ({' + '.join(terms)}) / 100)",
            "inputs": inputs,
        }


def _problem(source: str, where: str, key: str, **params: object) -> PolicyProblem:
    return PolicyProblem(source, where, key, params)


def _number(raw: object) -> Decimal:
    if isinstance(raw, float):
        raise NumberFormatError(repr(raw))
    return read_number(raw)


def _component(entry: object, where: str, source: str, problems: list[PolicyProblem]) -> Component | None:
    if not isinstance(entry, Mapping):
        problems.append(_problem(source, where, "policy_expected_object"))
        return None
    code = entry.get("code")
    method = entry.get("method")
    name = entry.get("name") if isinstance(entry.get("name"), Mapping) else {}
    if not isinstance(code, str) or not code:
        problems.append(_problem(source, f"{where}.code", "policy_code_unique"))
        return None
    if method not in METHODS:
        problems.append(
            _problem(source, f"{where}.method", "template_unknown_method", method=method, known=", ".join(METHODS))
        )
        return None
    try:
        weight = _number(entry.get("weight"))
        if weight < ZERO:
            raise NumberFormatError("negative")
    except NumberFormatError:
        problems.append(_problem(source, f"{where}.weight", "policy_expected_decimal", value=entry.get("weight")))
        return None
    params = entry.get("params", {})
    if not isinstance(params, Mapping):
        problems.append(_problem(source, f"{where}.params", "policy_expected_object"))
        return None
    base = {
        "code": code,
        "name_vi": str(name.get("vi", code)),
        "name_en": str(name.get("en", code)),
        "method": method,
        "weight": weight,
    }
    try:
        if method == "anchored_scale":
            anchors = params.get("anchors")
            if not isinstance(anchors, list) or len(anchors) < 2 or not all(isinstance(a, str) for a in anchors):
                raise ValueError("anchors: a list of at least 2 described behaviours")
            return Component(**base, scale=AnchoredScale(tuple(anchors)))
        if method == "target":
            rule = TargetRule(
                direction=Direction(params.get("direction", "higher_is_better")),
                cap_percent=_number(params.get("cap_percent", "100")),
                partial_credit=bool(params.get("partial_credit", True)),
                floor_percent=_number(params.get("floor_percent", "0")),
            )
            if rule.cap_percent < HUNDRED:
                raise ValueError("cap_percent must be at least 100")
            return Component(**base, target_rule=rule)
        if method == "checklist":
            items = params.get("items")
            if not isinstance(items, list) or not items:
                raise ValueError("items: a non-empty list of {label, weight}")
            labels = tuple((str(item["label"]), _number(item.get("weight", "1"))) for item in items)
            if sum((w for _, w in labels), ZERO) <= ZERO:
                raise ValueError("item weights must add up to more than 0")
            return Component(**base, checklist_labels=labels)
        maximum = _number(params.get("maximum_points", "100"))
        if maximum <= ZERO:
            raise ValueError("maximum_points must be greater than 0")
        return Component(**base, maximum_points=maximum)
    except (ValueError, KeyError, TypeError, NumberFormatError) as error:
        problems.append(_problem(source, f"{where}.params", "template_bad_parameter", name=method, detail=str(error)))
        return None


def template_from_document(document: object, source: str) -> Template:
    problems: list[PolicyProblem] = []
    if not isinstance(document, Mapping):
        raise PolicyError([_problem(source, "(root)", "policy_expected_object")])
    raw_components = document.get("components")
    if not isinstance(raw_components, list) or not raw_components:
        raise PolicyError([_problem(source, "components", "template_no_components")])
    components = []
    seen: set[str] = set()
    for index, entry in enumerate(raw_components):
        component = _component(entry, f"components[{index}]", source, problems)
        if component is None:
            continue
        if component.code in seen:
            problems.append(_problem(source, f"components[{index}].code", "policy_code_unique"))
            continue
        seen.add(component.code)
        components.append(component)
    total = sum((c.weight for c in components), ZERO)
    if not problems and total != HUNDRED:
        problems.append(_problem(source, "components[].weight", "template_weights_total", total=total))
    for key in ("id", "version"):
        if not isinstance(document.get(key), str) or not document.get(key):
            problems.append(_problem(source, key, "policy_required_text"))
    if problems:
        raise PolicyError(problems)
    return Template(str(document["id"]), str(document["version"]), source, tuple(components))


def load_template(path: Path | str) -> Template:
    source = Path(path).name
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise PolicyError([_problem(source, "(file)", "policy_unreadable", error=error.strerror)]) from None
    except json.JSONDecodeError as error:
        raise PolicyError([_problem(source, f"line {error.lineno}", "policy_bad_json", error=error.msg)]) from None
    return template_from_document(document, source)


def component_percent(component: Component, value: Any) -> Decimal:
    """One component's percentage from its input:

    - anchored_scale: the rating (int 1..N);
    - target: ``(target, actual)``;
    - checklist: the labels done (a collection of labels);
    - points: raw points, 0..maximum_points.
    """
    if component.method == "anchored_scale":
        assert component.scale is not None
        return anchored_rating_percent(int(value), component.scale)
    if component.method == "target":
        assert component.target_rule is not None
        target, actual = value
        return target_achievement_percent(read_number(target), read_number(actual), component.target_rule)
    if component.method == "checklist":
        done = set(value)
        return checklist_percent(
            [ChecklistItem(label, weight, label in done) for label, weight in component.checklist_labels]
        )
    points = read_number(value)
    if not ZERO <= points <= component.maximum_points:
        raise MethodInputError(
            "points_out_of_range", code=component.code, value=points, maximum=component.maximum_points
        )
    return HUNDRED * points / component.maximum_points


def template_score(template: Template, inputs: Mapping[str, Any]) -> TemplateScore:
    """Score a period with an agency template; ``inputs`` maps component code to its input."""
    with localcontext(ENGINE_CONTEXT):
        parts: list[ComponentScore] = []
        weighted = ZERO
        for component in template.components:
            if component.code not in inputs:
                raise MethodInputError("template_missing_input", code=component.code)
            percent = component_percent(component, inputs[component.code])
            contribution = component.weight * percent
            weighted += contribution
            parts.append(ComponentScore(component.code, component.weight, percent, contribution))
        score = min(HUNDRED, weighted / HUNDRED)
        return TemplateScore(tuple(parts), score)


def template_components_summary(template: Template, lang: str = "vi") -> Sequence[str]:
    return [
        f"{c.code}: {c.name_en if lang == 'en' else c.name_vi} ({c.method}, {exact_text(c.weight)})"
        for c in template.components
    ]
