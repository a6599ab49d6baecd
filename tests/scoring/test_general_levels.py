"""General criteria rated on anchored levels: the preset's scales, level → points, the explanation."""

from __future__ import annotations

import json
from decimal import Decimal, localcontext
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from congtam.scoring.api import (
    CohortMember,
    PeriodInput,
    _period_score,
    classify_cohort,
    general_levels,
    general_points_from_levels,
    period_score,
)
from congtam.scoring.classify import Person
from congtam.scoring.decimals import ENGINE_CONTEXT
from congtam.scoring.explain.recheck import recheck_cohort
from congtam.scoring.explain.render import render_text
from congtam.scoring.messages import has_message, message
from congtam.scoring.methods import MethodInputError, SubCriterion, WorkItem, subcriterion_level_points
from congtam.scoring.policy import Policy, PolicyError, load_policy_file, policy_from_document

from .helpers import D, policy

PRESETS = Path(__file__).resolve().parents[2] / "congtam" / "scoring" / "presets"
CODES = ("chinh_tri_dao_duc", "van_hoa_ky_luat", "trach_nhiem_phuc_vu", "doi_moi_sang_tao")
POLICY = policy()
ITEMS = (WorkItem(D(1), True, code="SP1"), WorkItem(D(2), True, quality_failures=1, code="SP2"))


def nd335_document() -> dict:
    return json.loads((PRESETS / "nd335.json").read_text(encoding="utf-8"))


def policy_from(document: dict, tmp_path: Path) -> Policy:
    path = tmp_path / "agency.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return load_policy_file(path)


def anchors(count: int) -> list[dict[str, str]]:
    return [{"vi": f"Hành vi mức {n}", "en": f"Behaviour at level {n}"} for n in range(1, count + 1)]


def uneven_policy() -> Policy:
    """Scales of 2, 3, 4 and 7 levels, with maxima that do not divide evenly."""
    document = nd335_document()
    for criterion, count, maximum in zip(document["general_criteria"], (2, 3, 4, 7), ("10", "5", "8", "7")):
        criterion["levels"], criterion["max_points"] = anchors(count), maximum
    return policy_from_document(document, "uneven.json")


UNEVEN = uneven_policy()


def levels(**chosen: int) -> dict[str, int]:
    return {code: chosen.get(code, 3) for code in CODES}


def error_of(call, *args, **kwargs) -> MethodInputError:
    with pytest.raises(MethodInputError) as error:
        call(*args, **kwargs)
    assert has_message(error.value.message_key)
    return error.value


# --- the shipped preset ------------------------------------------------------------------------


def test_nd335_describes_five_levels_for_each_sub_criterion_in_both_languages():
    assert POLICY.version == "2026.3"
    assert [criterion.code for criterion in POLICY.subcriteria] == list(CODES)
    for criterion in POLICY.subcriteria:
        assert len(criterion.anchors) == 5, criterion.code
        for vietnamese, english in criterion.anchors:
            assert vietnamese.strip() and english.strip()
        assert len(set(criterion.anchors)) == 5  # every level says something different
    discipline = next(c for c in POLICY.subcriteria if c.code == "van_hoa_ky_luat")
    assert discipline.anchors[1][0] == "Đôi lần đến muộn hoặc chậm báo cáo, đã được nhắc nhở"
    assert discipline.anchors[4][0] == (
        "Chấp hành đầy đủ giờ giấc, quy chế; chủ động đề xuất cải tiến quy trình được đơn vị áp dụng"
    )


def test_general_levels_lists_each_scale_with_the_points_of_every_level():
    scales = general_levels(POLICY)
    assert [entry["code"] for entry in scales] == list(CODES)
    for entry, criterion in zip(scales, POLICY.subcriteria):
        assert entry["name_vi"] == criterion.name_vi and entry["name_en"] == criterion.name_en
        assert entry["max_points"] == D("7.5")
        assert [level["level"] for level in entry["levels"]] == [1, 2, 3, 4, 5]
        assert [level["points"] for level in entry["levels"]] == [D(0), D("1.875"), D("3.75"), D("5.625"), D("7.5")]
        assert all(isinstance(level["points"], Decimal) for level in entry["levels"])
        assert [(level["vi"], level["en"]) for level in entry["levels"]] == list(criterion.anchors)


# --- level → points ----------------------------------------------------------------------------


@pytest.mark.parametrize(("level", "points"), [(1, "0"), (2, "1.875"), (3, "3.75"), (4, "5.625"), (5, "7.5")])
def test_each_level_converts_to_its_share_of_the_maximum(level, points):
    converted = general_points_from_levels(dict.fromkeys(CODES, level), POLICY)
    assert converted == {code: D(points) for code in CODES}


def test_mixed_levels_keep_each_sub_criterion_apart():
    converted = general_points_from_levels(levels(chinh_tri_dao_duc=1, van_hoa_ky_luat=5, doi_moi_sang_tao=2), POLICY)
    assert converted == {
        "chinh_tri_dao_duc": D(0),
        "van_hoa_ky_luat": D("7.5"),
        "trach_nhiem_phuc_vu": D("3.75"),
        "doi_moi_sang_tao": D("1.875"),
    }


def test_scales_of_different_lengths_convert_in_the_engine_context():
    uneven = UNEVEN
    assert [len(criterion.anchors) for criterion in uneven.subcriteria] == [2, 3, 4, 7]
    converted = general_points_from_levels(dict(zip(CODES, (2, 2, 2, 7))), uneven)
    with localcontext(ENGINE_CONTEXT):
        third = D(8) * (D(100) * 1 / 3) / 100
    assert converted == {
        "chinh_tri_dao_duc": D(10),
        "van_hoa_ky_luat": D("2.5"),
        "trach_nhiem_phuc_vu": third,
        "doi_moi_sang_tao": D(7),
    }
    assert str(third) == "2.666666666666666666666666666"  # 28 digits, as everywhere in the engine
    bottom = general_points_from_levels(dict(zip(CODES, (1, 1, 1, 1))), uneven)
    assert set(bottom.values()) == {D(0)}


@pytest.mark.parametrize("bad", [0, 6, -1, True, "3", 2.0, None, D(3)])
def test_a_level_outside_the_scale_is_refused_with_its_code_and_range(bad):
    error = error_of(general_points_from_levels, levels(trach_nhiem_phuc_vu=bad), POLICY)
    assert error.message_key == "subcriterion_level_out_of_range"
    assert error.params["code"] == "trach_nhiem_phuc_vu" and error.params["maximum"] == 5
    vietnamese = message(error.message_key, "vi", **error.params)
    assert "trach_nhiem_phuc_vu" in vietnamese and "từ 1 đến 5" in vietnamese
    assert "from 1 to 5" in message(error.message_key, "en", **error.params)


def test_an_unknown_code_is_refused_before_anything_else():
    error = error_of(general_points_from_levels, {**levels(chinh_tri_dao_duc=9), "sang_tao": 3}, POLICY)
    assert (error.message_key, error.params) == ("unknown_subcriterion", {"code": "sang_tao"})


def test_a_missing_code_is_refused():
    chosen = levels()
    del chosen["doi_moi_sang_tao"]
    error = error_of(general_points_from_levels, chosen, POLICY)
    assert (error.message_key, error.params) == ("missing_subcriterion_level", {"code": "doi_moi_sang_tao"})
    assert "Thiếu mức đánh giá" in message(error.message_key, "vi", **error.params)
    assert "level for sub-criterion doi_moi_sang_tao is missing" in message(error.message_key, "en", **error.params)


def test_a_sub_criterion_without_levels_cannot_be_rated_by_level(tmp_path: Path):
    document = nd335_document()
    del document["general_criteria"][1]["levels"]
    points_only = policy_from(document, tmp_path)  # a preset may leave levels out
    assert points_only.subcriteria[1].anchors == ()
    for chosen in (levels(), {code: 3 for code in CODES if code != "van_hoa_ky_luat"}):
        error = error_of(general_points_from_levels, chosen, points_only)
        assert (error.message_key, error.params) == ("subcriterion_without_levels", {"code": "van_hoa_ky_luat"})
        assert "enter points instead" in message(error.message_key, "en", **error.params)
    assert [len(entry["levels"]) for entry in general_levels(points_only)] == [5, 0, 5, 5]
    # Points still work as before for such a preset.
    points = {code: D(5) for code in CODES}
    assert period_score(PeriodInput("1", ITEMS, points), policy=points_only).detail.general.total == D(20)


def test_a_criteria_model_policy_has_no_general_levels():
    criteria = policy("nd90-vien-chuc")
    assert error_of(general_points_from_levels, levels(), criteria).message_key == "policy_not_points"
    assert error_of(general_levels, criteria).message_key == "policy_not_points"


def test_a_sub_criterion_built_in_code_keeps_its_old_shape():
    criterion = SubCriterion("x", D(10), "X", "X")
    assert criterion.anchors == () and criterion.scale.top == 0
    with localcontext(ENGINE_CONTEXT):
        assert error_of(subcriterion_level_points, criterion, 1).message_key == "subcriterion_without_levels"


@settings(max_examples=200, deadline=None)
@given(st.integers(2, 12), st.integers(0, 4000).map(lambda n: D(n) / 100), st.data())
def test_a_higher_level_never_gives_fewer_points(top, maximum, data):
    criterion = SubCriterion("x", maximum, "X", "X", tuple((f"mức {n}", f"level {n}") for n in range(1, top + 1)))
    lower = data.draw(st.integers(1, top - 1))
    higher = data.draw(st.integers(lower + 1, top))
    with localcontext(ENGINE_CONTEXT):
        points = [subcriterion_level_points(criterion, level) for level in range(1, top + 1)]
        assert subcriterion_level_points(criterion, lower) <= subcriterion_level_points(criterion, higher)
    assert points == sorted(points)
    assert points[0] == 0 and points[-1] == maximum
    assert all(0 <= value <= maximum for value in points)


@settings(max_examples=100, deadline=None)
@given(st.fixed_dictionaries({code: st.integers(1, 5) for code in CODES}), st.sampled_from(CODES))
def test_raising_one_level_never_lowers_the_period_score(chosen, code):
    raised = {**chosen, code: min(5, chosen[code] + 1)}
    before = period_score(PeriodInput("1", ITEMS, general_levels=chosen), policy=POLICY).score
    after = period_score(PeriodInput("1", ITEMS, general_levels=raised), policy=POLICY).score
    assert after >= before


# --- the period: levels in, points and explanation out ---------------------------------------


def test_a_period_rated_by_level_scores_as_its_converted_points():
    chosen = levels(chinh_tri_dao_duc=5, van_hoa_ky_luat=2, doi_moi_sang_tao=4)
    by_level = period_score(PeriodInput("1", ITEMS, general_levels=chosen), policy=POLICY)
    by_points = period_score(PeriodInput("1", ITEMS, general_points_from_levels(chosen, POLICY)), policy=POLICY)
    assert by_level.score == by_points.score
    assert by_level.detail.general.total == D("7.5") + D("1.875") + D("3.75") + D("5.625")
    assert by_level.detail.general.levels == tuple(chosen.items())
    assert by_points.detail.general.levels == ()


def test_points_given_with_levels_must_be_the_levels_points():
    chosen = levels(van_hoa_ky_luat=4)
    converted = general_points_from_levels(chosen, POLICY)
    same = period_score(PeriodInput("1", ITEMS, converted, general_levels=chosen), policy=POLICY)
    total = period_score(PeriodInput("1", ITEMS, sum(converted.values()), general_levels=chosen), policy=POLICY)
    alone = period_score(PeriodInput("1", ITEMS, general_levels=chosen), policy=POLICY)
    assert same.score == total.score == alone.score
    assert same.detail.general.levels  # the explanation still shows the levels

    error = error_of(
        period_score,
        PeriodInput("1", ITEMS, {**converted, "van_hoa_ky_luat": D(7)}, general_levels=chosen),
        policy=POLICY,
    )
    assert error.message_key == "general_points_disagree_with_levels"
    assert error.params == {"code": "van_hoa_ky_luat", "given": D(7), "expected": D("5.625")}
    assert "chỉ cần nhập mức" in message(error.message_key, "vi", **error.params)
    error = error_of(period_score, PeriodInput("1", ITEMS, D(30), general_levels=chosen), policy=POLICY)
    assert (error.message_key, error.params["code"]) == ("general_points_disagree_with_levels", "total")
    partial = dict(converted)
    del partial["chinh_tri_dao_duc"]
    error = error_of(period_score, PeriodInput("1", ITEMS, partial, general_levels=chosen), policy=POLICY)
    assert (error.message_key, error.params["code"]) == ("general_points_disagree_with_levels", "chinh_tri_dao_duc")
    error = error_of(
        period_score, PeriodInput("1", ITEMS, {**converted, "khac": D(0)}, general_levels=chosen), policy=POLICY
    )
    assert (error.message_key, error.params) == ("unknown_subcriterion", {"code": "khac"})


def test_a_period_with_neither_points_nor_levels_is_refused():
    error = error_of(period_score, PeriodInput("Q1", ITEMS), policy=POLICY)
    assert (error.message_key, error.params) == ("general_criteria_missing", {"period": "Q1"})
    assert "Q1" in message(error.message_key, "vi", **error.params)


def test_bad_levels_in_a_period_raise_the_conversion_errors():
    error = error_of(period_score, PeriodInput("1", ITEMS, general_levels=levels(van_hoa_ky_luat=6)), policy=POLICY)
    assert (error.message_key, error.params["code"]) == ("subcriterion_level_out_of_range", "van_hoa_ky_luat")


def _explained(chosen: dict[str, int], chosen_policy: Policy = POLICY) -> list[dict]:
    period = period_score(PeriodInput("1", ITEMS, general_levels=chosen), policy=chosen_policy)
    result = classify_cohort(
        [CohortMember(Person("NV001", "Nguyễn Thị Lan", "Vụ Tổng hợp", "Chuyên viên"), (period,))], chosen_policy
    )
    # Through JSON, as explain-check reads results files.
    return json.loads(json.dumps(result.explanations(), ensure_ascii=False))


def _subcriteria(tree: dict) -> list[dict]:
    return tree["score"]["inputs"]["periods"][0]["inputs"]["g"]["inputs"]["points"]


def test_the_explanation_shows_each_level_its_behaviour_and_the_scale():
    trees = _explained(levels(van_hoa_ky_luat=2, doi_moi_sang_tao=5))
    node = _subcriteria(trees[0])[1]
    assert (node["code"], node["level"], node["levels"], node["value"]) == ("van_hoa_ky_luat", 2, 5, "1.875")
    assert node["formula"] == "m * (100 * (r - 1) / (n - 1)) / 100"
    assert node["scale"] == ["0", "1.875", "3.75", "5.625", "7.5"]
    assert node["anchor"]["vi"] == "Đôi lần đến muộn hoặc chậm báo cáo, đã được nhắc nhở"

    vietnamese = render_text(trees[0], "vi")
    assert (
        "Tiêu chí van_hoa_ky_luat (tối đa 7,5): mức 2 trên thang 5 mức → 1,875 điểm "
        "(7,5 × (100 × (2 - 1) / (5 - 1)) / 100)"
    ) in vietnamese
    assert "Hành vi ở mức 2: Đôi lần đến muộn hoặc chậm báo cáo, đã được nhắc nhở" in vietnamese
    assert "Thang điểm: 1 → 0; 2 → 1,875; 3 → 3,75; 4 → 5,625; 5 → 7,5" in vietnamese
    assert "mức 5 trên thang 5 mức → 7,5 điểm" in vietnamese
    english = render_text(trees[0], "en")
    assert "Criterion van_hoa_ky_luat (at most 7.5): level 2 of 5 → 1.875 points" in english
    assert "Behaviour at level 2: Arrived late or reported late a few times; was reminded" in english
    assert "Scale: 1 → 0; 2 → 1.875; 3 → 3.75; 4 → 5.625; 5 → 7.5" in english


def test_the_explanation_from_levels_rechecks():
    for chosen_policy, chosen in (
        (POLICY, levels(chinh_tri_dao_duc=1, trach_nhiem_phuc_vu=4)),
        (UNEVEN, dict(zip(CODES, (1, 2, 3, 6)))),
    ):
        trees = _explained(chosen, chosen_policy)
        check = recheck_cohort(trees)
        assert check.problems == []
        # Each scale point and each level's points are recomputed, beyond the plain tree's numbers.
        scale_points = sum(len(node["scale"]) for node in _subcriteria(trees[0]))
        assert check.numbers >= scale_points + 4


def test_explain_check_finds_a_changed_level_scale_or_points():
    def problems_after(change) -> list[str]:
        trees = _explained(levels())
        change(_subcriteria(trees[0]))
        return recheck_cohort(trees).problems

    def raise_level(nodes):
        nodes[0]["inputs"]["r"]["value"] = "4"

    def bend_scale(nodes):
        nodes[1]["scale"][2] = "3.7"

    def inflate_maximum(nodes):
        nodes[2]["inputs"]["m"]["value"] = "10"

    def level_off_the_scale(nodes):
        nodes[3]["inputs"]["r"]["value"] = "6"

    assert any("differ from level 4 of the scale" in p for p in problems_after(raise_level))
    assert any("scale[2]: level 3 gives 3.75, stated 3.7" in p for p in problems_after(bend_scale))
    assert any("scale maximum 10, criterion maximum 7.5" in p for p in problems_after(inflate_maximum))
    assert any("level 6 is not on a scale of 5 levels" in p for p in problems_after(level_off_the_scale))


def test_periods_given_in_points_explain_as_before():
    period = period_score(PeriodInput("1", ITEMS, {code: D(6) for code in CODES}), policy=POLICY)
    result = classify_cohort([CohortMember(Person("A", "A", "U", "G"), (period,))], POLICY)
    node = _subcriteria(result.explanations()[0])[0]
    assert node == {"key": "subcriterion", "value": "6", "code": "chinh_tri_dao_duc", "maximum": "7.5"}


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.builds(
            WorkItem,
            factor=st.sampled_from(["0.5", "1", "3.3333", "4"]).map(Decimal),
            completed=st.booleans(),
            quality_failures=st.integers(0, 6),
            late_count=st.integers(0, 6),
            objective_cause=st.booleans(),
        ),
        min_size=1,
        max_size=8,
    ),
    st.lists(st.integers(1, 7), min_size=4, max_size=4),
    st.booleans(),
    st.booleans(),
)
def test_the_fast_path_with_levels_equals_the_reference_to_the_digit(period_items, chosen, uneven, with_points):
    chosen_policy = UNEVEN if uneven else POLICY
    tops = [len(criterion.anchors) for criterion in chosen_policy.subcriteria]
    chosen_levels = {code: min(level, top) for code, level, top in zip(CODES, chosen, tops)}
    points = general_points_from_levels(chosen_levels, chosen_policy) if with_points else None
    period = PeriodInput("1", tuple(period_items), points, general_levels=chosen_levels)
    with localcontext(ENGINE_CONTEXT):
        reference = _period_score(period, chosen_policy, False)
    fast = period_score(period, policy=chosen_policy)
    assert str(fast.score) == str(reference.score)
    assert fast.detail.resolve() == reference.detail


# --- preset validation -------------------------------------------------------------------------


def test_bad_levels_in_a_preset_are_all_reported_with_file_and_field(tmp_path: Path):
    document = nd335_document()
    criteria = document["general_criteria"]
    criteria[0]["levels"] = "Chưa đạt, Đạt, Tốt"
    criteria[1]["levels"] = anchors(1)
    criteria[2]["levels"][1] = {"vi": "Đôi lần chậm hồ sơ"}  # no English
    criteria[2]["levels"][3] = {"vi": "   ", "en": "Handled on time"}  # blank Vietnamese
    criteria[3]["levels"][0] = "Không áp dụng cách làm mới"  # not an object
    with pytest.raises(PolicyError) as error:
        policy_from(document, tmp_path)
    english = error.value.text("en")
    assert (
        "agency.json: general_criteria[0].levels: must be a list of levels, each an object with vi and en." in english
    )
    assert "agency.json: general_criteria[1].levels: needs at least 2 levels, has 1." in english
    assert (
        "agency.json: general_criteria[2].levels[1]: level 2 must describe the observable behaviour in "
        "Vietnamese (vi) and English (en), not empty."
    ) in english
    assert "agency.json: general_criteria[2].levels[3]: level 4 must describe" in english
    assert "agency.json: general_criteria[3].levels[0]: level 1 must describe" in english
    assert len(error.value.problems) == 5
    vietnamese = error.value.text("vi")
    assert "general_criteria[1].levels: cần ít nhất 2 mức, đang có 1." in vietnamese
    assert "general_criteria[2].levels[1]: mức 2 phải mô tả hành vi quan sát được" in vietnamese


def test_an_empty_list_of_levels_is_too_few(tmp_path: Path):
    document = nd335_document()
    document["general_criteria"][0]["levels"] = []
    with pytest.raises(PolicyError) as error:
        policy_from(document, tmp_path)
    assert "general_criteria[0].levels: needs at least 2 levels, has 0." in error.value.text("en")


def test_a_preset_may_give_different_numbers_of_levels_or_none(tmp_path: Path):
    document = nd335_document()
    document["general_criteria"][0]["levels"] = anchors(3)
    del document["general_criteria"][3]["levels"]
    loaded = policy_from(document, tmp_path)
    assert [len(criterion.anchors) for criterion in loaded.subcriteria] == [3, 5, 5, 0]
    assert loaded.subcriteria[0].anchors[2] == ("Hành vi mức 3", "Behaviour at level 3")
