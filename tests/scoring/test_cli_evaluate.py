"""``evaluate`` and ``explain-check`` end to end, on files generated here (xlsx, CSV, JSON)."""

from __future__ import annotations

import io
import json
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from congtam.scoring.api import load_policy
from congtam.scoring.cli import evaluate_main, explain_check_main
from congtam.scoring.cohort.parse import read_cohort

from .cohort_files import PEOPLE_HEADERS, person_row, write_csv_folder, write_json, write_xlsx


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = evaluate_main(argv, out, err)
    return code, out.getvalue(), err.getvalue()


def scores_cohort() -> dict:
    headers = PEOPLE_HEADERS + ["Điểm kỳ 1", "Điểm kỳ 2", "Điểm kỳ 3", "Điểm kỳ 4"]
    rows = [headers]
    # Eleven in one group: five at 90 or more (example 6), plus one disciplined and one short service.
    for index, score in enumerate([95, 94, 93, 92, 91]):
        rows.append(person_row(f"X{index}", f"Trần Thị X{index}") + [score, score, score, score])
    for index in range(6):
        rows.append(person_row(f"G{index}", f"Lê Văn G{index}") + [80, "80,5", 79.5, 80])
    rows.append(person_row("K1", "Phạm Văn K", discipline="Khiển trách") + [96, 96, 96, 96])
    rows.append(person_row("S1", "Đỗ Thị S", worked=5) + [85, 85, None, None])
    rows.append(person_row("B1", "Vũ Văn B") + [92, 88, 90, 89])
    return {"Nhân sự": rows}


def test_evaluate_xlsx_writes_results_and_quota_sheets(tmp_path: Path):
    cohort = write_xlsx(tmp_path / "cohort.xlsx", scores_cohort())
    output = tmp_path / "results.xlsx"
    code, out, err = run(["--policy", "nd335", "--input", str(cohort), "--output", str(output)])
    assert code == 0, err
    workbook = CalamineWorkbook.from_path(str(output))
    assert workbook.sheet_names[:2] == ["Kết quả", "Tỷ lệ"]
    rows = workbook.get_sheet_by_name("Kết quả").to_python()
    header, body = rows[0], rows[1:]
    assert header == [
        "Mã nhân sự",
        "Họ và tên",
        "Đơn vị",
        "Nhóm",
        "Điểm",
        "Mã xếp loại",
        "Xếp loại",
        "Vượt tỷ lệ",
        "Thứ hạng trong nhóm",
        "Lý do",
    ]
    by_code = {row[0]: row for row in body}
    assert by_code["X0"][5] == "HTXSNV" and by_code["X1"][5] == "HTXSNV"
    assert by_code["X2"][5] == "HTTNV" and by_code["X2"][7] == "Có"
    assert by_code["K1"][5] == "KHTNV" and "khiển trách" in by_code["K1"][9]
    assert by_code["S1"][5] == "KXL" and by_code["S1"][8] == ""
    assert by_code["B1"][4] == 89.75 and by_code["B1"][5] == "HTTNV"
    assert by_code["G0"][4] == 80.0
    quota = workbook.get_sheet_by_name("Tỷ lệ").to_python()
    group_row = next(row for row in quota if row[0] == "Nhóm" and row[1] == "Chuyên viên")
    # 5 candidates + 6 at 80 + B1 = 12 qualify HTTNV or better (K1 and S1 do not): cap floor(2.4) = 2.
    assert group_row[2:4] == [12, 5] and group_row[5:8] == [2, 2, 3]
    assert "HTXSNV 2" in out


def test_evaluate_explain_prints_tree_in_vietnamese_and_english(tmp_path: Path):
    cohort = write_xlsx(tmp_path / "cohort.xlsx", scores_cohort())
    code, out, _ = run(["--policy", "nd335", "--input", str(cohort), "--explain", "B1"])
    assert code == 0
    assert "Điểm năm (trung bình cộng điểm các kỳ) = (92 + 88 + 90 + 89) / 4 = 89,75" in out
    assert "→ HTTNV" in out
    code, out, _ = run(["--policy", "nd335", "--input", str(cohort), "--explain", "X3", "--lang", "en"])
    assert code == 0
    assert "Quota in group Chuyên viên" in out and "over the quota" in out


def test_evaluate_set_overrides_a_parameter_for_a_what_if(tmp_path: Path):
    cohort = write_xlsx(tmp_path / "cohort.xlsx", scores_cohort())
    output = tmp_path / "results.json"
    code, _, err = run(
        [
            "--policy",
            "nd335",
            "--input",
            str(cohort),
            "--output",
            str(output),
            "--set",
            "quota_base=good_only",
            "--set",
            "quota_share=0.30",
        ]
    )
    assert code == 0, err
    records = json.loads(output.read_text(encoding="utf-8"))
    assert records[0]["explanation"]["policy"]["overrides"] == ["quota_base=good_only", "quota_share=0.30"]
    excellent = sorted(r["staff_code"] for r in records if r["level"] == "HTXSNV")
    # good_only with 30% of 12: x ≤ 0.3 × 12 / 1.3 = 2.77 → 2.
    assert excellent == ["X0", "X1"]


def test_evaluate_rejects_unknown_parameter_and_writes_nothing(tmp_path: Path):
    cohort = write_xlsx(tmp_path / "cohort.xlsx", scores_cohort())
    output = tmp_path / "results.xlsx"
    code, _, err = run(
        [
            "--policy",
            "nd335",
            "--input",
            str(cohort),
            "--output",
            str(output),
            "--set",
            "quota_sharez=0.3",
            "--set",
            "quota_base=maybe",
        ]
    )
    assert code == 1
    assert "quota_sharez" in err and "quota_base" in err
    assert not output.exists()


def test_evaluate_csv_folder_and_json_inputs_agree_with_xlsx(tmp_path: Path):
    sheets = scores_cohort()
    outputs = {}
    for kind, source in (
        ("xlsx", write_xlsx(tmp_path / "c.xlsx", sheets)),
        ("csv", write_csv_folder(tmp_path / "csv", sheets, delimiter=";")),
        ("json", write_json(tmp_path / "c.json", sheets)),
    ):
        target = tmp_path / f"out-{kind}.json"
        code, _, err = run(["--policy", "nd335", "--input", str(source), "--output", str(target)])
        assert code == 0, (kind, err)
        outputs[kind] = [
            (r["staff_code"], r["score"], r["level"], r["over_quota"], r["rank_in_group"])
            for r in json.loads(target.read_text(encoding="utf-8"))
        ]
    assert outputs["xlsx"] == outputs["csv"] == outputs["json"]


def test_evaluate_csv_output_writes_results_and_quota_files(tmp_path: Path):
    cohort = write_xlsx(tmp_path / "cohort.xlsx", scores_cohort())
    code, _, err = run(["--policy", "nd335", "--input", str(cohort), "--output", str(tmp_path / "kq.csv")])
    assert code == 0, err
    results = (tmp_path / "kq.csv").read_text(encoding="utf-8-sig").splitlines()
    assert results[0].startswith("Mã nhân sự,Họ và tên")
    assert (tmp_path / "kq.Tỷ lệ.csv").exists()


def test_headers_match_whatever_case_spacing_and_unicode_form(tmp_path: Path):
    sheets = scores_cohort()
    rows = [list(row) for row in sheets["Nhân sự"]]
    rows[0] = [unicodedata.normalize("NFD", "  " + header.upper().replace(" ", "  ") + " ") for header in rows[0]]
    cohort = write_xlsx(tmp_path / "cohort.xlsx", {unicodedata.normalize("NFD", "nhân sự"): rows})
    code, _, err = run(["--policy", "nd335", "--input", str(cohort), "--output", str(tmp_path / "r.json")])
    assert code == 0, err


def bad_people_rows() -> list[list]:
    headers = PEOPLE_HEADERS + ["Điểm kỳ 1", "Điểm kỳ 2"]
    return [
        headers,
        person_row("A1", "Nguyễn Văn A") + [90, 91],
        person_row("A2", "Nguyễn Văn B", worked="mười") + [90, 91],  # row 3: not a number
        person_row("A3", "", discipline="Phê bình") + [90, 91],  # row 4: empty name, unknown measure
        person_row("A1", "Nguyễn Văn C") + [90, 120],  # row 5: duplicate code, score over 100
        person_row("A5", "Nguyễn Văn D", worked=8, absent=4, maternity=2) + [70, 70],  # row 6: 14 months
    ]


@pytest.mark.parametrize("kind", ["xlsx", "csv", "json"])
def test_bad_rows_are_all_reported_and_no_output_is_written(tmp_path: Path, kind: str):
    sheets = {"Nhân sự": bad_people_rows()}
    source = {
        "xlsx": lambda: write_xlsx(tmp_path / "bad.xlsx", sheets),
        "csv": lambda: write_csv_folder(tmp_path / "bad", sheets),
        "json": lambda: write_json(tmp_path / "bad.json", sheets),
    }[kind]()
    output = tmp_path / "results.xlsx"
    code, _, err = run(["--policy", "nd335", "--input", str(source), "--output", str(output)])
    assert code == 1
    assert not output.exists()
    assert not list(tmp_path.glob(".results*"))  # no temporary file left behind either
    # JSON rows are numbered from 1 in list order; spreadsheets count the header as row 1.
    offset = 0 if kind != "json" else -1
    expected = [
        (3 + offset, "Tháng công tác", "phải là một số"),
        (4 + offset, "Họ và tên", "không được để trống"),
        (4 + offset, "Kỷ luật", "Phê bình"),
        (5 + offset, "Mã nhân sự", "bị trùng"),
        (5 + offset, "Điểm kỳ 2", "từ 0 đến 100"),
        (6 + offset, "Tháng công tác", "vượt quá 12"),
    ]
    for row, column, words in expected:
        assert any(f"dòng {row}, cột {column}:" in line and words in line for line in err.splitlines()), (
            row,
            column,
            err,
        )
    assert "sheet Nhân sự" in err


def test_bad_points_items_report_sheet_row_and_column(tmp_path: Path):
    people = [PEOPLE_HEADERS, person_row("A1", "Nguyễn Văn A"), person_row("A2", "Nguyễn Văn B")]
    items = [
        [
            "Mã nhân sự",
            "Kỳ",
            "Mã sản phẩm",
            "Hệ số quy đổi",
            "Hoàn thành",
            "Số lần không đạt chất lượng",
            "Số lần chậm tiến độ",
            "Nguyên nhân khách quan",
        ],
        ["A1", 1, "SP1", "1,5", "Có", 0, 0, "Không"],
        ["A1", 1, "SP2", 0, "Có", 0, 0, "Không"],  # row 3: factor 0
        ["A9", 1, "SP3", 1, "Có", 0, 0, "Không"],  # row 4: unknown person
        ["A2", 1, "SP4", 1, "Hình như", -1, 0, "Không"],
    ]  # row 5: bad yes/no, negative count
    general = [["Mã nhân sự", "Kỳ", "Điểm tiêu chí chung"], ["A1", 1, 25], ["A2", 1, 31]]  # row 3: over 30
    path = write_xlsx(tmp_path / "bad.xlsx", {"Nhân sự": people, "Sản phẩm": items, "Tiêu chí chung": general})
    code, _, err = run(
        ["--policy", "nd335", "--input", str(path), "--output", str(tmp_path / "r.xlsx"), "--lang", "en"]
    )
    assert code == 1
    for fragment in (
        "sheet Sản phẩm, row 3, column Hệ số quy đổi",
        "sheet Sản phẩm, row 4, column Mã nhân sự",
        "sheet Sản phẩm, row 5, column Hoàn thành",
        "sheet Sản phẩm, row 5, column Số lần không đạt chất lượng",
        "sheet Tiêu chí chung, row 3, column Điểm tiêu chí chung",
    ):
        assert fragment in err, (fragment, err)
    assert not (tmp_path / "r.xlsx").exists()


def test_points_from_raw_items_reproduces_example_10(tmp_path: Path):
    people = [PEOPLE_HEADERS, person_row("A1", "Nguyễn Văn A")]
    items = [
        [
            "Mã nhân sự",
            "Kỳ",
            "Mã sản phẩm",
            "Hệ số quy đổi",
            "Hoàn thành",
            "Số lần không đạt chất lượng",
            "Số lần chậm tiến độ",
            "Nguyên nhân khách quan",
        ],
        ["A1", 1, "SP1", 1, "Có", 0, 0, "Không"],
        ["A1", 1, "SP2", 1, "Có", 0, 0, "Không"],
        ["A1", 1, "SP3", 2, "Có", 1, 0, "Không"],
        ["A1", 1, "SP4", 4, "Có", 0, 2, "Không"],
    ]
    general = [
        [
            "Mã nhân sự",
            "Kỳ",
            "Phẩm chất chính trị, đạo đức",
            "van_hoa_ky_luat",
            "Tinh thần trách nhiệm, thái độ phục vụ Nhân dân, doanh nghiệp",
            "doi_moi_sang_tao",
        ],
        ["A1", 1, 7, "7,5", 6, 6.5],
    ]
    path = write_xlsx(tmp_path / "items.xlsx", {"Nhân sự": people, "Sản phẩm": items, "Tiêu chí chung": general})
    output = tmp_path / "r.json"
    code, out, err = run(["--policy", "nd335", "--input", str(path), "--output", str(output), "--explain", "A1"])
    assert code == 0, err
    record = json.loads(output.read_text(encoding="utf-8"))[0]
    assert record["score"] == "89.71"
    assert "b) Chất lượng (%) = 100 × (1 + 1 + 1,5 + 4) / 8 = 93,75" in out
    assert "c) Tiến độ (%) = 100 × (1 + 1 + 2 + 2) / 8 = 75" in out
    check_out, check_err = io.StringIO(), io.StringIO()
    assert explain_check_main([str(output)], check_out, check_err) == 0, check_err.getvalue()


def test_criteria_model_cohort(tmp_path: Path):
    people = [
        PEOPLE_HEADERS,
        person_row("V1", "Nguyễn Thị Hoa"),
        person_row("V2", "Lê Minh", worked=8, absent=4),
        person_row("M1", "Trần Quang", leader="Có"),
        person_row("V3", "Phan Văn Tuấn", worked=5),
    ]
    criteria = [
        [
            "Mã nhân sự",
            "Đáp ứng tiêu chí chung",
            "Tỷ lệ hoàn thành",
            "Tỷ lệ vượt mức",
            "Tỷ lệ không đạt",
            "Đơn vị: tỷ lệ chỉ tiêu hoàn thành",
            "Đơn vị: tỷ lệ vượt mức",
            "Đơn vị: tỷ lệ đúng tiến độ",
            "Đơn vị trực thuộc: tỷ lệ HTNV trở lên",
            "Đơn vị trực thuộc: tỷ lệ HTTNV trở lên",
        ],
        ["V1", "Có", 100, 60, 0, None, None, None, None, None],
        ["V2", "Có", 100, 60, 0, None, None, None, None, None],
        ["M1", "Có", 100, 0, 0, 100, 0, 85, 100, 60],
    ]
    path = write_xlsx(tmp_path / "vc.xlsx", {"Nhân sự": people, "Tiêu chí": criteria})
    output = tmp_path / "vc.json"
    code, _, err = run(["--policy", "nd90-vien-chuc", "--input", str(path), "--output", str(output)])
    assert code == 0, err
    levels = {r["staff_code"]: r["level"] for r in json.loads(output.read_text(encoding="utf-8"))}
    # V1 qualifies HTXSNV but the group of 3 classified has cap floor(0.2 × 3) = 0: proposed HTTNV.
    assert levels == {"V1": "HTTNV", "V2": "HTNV", "M1": "HTNV", "V3": "KXL"}
    assert explain_check_main([str(output)], io.StringIO(), io.StringIO()) == 0


def test_explain_check_detects_a_tampered_number(tmp_path: Path):
    cohort = write_xlsx(tmp_path / "cohort.xlsx", scores_cohort())
    output = tmp_path / "results.json"
    assert run(["--policy", "nd335", "--input", str(cohort), "--output", str(output)])[0] == 0
    records = json.loads(output.read_text(encoding="utf-8"))
    assert explain_check_main([str(output)], io.StringIO(), io.StringIO()) == 0
    target = next(r for r in records if r["staff_code"] == "B1")
    target["explanation"]["score"]["inputs"]["periods"][2]["value"] = "94"  # 89.75 no longer follows
    output.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    err = io.StringIO()
    assert explain_check_main([str(output)], io.StringIO(), err) == 1
    assert "B1.score" in err.getvalue()


def test_explain_check_detects_a_quota_breach(tmp_path: Path):
    cohort = write_xlsx(tmp_path / "cohort.xlsx", scores_cohort())
    output = tmp_path / "results.json"
    assert run(["--policy", "nd335", "--input", str(cohort), "--output", str(output)])[0] == 0
    records = json.loads(output.read_text(encoding="utf-8"))
    target = next(r for r in records if r["staff_code"] == "X2")
    target["level"] = target["explanation"]["level"] = target["explanation"]["quota"]["value"] = "HTXSNV"
    target["over_quota"] = target["explanation"]["over_quota"] = target["explanation"]["quota"]["over_quota"] = False
    for scope in target["explanation"]["quota"]["scopes"]:
        scope["fits"] = True
    output.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    err = io.StringIO()
    assert explain_check_main([str(output)], io.StringIO(), err) == 1
    assert "3 admitted, cap 2" in err.getvalue()


def test_list_shows_presets_versions_and_open_parameters():
    code, out, _ = run(["--list", "--lang", "en"])
    assert code == 0
    versions = {"nd335": "2026.3", "nd90-cong-chuc": "2026.2", "nd90-vien-chuc": "2026.2", "nd90-can-bo": "2026.2"}
    for preset, version in versions.items():
        assert f"{preset} — version {version}" in out
    for parameter in (
        "quota_base",
        "quota_exception_share",
        "task_weight_quality",
        "leader_unit_weight",
        "leave_rules_apply",
        "criteria_gap_level",
        "not_complete_short_over_percent",
    ):
        assert parameter in out


def test_usage_errors_return_two():
    assert run(["--policy", "nd335"])[0] == 2
    assert run(["--bogus"])[0] == 2


def test_discipline_already_counted_column_is_read_explained_and_checked(tmp_path: Path):
    headers = PEOPLE_HEADERS + ["Kỷ luật đã tính", "Điểm kỳ 1", "Điểm kỳ 2"]
    rows = [
        headers,
        person_row("K1", "Phạm Văn K", discipline="Khiển trách") + ["Có", 95, 95],
        person_row("K2", "Lê Thị K", discipline="Khiển trách") + ["", 95, 95],
    ]
    cohort = write_xlsx(tmp_path / "cohort.xlsx", {"Nhân sự": rows})
    output = tmp_path / "r.json"
    code, out, err = run(
        [
            "--policy",
            "nd335",
            "--input",
            str(cohort),
            "--output",
            str(output),
            "--explain",
            "K1",
            "--set",
            "quota_share=1",
        ]
    )
    assert code == 0, err
    records = {record["staff_code"]: record for record in json.loads(output.read_text(encoding="utf-8"))}
    assert records["K1"]["level"] == "HTXSNV" and records["K2"]["level"] == "KHTNV"
    assert any("không tính lại" in reason for reason in records["K1"]["reasons"])
    assert "Kỷ luật đã được tính ở năm trước" in out
    assert explain_check_main([str(output)], io.StringIO(), io.StringIO()) == 0


@pytest.mark.parametrize("kind", ["xlsx", "csv", "json"])
def test_a_factor_reads_the_same_however_it_is_written(tmp_path: Path, kind: str):
    # The one number reader of the application: a decimal comma or dot, thousands separated by
    # dots or spaces, or a number cell.
    spellings = ["1.000,5", "1 000,5", "1000,5", "1000.5", "1,000.5", 1000.5]
    people = [PEOPLE_HEADERS] + [person_row(f"A{index}", f"Nguyễn Văn {index}") for index in range(len(spellings))]
    items = [
        [
            "Mã nhân sự",
            "Kỳ",
            "Mã sản phẩm",
            "Hệ số quy đổi",
            "Hoàn thành",
            "Số lần không đạt chất lượng",
            "Số lần chậm tiến độ",
            "Nguyên nhân khách quan",
        ]
    ]
    general = [["Mã nhân sự", "Kỳ", "Điểm tiêu chí chung"]]
    for index, factor in enumerate(spellings):
        items += [[f"A{index}", 1, "SP1", 1, "Không", 0, 0, "Không"], [f"A{index}", 1, "SP2", factor, "Có", 1, 0, ""]]
        general.append([f"A{index}", 1, ["27,5", "27.5", 27.5][index % 3]])
    sheets = {"Nhân sự": people, "Sản phẩm": items, "Tiêu chí chung": general}
    writers = {"xlsx": write_xlsx, "csv": write_csv_folder, "json": write_json}
    path = writers[kind](tmp_path / ("cohort" if kind == "csv" else f"cohort.{kind}"), sheets)
    members = read_cohort(path, load_policy("nd335"))
    factors = [[item.factor for item in member.periods[0].detail.task.items] for member in members]
    assert factors == [[Decimal(1), Decimal("1000.5")]] * len(spellings)
    assert len({member.periods[0].score for member in members}) == 1
