"""Rendering one person's explanation as a readable tree, in Vietnamese or English."""

from __future__ import annotations

import re
from collections.abc import Sequence

from congtam.scoring.decimals import exact_text, format_display, to_decimal
from congtam.scoring.explain.build import Node
from congtam.scoring.levels import Level, level_name
from congtam.scoring.messages import message

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
