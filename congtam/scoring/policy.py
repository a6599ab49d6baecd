"""Policy presets: versioned data files holding every rule parameter of RULES.md.

A preset names its model (``points`` for Decree 335, ``criteria`` for Decree 90/48), its version,
its general-criteria sub-criteria (points model) and a value for every parameter of that model.
The parameters' types and bounds live here, in :data:`PARAMETER_SPECS`; their values, whether the
reading is still **to confirm**, and their descriptions live in the data file, so that a legal
officer fixes a rule by editing data. Loading validates everything and reports every problem with
the file and the field.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from importlib import resources
from pathlib import Path

from congtam.scoring.decimals import HUNDRED
from congtam.scoring.levels import Level
from congtam.scoring.messages import message
from congtam.scoring.methods import (
    FURTHER_PLAN_STANDS_IN,
    FURTHER_REQUIRED,
    OWN_AND_UNIT_MEAN,
    SIX_COMPONENTS,
    SubCriterion,
    TaskWeights,
)
from congtam.vietnamese import NumberFormatError, read_number, yes_no

POINTS = "points"
CRITERIA = "criteria"
BOTH = frozenset({POINTS, CRITERIA})
PRESET_FORMAT = 1

# Disciplinary measures, lightest first (Law on Cadres and Civil Servants; Law on Public Employees).
DISCIPLINE_MEASURES: tuple[str, ...] = (
    "khien_trach",
    "canh_cao",
    "ha_bac_luong",
    "giang_chuc",
    "cach_chuc",
    "buoc_thoi_viec",
)
DISCIPLINE_NAMES = {
    "khien_trach": "Khiển trách",
    "canh_cao": "Cảnh cáo",
    "ha_bac_luong": "Hạ bậc lương",
    "giang_chuc": "Giáng chức",
    "cach_chuc": "Cách chức",
    "buoc_thoi_viec": "Buộc thôi việc",
}
TIE_BREAKS = ("staff_code", "name", "last_period_score")


@dataclass(frozen=True, slots=True)
class ParameterSpec:
    kind: str  # "decimal", "boolean" or "choice"
    models: frozenset[str]
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    choices: tuple[str, ...] = ()
    # A parameter added after presets were written: a preset that leaves it out gets this value
    # (written as in a preset file), so that an agency's own preset keeps loading, unchanged.
    default: str | None = None


def _decimal(models: frozenset[str], minimum: str | None = None, maximum: str | None = None) -> ParameterSpec:
    return ParameterSpec(
        "decimal",
        models,
        Decimal(minimum) if minimum is not None else None,
        Decimal(maximum) if maximum is not None else None,
    )


def _percent(models: frozenset[str]) -> ParameterSpec:
    return _decimal(models, "0", "100")


def _choice(models: frozenset[str], *choices: str, default: str | None = None) -> ParameterSpec:
    return ParameterSpec("choice", models, choices=choices, default=default)


_P = frozenset({POINTS})
_C = frozenset({CRITERIA})
_LEVELS = tuple(level.value for level in Level if level is not Level.NOT_CLASSIFIED)

PARAMETER_SPECS: dict[str, ParameterSpec] = {
    # Both models: overriding facts.
    "discipline_minimum_measure": _choice(BOTH, *DISCIPLINE_MEASURES),
    "leave_rules_apply": ParameterSpec("boolean", BOTH),
    "short_service_minimum_months": _decimal(BOTH, "0", "12"),
    "maternity_exempts_short_service": ParameterSpec("boolean", BOTH),
    "absence_cap_from_months": _decimal(BOTH, "0", "12"),
    "absence_cap_below_months": _decimal(BOTH, "0", "12"),
    "absence_cap_level": _choice(BOTH, *_LEVELS),
    # Both models: quota.
    "quota_base": _choice(BOTH, "good_or_better", "good_only"),
    "quota_share": _decimal(BOTH, "0", "1"),
    "quota_rounding": _choice(BOTH, "floor", "half_up"),
    "quota_tie_break": _choice(BOTH, *TIE_BREAKS),
    "quota_exception_share": _decimal(BOTH, "0", "1"),
    "quota_exception_lifts_unit_cap": ParameterSpec("boolean", BOTH),
    # Both models: procedure after the announcement.
    "appeal_days": _decimal(BOTH, "1", "90"),
    # Points model (Decree 335).
    "threshold_excellent": _percent(_P),
    "threshold_good": _percent(_P),
    "threshold_complete": _percent(_P),
    "general_criteria_max_points": _percent(_P),
    "task_max_points": _percent(_P),
    "task_weight_quantity": _decimal(_P, "0"),
    "task_weight_quality": _decimal(_P, "0"),
    "task_weight_timeliness": _decimal(_P, "0"),
    "quality_failure_deduction": _decimal(_P, "0", "1"),
    "late_deduction": _decimal(_P, "0", "1"),
    "leader_own_items_weight": _decimal(_P, "0"),
    "leader_unit_weight": _decimal(_P, "0"),
    "leader_unit_staff_weight": _decimal(_P, "0"),
    "leader_unit_plan_weight": _decimal(_P, "0"),
    "leader_staff_part_if_any_not_complete": _percent(_P),
    # How a leader's own items and unit combine: the mean of the two parts (the weights above), or
    # the equal mean of the six components a, b, c, d, đ, e (RULES.md §2.1); and, for the second,
    # what stands in for e when the agency records no further unit criterion.
    "leader_combination": _choice(_P, OWN_AND_UNIT_MEAN, SIX_COMPONENTS, default=OWN_AND_UNIT_MEAN),
    "leader_further_criterion": _choice(_P, FURTHER_REQUIRED, FURTHER_PLAN_STANDS_IN, default=FURTHER_REQUIRED),
    # Criteria model (Decree 90/48).
    "excellent_minimum_exceeded_percent": _percent(_C),
    "complete_maximum_short_percent": _percent(_C),
    "not_complete_short_over_percent": _percent(_C),
    "criteria_gap_level": _choice(_C, "HTNV", "KHTNV"),
    "leader_excellent_unit_minimum_exceeded_percent": _percent(_C),
    "leader_excellent_subunits_minimum_complete_percent": _percent(_C),
    "leader_excellent_subunits_minimum_good_percent": _percent(_C),
    "leader_good_unit_minimum_on_time_percent": _percent(_C),
    "leader_good_subunits_minimum_complete_percent": _percent(_C),
    "leader_good_subunits_minimum_good_percent": _percent(_C),
    "leader_complete_unit_completion_over_percent": _percent(_C),
    "leader_complete_subunits_minimum_complete_percent": _percent(_C),
    "leader_not_complete_unit_completion_under_percent": _percent(_C),
    "leader_not_complete_subunits_complete_under_percent": _percent(_C),
}

ParameterValue = Decimal | bool | str


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    value: ParameterValue
    default: ParameterValue  # the value in the preset file, before any --set
    to_confirm: bool
    description_vi: str
    description_en: str

    def description(self, lang: str) -> str:
        return self.description_en if lang == "en" else self.description_vi


@dataclass(frozen=True, slots=True)
class PolicySettings:
    """The parameters as typed attributes, resolved once so the engine's loops read fields."""

    model: str
    values: Mapping[str, ParameterValue]
    discipline_rank: int
    task_weights: TaskWeights | None

    def __getattr__(self, name: str) -> ParameterValue:
        # Only reached for parameter names (slots cover the declared fields).
        try:
            return self.values[name]
        except KeyError as error:
            raise AttributeError(name) from error

    def decimal(self, name: str) -> Decimal:
        value = self.values[name]
        assert isinstance(value, Decimal)
        return value

    def flag(self, name: str) -> bool:
        return bool(self.values[name])

    def choice(self, name: str) -> str:
        return str(self.values[name])


@dataclass(frozen=True, slots=True)
class Policy:
    id: str
    version: str
    model: str
    title_vi: str
    title_en: str
    legal_basis: str
    valid_from: str
    valid_until: str | None
    source: str
    subcriteria: tuple[SubCriterion, ...]
    parameters: Mapping[str, Parameter]
    overrides: tuple[tuple[str, str], ...] = ()
    settings: PolicySettings = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        values = {
            name: parse_parameter_value(spec, spec.default)
            for name, spec in PARAMETER_SPECS.items()
            if spec.default is not None and self.model in spec.models and name not in self.parameters
        }
        values.update((name, parameter.value) for name, parameter in self.parameters.items())
        weights = None
        if self.model == POINTS:
            weights = TaskWeights(
                quantity=values["task_weight_quantity"],  # type: ignore[arg-type]
                quality=values["task_weight_quality"],  # type: ignore[arg-type]
                timeliness=values["task_weight_timeliness"],  # type: ignore[arg-type]
            )
        settings = PolicySettings(
            model=self.model,
            values=values,
            discipline_rank=DISCIPLINE_MEASURES.index(str(values["discipline_minimum_measure"])),
            task_weights=weights,
        )
        object.__setattr__(self, "settings", settings)

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_vi

    def open_parameters(self) -> list[Parameter]:
        return [parameter for parameter in self.parameters.values() if parameter.to_confirm]

    def with_overrides(self, overrides: Iterable[tuple[str, str]]) -> Policy:
        """A copy with parameters changed from text (``--set key=value``), validated again."""
        problems: list[PolicyProblem] = []
        parameters = dict(self.parameters)
        applied = list(self.overrides)
        for name, text in overrides:
            field_name = f"--set {name}"
            spec = PARAMETER_SPECS.get(name)
            if spec is not None and self.model in spec.models and name not in parameters and spec.default:
                parameters[name] = _default_parameter(name, spec)  # left out of the preset: set now
            if spec is None or self.model not in spec.models or name not in parameters:
                problems.append(PolicyProblem(self.source, field_name, "policy_unknown_parameter", {"name": name}))
                continue
            try:
                value = parse_parameter_value(spec, text)
            except ValueError as error:
                problems.append(PolicyProblem(self.source, field_name, str(error), _spec_params(spec, text)))
                continue
            parameters[name] = replace(parameters[name], value=value)
            applied.append((name, text))
        if problems:
            raise PolicyError(problems)
        candidate = replace(self, parameters=parameters, overrides=tuple(applied))
        problems.extend(check_consistency(candidate))
        if problems:
            raise PolicyError(problems)
        return candidate


def _default_parameter(name: str, spec: ParameterSpec) -> Parameter:
    """A parameter the preset left out, at its default, described by the engine's catalogue."""
    value = parse_parameter_value(spec, spec.default)
    return Parameter(name, value, value, True, message(f"parameter_{name}", "vi"), message(f"parameter_{name}", "en"))


@dataclass(frozen=True, slots=True)
class PolicyProblem:
    source: str
    field: str
    message_key: str
    params: Mapping[str, object]

    def text(self, lang: str = "vi") -> str:
        return f"{self.source}: {self.field}: {message(self.message_key, lang, **self.params)}"


class PolicyError(ValueError):
    """A preset or override that cannot be used; carries every problem found."""

    def __init__(self, problems: list[PolicyProblem]) -> None:
        super().__init__("\n".join(problem.text("en") for problem in problems))
        self.problems = problems

    def text(self, lang: str = "vi") -> str:
        return "\n".join(problem.text(lang) for problem in self.problems)


def _spec_params(spec: ParameterSpec, raw: object) -> dict[str, object]:
    return {
        "value": raw,
        "minimum": spec.minimum if spec.minimum is not None else "",
        "maximum": spec.maximum if spec.maximum is not None else "",
        "choices": ", ".join(spec.choices),
    }


def parse_parameter_value(spec: ParameterSpec, raw: object) -> ParameterValue:
    """Type-check one value; raises ValueError whose text is a message key."""
    if spec.kind == "boolean":
        answer = yes_no(raw)  # true/false, yes/no, Có/Không, 1/0…
        if answer is None:
            raise ValueError("policy_expected_boolean")
        return answer
    if spec.kind == "choice":
        text = str(raw).strip()
        if text not in spec.choices:
            raise ValueError("policy_expected_choice")
        return text
    if isinstance(raw, float):
        # JSON floats are rejected on purpose: 0.1 is not exactly 0.1; write "0.1".
        raise ValueError("policy_expected_decimal_text")
    try:
        value = read_number(raw)
    except NumberFormatError:
        raise ValueError("policy_expected_decimal") from None
    if (spec.minimum is not None and value < spec.minimum) or (spec.maximum is not None and value > spec.maximum):
        raise ValueError("policy_out_of_range")
    return value


def check_consistency(policy: Policy) -> list[PolicyProblem]:
    """Rules between parameters: ordered thresholds, points adding up, non-zero weight sums."""
    values = policy.settings.values
    problems: list[PolicyProblem] = []

    def problem(field_name: str, key: str, **params: object) -> None:
        problems.append(PolicyProblem(policy.source, field_name, key, params))

    if not values["absence_cap_from_months"] < values["absence_cap_below_months"]:  # type: ignore[operator]
        problem("parameters.absence_cap_below_months", "policy_absence_bounds")
    if policy.model == CRITERIA and values["quota_tie_break"] == "last_period_score":
        problem("parameters.quota_tie_break", "policy_tie_break_model")
    if policy.model == POINTS:
        excellent, good, complete = (
            values["threshold_excellent"],
            values["threshold_good"],
            values["threshold_complete"],
        )
        if not excellent > good > complete:  # type: ignore[operator]
            problem("parameters.threshold_excellent", "policy_thresholds_order")
        general_max = values["general_criteria_max_points"]
        if general_max + values["task_max_points"] != HUNDRED:  # type: ignore[operator]
            problem("parameters.task_max_points", "policy_points_total", total=HUNDRED)
        subtotal = sum((criterion.max_points for criterion in policy.subcriteria), Decimal(0))
        if subtotal != general_max:
            problem("general_criteria", "policy_subcriteria_total", total=subtotal, expected=general_max)
        for pair in (
            ("task_weight_quantity", "task_weight_quality", "task_weight_timeliness"),
            ("leader_own_items_weight", "leader_unit_weight"),
            ("leader_unit_staff_weight", "leader_unit_plan_weight"),
        ):
            if sum((values[name] for name in pair), Decimal(0)) == 0:  # type: ignore[misc]
                problem(f"parameters.{pair[0]}", "policy_weights_zero", names=", ".join(pair))
    return problems


def _text_pair(document: Mapping[str, object], key: str, source: str, problems: list[PolicyProblem]) -> tuple[str, str]:
    value = document.get(key)
    if isinstance(value, Mapping) and isinstance(value.get("vi"), str) and isinstance(value.get("en"), str):
        return value["vi"], value["en"]
    problems.append(PolicyProblem(source, key, "policy_expected_text_pair", {}))
    return "", ""


def policy_from_document(document: object, source: str) -> Policy:
    """Validate a parsed preset document; raise PolicyError listing every problem."""
    problems: list[PolicyProblem] = []
    if not isinstance(document, Mapping):
        raise PolicyError([PolicyProblem(source, "(root)", "policy_expected_object", {})])

    def required_text(key: str) -> str:
        value = document.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
        problems.append(PolicyProblem(source, key, "policy_required_text", {}))
        return ""

    if document.get("format") != PRESET_FORMAT:
        problems.append(PolicyProblem(source, "format", "policy_format", {"expected": PRESET_FORMAT}))
    policy_id = required_text("id")
    version = required_text("version")
    legal_basis = required_text("legal_basis")
    valid_from = required_text("valid_from")
    valid_until = document.get("valid_until")
    if valid_until is not None and not isinstance(valid_until, str):
        problems.append(PolicyProblem(source, "valid_until", "policy_required_text", {}))
        valid_until = None
    model = document.get("model")
    if model not in BOTH:
        problems.append(PolicyProblem(source, "model", "policy_model", {"value": model}))
        model = POINTS
    title_vi, title_en = _text_pair(document, "title", source, problems)
    subcriteria = _read_subcriteria(document, model, source, problems)
    parameters = _read_parameters(document, model, source, problems)
    known = {
        "format",
        "id",
        "version",
        "model",
        "title",
        "legal_basis",
        "valid_from",
        "valid_until",
        "general_criteria",
        "parameters",
        "notes",
    }
    for key in document:
        if key not in known:
            problems.append(PolicyProblem(source, str(key), "policy_unknown_field", {}))
    if problems:
        raise PolicyError(problems)
    policy = Policy(
        id=policy_id,
        version=version,
        model=model,
        title_vi=title_vi,
        title_en=title_en,
        legal_basis=legal_basis,
        valid_from=valid_from,
        valid_until=valid_until,
        source=source,
        subcriteria=subcriteria,
        parameters=parameters,
    )
    problems.extend(check_consistency(policy))
    if problems:
        raise PolicyError(problems)
    return policy


def _read_subcriteria(
    document: Mapping[str, object], model: str, source: str, problems: list[PolicyProblem]
) -> tuple[SubCriterion, ...]:
    raw = document.get("general_criteria")
    if model != POINTS:
        if raw is not None:
            problems.append(PolicyProblem(source, "general_criteria", "policy_not_for_model", {"model": model}))
        return ()
    if not isinstance(raw, list) or not raw:
        problems.append(PolicyProblem(source, "general_criteria", "policy_expected_list", {}))
        return ()
    subcriteria: list[SubCriterion] = []
    seen: set[str] = set()
    for index, entry in enumerate(raw):
        where = f"general_criteria[{index}]"
        if not isinstance(entry, Mapping):
            problems.append(PolicyProblem(source, where, "policy_expected_object", {}))
            continue
        code = entry.get("code")
        if not isinstance(code, str) or not code or code in seen:
            problems.append(PolicyProblem(source, f"{where}.code", "policy_code_unique", {}))
            continue
        seen.add(code)
        try:
            max_points = parse_parameter_value(_decimal(_P, "0", "100"), entry.get("max_points"))
        except ValueError as error:
            problems.append(
                PolicyProblem(
                    source,
                    f"{where}.max_points",
                    str(error),
                    {"value": entry.get("max_points"), "minimum": 0, "maximum": 100, "choices": ""},
                )
            )
            continue
        name_vi, name_en = _text_pair(entry, "name", f"{source}: {where}", problems)
        anchors = _read_levels(entry.get("levels"), f"{where}.levels", source, problems)
        assert isinstance(max_points, Decimal)
        subcriteria.append(
            SubCriterion(code=code, max_points=max_points, name_vi=name_vi, name_en=name_en, anchors=anchors)
        )
    return tuple(subcriteria)


def _read_levels(raw: object, where: str, source: str, problems: list[PolicyProblem]) -> tuple[tuple[str, str], ...]:
    """A sub-criterion's optional anchored scale: ``[{"vi": …, "en": …}, …]``, index 0 = level 1.

    Each level describes observable behaviour in both languages; N ≥ 2, and N may differ from one
    sub-criterion to another."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        problems.append(PolicyProblem(source, where, "policy_levels_expected_list", {}))
        return ()
    if len(raw) < 2:
        problems.append(PolicyProblem(source, where, "policy_levels_too_few", {"count": len(raw)}))
        return ()
    anchors: list[tuple[str, str]] = []
    for index, entry in enumerate(raw):
        texts = [entry.get(lang) if isinstance(entry, Mapping) else None for lang in ("vi", "en")]
        if not all(isinstance(text, str) and text.strip() for text in texts):
            problems.append(PolicyProblem(source, f"{where}[{index}]", "policy_level_text_pair", {"level": index + 1}))
            continue
        anchors.append((texts[0].strip(), texts[1].strip()))  # type: ignore[union-attr]
    return tuple(anchors) if len(anchors) == len(raw) else ()


def _read_parameters(
    document: Mapping[str, object], model: str, source: str, problems: list[PolicyProblem]
) -> dict[str, Parameter]:
    raw = document.get("parameters")
    if not isinstance(raw, Mapping):
        problems.append(PolicyProblem(source, "parameters", "policy_expected_object", {}))
        return {}
    parameters: dict[str, Parameter] = {}
    for name, entry in raw.items():
        where = f"parameters.{name}"
        spec = PARAMETER_SPECS.get(name)
        if spec is None or model not in spec.models:
            problems.append(PolicyProblem(source, where, "policy_unknown_parameter", {"name": name}))
            continue
        if not isinstance(entry, Mapping) or "value" not in entry:
            problems.append(PolicyProblem(source, where, "policy_parameter_shape", {}))
            continue
        try:
            value = parse_parameter_value(spec, entry["value"])
        except ValueError as error:
            problems.append(PolicyProblem(source, f"{where}.value", str(error), _spec_params(spec, entry["value"])))
            continue
        to_confirm = entry.get("to_confirm", False)
        if not isinstance(to_confirm, bool):
            problems.append(PolicyProblem(source, f"{where}.to_confirm", "policy_expected_boolean", {}))
            continue
        description_vi, description_en = _text_pair(entry, "description", f"{source}: {where}", problems)
        parameters[name] = Parameter(name, value, value, to_confirm, description_vi, description_en)
    for name, spec in PARAMETER_SPECS.items():
        if model in spec.models and name not in raw and spec.default is None:
            problems.append(PolicyProblem(source, f"parameters.{name}", "policy_missing_parameter", {}))
    return parameters


def load_policy_file(path: Path | str) -> Policy:
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise PolicyError([PolicyProblem(source, "(file)", "policy_unreadable", {"error": error.strerror})]) from None
    return _load_text(text, Path(path).name)


def _load_text(text: str, source: str) -> Policy:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise PolicyError(
            [PolicyProblem(source, f"line {error.lineno}", "policy_bad_json", {"error": error.msg})]
        ) from None
    return policy_from_document(document, source)


def shipped_preset_ids() -> list[str]:
    folder = resources.files("congtam.scoring") / "presets"
    return sorted(entry.name[:-5] for entry in folder.iterdir() if entry.name.endswith(".json"))


def load_preset(policy_id_or_path: str) -> Policy:
    """A shipped preset by id (``nd335``), or an agency's own preset file by path."""
    if policy_id_or_path in shipped_preset_ids():
        resource = resources.files("congtam.scoring") / "presets" / f"{policy_id_or_path}.json"
        return _load_text(resource.read_text(encoding="utf-8"), f"{policy_id_or_path}.json")
    candidate = Path(policy_id_or_path)
    if candidate.suffix == ".json" and candidate.exists():
        return load_policy_file(candidate)
    raise PolicyError(
        [PolicyProblem(policy_id_or_path, "--policy", "policy_not_found", {"known": ", ".join(shipped_preset_ids())})]
    )
