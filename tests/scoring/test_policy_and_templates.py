"""Preset and template files: validated on load, every problem named with its file and field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from congtam.scoring.policy import PARAMETER_SPECS, PolicyError, load_policy_file, load_preset, shipped_preset_ids
from congtam.scoring.templates import load_template, template_score

from .helpers import D

PRESETS = Path(__file__).resolve().parents[2] / "congtam" / "scoring" / "presets"
TEMPLATES = Path(__file__).resolve().parents[2] / "congtam" / "scoring" / "agency_templates"


def test_five_presets_ship_and_load():
    assert shipped_preset_ids() == ["nd335", "nd335-sau-thanh-phan", "nd90-can-bo", "nd90-cong-chuc", "nd90-vien-chuc"]
    for preset in shipped_preset_ids():
        policy = load_preset(preset)
        assert policy.version and policy.open_parameters()
        of_model = {n for n, s in PARAMETER_SPECS.items() if policy.model in s.models}
        # A parameter with a default may be left out of a preset (added after presets were written).
        assert {n for n in of_model if PARAMETER_SPECS[n].default is None} <= set(policy.parameters) <= of_model
        assert set(policy.settings.values) == of_model
        for parameter in policy.parameters.values():
            assert parameter.description_vi and parameter.description_en


def test_every_to_confirm_of_the_rules_is_an_open_parameter():
    points = {p.name for p in load_preset("nd335").open_parameters()}
    assert {
        "task_weight_quantity",
        "task_weight_quality",
        "task_weight_timeliness",  # a, b, c combination
        "leader_own_items_weight",
        "leader_unit_weight",  # leader combination
        "quota_exception_share",
        "leave_rules_apply",
        "quota_base",
    } <= points
    criteria = {p.name for p in load_preset("nd90-vien-chuc").open_parameters()}
    assert {
        "not_complete_short_over_percent",
        "leader_not_complete_unit_completion_under_percent",
        "leader_not_complete_subunits_complete_under_percent",
        "criteria_gap_level",
    } <= criteria


def test_bad_preset_reports_every_problem_with_file_and_field(tmp_path: Path):
    document = json.loads((PRESETS / "nd335.json").read_text(encoding="utf-8"))
    document["parameters"]["quota_share"]["value"] = "1.5"
    document["parameters"]["threshold_good"]["value"] = 0.7  # a float: not exact
    document["parameters"]["quota_base"]["value"] = "everyone"
    del document["parameters"]["late_deduction"]
    document["parameters"]["made_up"] = {"value": "1"}
    document["general_criteria"][0]["max_points"] = "9"
    path = tmp_path / "agency.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(PolicyError) as error:
        load_policy_file(path)
    text = error.value.text("vi")
    for field in (
        "parameters.quota_share.value",
        "parameters.threshold_good.value",
        "parameters.quota_base.value",
        "parameters.late_deduction",
        "parameters.made_up",
    ):
        assert f"agency.json: {field}:" in text, (field, text)


def test_inconsistent_preset_thresholds_and_subcriteria_total(tmp_path: Path):
    document = json.loads((PRESETS / "nd335.json").read_text(encoding="utf-8"))
    document["parameters"]["threshold_good"]["value"] = "95"
    document["general_criteria"][0]["max_points"] = "9"
    path = tmp_path / "agency.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(PolicyError) as error:
        load_policy_file(path)
    text = error.value.text("en")
    assert "parameters.threshold_excellent: thresholds must decrease" in text
    assert "general_criteria: the sub-criteria add up to 31.5" in text


def test_agency_preset_file_loads_by_path(tmp_path: Path):
    document = json.loads((PRESETS / "nd335.json").read_text(encoding="utf-8"))
    document["id"], document["version"] = "vpqh", "2026.2"
    path = tmp_path / "vpqh.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    assert load_preset(str(path)).id == "vpqh"


def test_example_template_scores_and_rechecks():
    template = load_template(TEMPLATES / "example-chuyen-vien.json")
    score = template_score(
        template,
        {
            "thai_do_phuc_vu": 4,
            "ho_so_dung_han": ("40", "38"),
            "quy_trinh": ["Lưu hồ sơ đúng quy định", "Báo cáo kỳ đúng hạn"],
            "sang_kien": "5",
        },
    )
    # 20 × 75 + 40 × 95 + 20 × 75 + 20 × 50 = 7800 → 78
    assert score.score == D(78)
    from congtam.scoring.explain.recheck import Recheck, _recompute_node

    check = Recheck()
    assert _recompute_node(score.explanation(), "template", check) == D(78) and not check.problems


def test_template_weights_must_add_up_to_100(tmp_path: Path):
    document = json.loads((TEMPLATES / "example-chuyen-vien.json").read_text(encoding="utf-8"))
    document["components"][0]["weight"] = "25"
    document["components"][1]["method"] = "astrology"
    path = tmp_path / "t.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(PolicyError) as error:
        load_template(path)
    assert "t.json: components[1].method" in error.value.text("en")
    document["components"][1]["method"] = "target"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(PolicyError) as error:
        load_template(path)
    assert "add up to 105" in error.value.text("en")
