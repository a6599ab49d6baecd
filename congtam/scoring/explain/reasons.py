"""Reasons: the rules that fired for one person, in words (the "Lý do" column)."""

from __future__ import annotations

from collections.abc import Mapping

from congtam.scoring.decimals import format_display
from congtam.scoring.messages import message
from congtam.scoring.policy import Policy
from congtam.scoring.quota import Outcome, QuotaScope


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
