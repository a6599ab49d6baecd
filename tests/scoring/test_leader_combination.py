"""How a leader's own items and unit combine (RULES.md §2.1): the mean of the two parts (nd335's
default) or the equal mean of the six components a, b, c, d, đ, e (the preset
``nd335-sau-thanh-phan``, or ``leader_combination=six_components``) — worked examples, the
explanation in words and recomputed from its JSON, and properties."""

from __future__ import annotations

import json
from decimal import Decimal, localcontext
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from congtam.scoring.api import PeriodInput, period_score
from congtam.scoring.decimals import ENGINE_CONTEXT, HUNDRED, ZERO
from congtam.scoring.explain.build import period_node
from congtam.scoring.explain.recheck import Recheck, _recompute_node
from congtam.scoring.explain.render import _render_node
from congtam.scoring.methods import MethodInputError, UnitInput, WorkItem
from congtam.scoring.policy import PolicyError, load_policy_file

from .helpers import D, policy

PRESETS = Path(__file__).resolve().parents[2] / "congtam" / "scoring" / "presets"
MEAN = policy()
SIX = policy("nd335-sau-thanh-phan")
SIX_STRICT = policy("nd335-sau-thanh-phan", leader_further_criterion="required")

# A report (4) done on time, an opinion (2) done a day late once, a note (1) not done:
# a = b = 600 / 7, c = 550 / 7 (the late one keeps 75% of its timeliness).
ITEMS = (WorkItem(D(4), True), WorkItem(D(2), True, late_count=1), WorkItem(D(1), False))


def _period(unit: UnitInput | None) -> PeriodInput:
    return PeriodInput("11", ITEMS, general_points=D(24), unit=unit)


def _exact(expression) -> Decimal:
    with localcontext(ENGINE_CONTEXT):
        return expression()


def _rendered(score, chosen, lang: str) -> str:
    lines: list[str] = []
    _render_node(period_node(score, chosen), lang, 0, lines)
    return "\n".join(lines)


def _rechecked(score, chosen) -> Recheck:
    check = Recheck()
    _recompute_node(json.loads(json.dumps(period_node(score, chosen))), "period", check)
    return check


# --- worked examples --------------------------------------------------------------------------


def test_a_head_with_a_khtnv_staff_member_in_the_six_component_reading():
    """80% of the staff at HTNV or better → d = 50; the plan 90%; e recorded at 60."""
    score = period_score(_period(UnitInput(D(80), D(90), D(60))), policy=SIX, is_leader=True)
    a, c = D(600) / 7, _exact(lambda: D(550) / 7)
    expected = _exact(lambda: D(24) + D(70) * (a + a + c + D(50) + D(90) + D(60)) / 6 / HUNDRED)
    assert score.score == expected
    # a + b + c = 250 exactly; 70 × (250 + 50 + 90 + 60) / 600 = 52.5.
    assert score.score == D("76.5")
    detail = score.detail.resolve()
    six = detail.six_components
    assert (six.staff_part, six.plan_percent, six.further_percent, six.further_stands_in) == (
        D(50),
        D(90),
        D(60),
        False,
    )
    assert detail.unit is None and detail.combined_percent is None


def test_a_deputy_whose_staff_are_all_htnv_or_better_in_the_six_component_reading():
    """Everyone at HTNV or better → d = 100; no e recorded: the preset lets đ (75) stand in."""
    score = period_score(_period(UnitInput(D(100), D(75))), policy=SIX, is_leader=True)
    a, c = D(600) / 7, _exact(lambda: D(550) / 7)
    expected = _exact(lambda: D(24) + D(70) * (a + a + c + D(100) + D(75) + D(75)) / 6 / HUNDRED)
    assert score.score == expected
    assert score.detail.resolve().six_components.further_stands_in


def test_the_same_head_in_the_default_reading_is_the_mean_of_own_items_and_unit():
    """Own (a + b + c) / 3; unit (d + đ) / 2; task 70 × (own + unit) / 2 / 100; e is not used."""
    with_e = period_score(_period(UnitInput(D(80), D(90), D(60))), policy=MEAN, is_leader=True)
    without_e = period_score(_period(UnitInput(D(80), D(90))), policy=MEAN, is_leader=True)
    own = _exact(lambda: (1 * (D(600) / 7) + 1 * (D(600) / 7) + 1 * (D(550) / 7)) / 3)
    combined = _exact(lambda: (1 * own + 1 * ((1 * D(50) + 1 * D(90)) / 2)) / 2)
    assert with_e.score == without_e.score == _exact(lambda: D(24) + D(70) * combined / HUNDRED)
    named = policy(leader_combination="own_and_unit_mean")
    assert period_score(_period(UnitInput(D(80), D(90))), policy=named, is_leader=True).score == without_e.score


def test_without_e_the_six_component_reading_refuses_unless_the_preset_names_a_stand_in():
    with pytest.raises(MethodInputError) as refused:
        period_score(_period(UnitInput(D(100), D(75))), policy=SIX_STRICT, is_leader=True)
    assert refused.value.message_key == "leader_further_criterion_missing"
    # nd335 switched to six components by an override keeps its default: e is required.
    switched = policy(leader_combination="six_components")
    with pytest.raises(MethodInputError):
        period_score(_period(UnitInput(D(100), D(75))), policy=switched, is_leader=True)
    assert period_score(_period(UnitInput(D(100), D(75), D(75))), policy=switched, is_leader=True).score == (
        period_score(_period(UnitInput(D(100), D(75))), policy=SIX, is_leader=True).score
    )


def test_a_leader_without_unit_data_and_a_non_leader_score_the_same_in_both_readings():
    for leader in (False, True):
        for unit in (None, UnitInput(D(80), D(90))) if not leader else (None,):
            assert (
                period_score(_period(unit), policy=SIX, is_leader=leader).score
                == period_score(_period(unit), policy=MEAN, is_leader=leader).score
            )


# --- the explanation, in words and recomputed ------------------------------------------------


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_six_component_reading_is_explained_in_words(lang):
    stand_in = _rendered(period_score(_period(UnitInput(D(80), D(75))), policy=SIX, is_leader=True), SIX, lang)
    given_e = _rendered(period_score(_period(UnitInput(D(80), D(75), D(60))), policy=SIX, is_leader=True), SIX, lang)
    formula = "70 × (a + b + c + d + đ + e) / 6 / 100"
    assert formula in stand_in and formula in given_e
    words = {"vi": ("sáu thành phần", "tính thay cho e"), "en": ("six-component reading", "stands in for e")}[lang]
    assert words[0] in stand_in and words[1] in stand_in
    assert words[1] not in given_e
    mean = _rendered(period_score(_period(UnitInput(D(80), D(75))), policy=MEAN, is_leader=True), MEAN, lang)
    assert words[0] not in mean


@given(
    st.integers(0, 100),
    st.integers(0, 100),
    st.none() | st.integers(0, 100),
    st.lists(st.tuples(st.sampled_from(["0.5", "1", "2", "4"]), st.booleans(), st.integers(0, 3)), min_size=1),
)
def test_any_six_component_explanation_recomputes_from_its_json_alone(share, plan, further, rows):
    items = tuple(WorkItem(D(factor), done, late_count=late) for factor, done, late in rows)
    unit = UnitInput(D(share), D(plan), None if further is None else D(further))
    score = period_score(PeriodInput("1", items, general_points=D(20), unit=unit), policy=SIX, is_leader=True)
    check = _rechecked(score, SIX)
    assert check.problems == [] and check.numbers > 5


@given(st.integers(0, 100), st.integers(0, 100), st.integers(0, 100))
def test_the_six_component_score_stays_within_bounds_and_the_staff_part_is_100_or_the_presets(share, plan, further):
    score = period_score(_period(UnitInput(D(share), D(plan), D(further))), policy=SIX, is_leader=True)
    assert ZERO <= score.score <= HUNDRED
    six = score.detail.resolve().six_components
    assert six.staff_part == (HUNDRED if share == 100 else D(50))
    # More of the unit's plan done never lowers the leader's score.
    if plan < 100:
        better = period_score(_period(UnitInput(D(share), D(plan + 1), D(further))), policy=SIX, is_leader=True)
        assert better.score > score.score


# --- the presets ------------------------------------------------------------------------------


def test_the_six_component_preset_is_nd335_but_for_the_leaders_reading():
    differing = {
        name for name in SIX.parameters if name not in MEAN.parameters or SIX.parameters[name] != MEAN.parameters[name]
    }
    assert differing == {"leader_combination", "leader_further_criterion"}
    assert SIX.subcriteria == MEAN.subcriteria
    assert (MEAN.settings.values["leader_combination"], MEAN.settings.values["leader_further_criterion"]) == (
        "own_and_unit_mean",
        "required",
    )
    assert {p.name for p in SIX.open_parameters()} >= {"leader_combination", "leader_further_criterion"}


def test_an_agency_preset_written_before_the_reading_existed_still_loads_with_the_default(tmp_path):
    document = json.loads((PRESETS / "nd335.json").read_text(encoding="utf-8"))
    assert "leader_combination" not in document["parameters"]
    document["id"] = "agency"
    path = tmp_path / "agency.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    loaded = load_policy_file(path)
    assert loaded.settings.values["leader_combination"] == "own_and_unit_mean"
    changed = loaded.with_overrides([("leader_combination", "six_components")])
    assert changed.parameters["leader_combination"].description_en  # described by the engine's catalogue
    with pytest.raises(PolicyError) as refused:
        loaded.with_overrides([("leader_combination", "median")])
    assert "--set leader_combination" in refused.value.text("en")
    document["parameters"]["leader_further_criterion"] = {
        "value": "anything",
        "description": {"vi": "x", "en": "x"},
    }
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(PolicyError) as refused:
        load_policy_file(path)
    assert "parameters.leader_further_criterion.value" in refused.value.text("en")
