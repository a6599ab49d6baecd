"""Same input, same output: snapshot the engine's results on varied sample cohorts, to diff later.

    .venv/bin/python benchmarks/scoring_equivalence.py snapshot DIR   # write every output into DIR
    diff -r BEFORE_DIR AFTER_DIR                                        # byte-compare two snapshots

The cohorts (deterministic by seed) exercise what the speed work touches: period scores given as
floats, integers and texts with a decimal comma; work items with every factor shape, failures,
lateness and objective causes; general criteria as one total or per sub-criterion; leaders with and
without unit data; every overriding fact; quota exceptions; the criteria model; what-if overrides.
Each cohort is evaluated to JSON (bytes compared as written), CSV, and xlsx — for xlsx the snapshot
is every cell value of every sheet as read back by python-calamine, written as JSON lines, because
the zip container itself carries timestamps.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PEOPLE = [
    "Mã nhân sự",
    "Họ và tên",
    "Đơn vị",
    "Nhóm",
    "Lãnh đạo",
    "Kỷ luật",
    "Suy thoái",
    "Tháng công tác",
    "Tháng nghỉ",
    "Tháng thai sản",
    "Ngoại lệ tỷ lệ",
    "Tham nhũng, lãng phí",
]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Hà", "Hương", "Khoa", "Lan", "Minh", "Ngọc", "Phúc", "Quân", "Thảo"]
MEASURES = ["", "", "", "", "", "", "", "", "", "Khiển trách", "Cảnh cáo", "khien trach"]


def _person(rng: random.Random, index: int, leader: bool) -> list:
    worked = rng.choice([12] * 12 + [11, 6, 5, 3, 9])
    absent = rng.choice([0] * 10 + [1, 2, 3, "3,5", 5, 6]) if worked >= 6 else 0
    if worked + float(str(absent).replace(",", ".")) > 12:
        absent = 0
    maternity = rng.choice([0] * 15 + [6]) if worked + float(str(absent).replace(",", ".")) <= 6 else 0
    return [
        f"NV{index:05d}",
        f"{rng.choice(SURNAMES)} Văn {rng.choice(GIVEN)}",
        f"Vụ {index % 7}",
        f"Nhóm {index % 3}",
        "Có" if leader else "Không",
        rng.choice(MEASURES),
        "Có" if rng.random() < 0.02 else "Không",
        worked,
        absent,
        maternity,
        "QĐ 12/2026" if index % 3 == 2 and index % 5 == 0 else "",
        "Có" if leader and rng.random() < 0.05 else "Không",
    ]


def scores_sheets(people: int, seed: int) -> dict:
    rng = random.Random(seed)
    periods = 12
    rows = [PEOPLE + [f"Điểm kỳ {k + 1}" for k in range(periods)]]
    for index in range(people):
        row = _person(rng, index, rng.random() < 0.1)
        base = rng.uniform(55, 99)
        for k in range(periods):
            value = min(100.0, max(0.0, base + rng.uniform(-6, 6)))
            kind = rng.random()
            if kind < 0.4:
                row.append(round(value * 4) / 4)
            elif kind < 0.6:
                row.append(round(value, 2))
            elif kind < 0.7:
                row.append(f"{round(value, 1)}".replace(".", ","))
            elif kind < 0.8:
                row.append(int(value))
            elif kind < 0.85 and k >= 9:
                row.append(None)  # fewer periods worked
            else:
                row.append(round(value, 3))
        rows.append(row)
    return {"Nhân sự": rows}


def items_sheets(people: int, seed: int) -> dict:
    rng = random.Random(seed)
    rows = [PEOPLE]
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
    general = [
        [
            "Mã nhân sự",
            "Kỳ",
            "Phẩm chất chính trị, đạo đức",
            "van_hoa_ky_luat",
            "trach_nhiem_phuc_vu",
            "doi_moi_sang_tao",
        ]
    ]
    units = [["Mã nhân sự", "Kỳ", "Tỷ lệ công chức HTNV trở lên", "Tỷ lệ thực hiện kế hoạch"]]
    factors = [0.5, 1, 1, 1.5, 2, 4, 1.25, "0,75", 3, 2.5, 0.1]
    for index in range(people):
        leader = rng.random() < 0.1
        person = _person(rng, index, leader)
        rows.append(person)
        code = person[0]
        for period in range(1, rng.choice([4, 4, 12, 3]) + 1):
            for item in range(rng.randint(1, 9)):
                done = rng.random() < 0.9
                items.append(
                    [
                        code,
                        period,
                        f"SP{index}-{period}-{item}",
                        rng.choice(factors),
                        "Có" if done else "Không",
                        rng.choice([0, 0, 0, 0, 1, 2, 3, 5]),
                        rng.choice([0, 0, 0, 1, 2, 4]),
                        "Có" if rng.random() < 0.1 else "Không",
                    ]
                )
            general.append([code, period] + [rng.choice([7.5, 7, 6.5, 6, "5,5", 7.25]) for _ in range(4)])
            if leader and rng.random() < 0.7:
                units.append([code, period, rng.choice([100, 100, 95.5, 80]), rng.choice([100, 90, 75.25, 60])])
    return {"Nhân sự": rows, "Sản phẩm": items, "Tiêu chí chung": general, "Lãnh đạo đơn vị": units}


def criteria_sheets(people: int, seed: int) -> dict:
    rng = random.Random(seed)
    rows = [PEOPLE]
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
        ]
    ]
    for index in range(people):
        leader = rng.random() < 0.1
        person = _person(rng, index, leader)
        rows.append(person)
        short = rng.choice([0, 0, 0, 10, 25, 40, 60])
        line = [
            person[0],
            "Có" if rng.random() < 0.95 else "Không",
            100 if short == 0 else 100 - short / 2,
            rng.choice([0, 10, 20, 30, 50, 75.5]),
            short,
        ]
        if leader:
            line += [
                rng.choice([100, 100, 90, 65]),
                rng.choice([0, 20, 40]),
                rng.choice([100, 90, 70]),
                rng.choice([None, 100, 80, 60]),
                rng.choice([None, 100, 80, 60]),
            ]
        criteria.append(line)
    return {"Nhân sự": rows, "Tiêu chí": criteria}


CASES = [
    ("scores", "nd335", scores_sheets, 3000, []),
    (
        "scores-good-only",
        "nd335",
        scores_sheets,
        800,
        ["--set", "quota_base=good_only", "--set", "quota_tie_break=name"],
    ),
    ("scores-last-period", "nd335", scores_sheets, 500, ["--set", "quota_tie_break=last_period_score"]),
    ("items", "nd335", items_sheets, 600, []),
    (
        "items-weights",
        "nd335",
        items_sheets,
        300,
        ["--set", "task_weight_quality=2", "--set", "leader_unit_weight=3", "--set", "late_deduction=0.3"],
    ),
    ("criteria", "nd90-cong-chuc", criteria_sheets, 1500, []),
    ("criteria-vien-chuc", "nd90-vien-chuc", criteria_sheets, 500, ["--set", "quota_exception_share=0.5"]),
]


def _xlsx_cells(path: Path) -> str:
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_path(str(path))
    lines = []
    for name in workbook.sheet_names:
        lines.append(json.dumps({"sheet": name}, ensure_ascii=False))
        for row in workbook.get_sheet_by_name(name).to_python(skip_empty_area=False):
            lines.append(json.dumps(row, ensure_ascii=False, default=str))
    return "\n".join(lines) + "\n"


def snapshot(folder: Path) -> None:
    sys.path.insert(0, str(ROOT / "tests" / "scoring"))
    from cohort_files import write_xlsx

    from congtam.scoring.cli import evaluate_main, explain_check_main

    folder.mkdir(parents=True, exist_ok=True)
    inputs = folder / "inputs"
    inputs.mkdir(exist_ok=True)
    for name, preset, build, people, extra in CASES:
        cohort = write_xlsx(inputs / f"{name}.xlsx", build(people, seed=len(name)))
        for suffix in ("json", "xlsx", "csv"):
            output = folder / f"{name}.{suffix}"
            argv = ["--policy", preset, "--input", str(cohort), "--output", str(output), *extra]
            with open(folder / f"{name}.{suffix}.stdout", "w", encoding="utf-8") as out:
                code = evaluate_main(argv, out, out)
            assert code == 0, (name, suffix, (folder / f"{name}.{suffix}.stdout").read_text()[:2000])
            if suffix == "xlsx":
                (folder / f"{name}.xlsx.cells").write_text(_xlsx_cells(output), encoding="utf-8")
                output.unlink()
                (folder / f"{name}.{suffix}.stdout").write_text(
                    (folder / f"{name}.{suffix}.stdout").read_text(encoding="utf-8").replace(str(folder), "DIR"),
                    encoding="utf-8",
                )
            else:
                text = (folder / f"{name}.{suffix}.stdout").read_text(encoding="utf-8")
                (folder / f"{name}.{suffix}.stdout").write_text(text.replace(str(folder), "DIR"), encoding="utf-8")
        with open(folder / f"{name}.explain.txt", "w", encoding="utf-8") as out:
            code = evaluate_main(
                ["--policy", preset, "--input", str(cohort), "--explain", "NV00003", "--lang", "en", *extra], out, out
            )
        with open(folder / f"{name}.check.txt", "w", encoding="utf-8") as out:
            code = explain_check_main([str(folder / f"{name}.json")], out, out)
            assert code == 0, name
    # The inputs are regenerated identically each time; keep only the outputs for the diff.
    for file in inputs.iterdir():
        file.unlink()
    inputs.rmdir()


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "snapshot":
        print(__doc__)
        sys.exit(2)
    snapshot(Path(sys.argv[2]))
