"""Writers of cohort files for the tests: the same sheets as xlsx, a CSV folder, or JSON."""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import xlsxwriter

Sheets = Mapping[str, Sequence[Sequence[Any]]]  # sheet name -> rows, first row the headers

PEOPLE_HEADERS = [
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
]


def person_row(
    code: str,
    name: str,
    *,
    unit: str = "Vụ Tổng hợp",
    group: str = "Chuyên viên",
    leader: str = "Không",
    discipline: str = "",
    degradation: str = "Không",
    worked: Any = 12,
    absent: Any = 0,
    maternity: Any = 0,
    exception: str = "",
) -> list[Any]:
    return [code, name, unit, group, leader, discipline, degradation, worked, absent, maternity, exception]


def write_xlsx(path: Path, sheets: Sheets) -> Path:
    workbook = xlsxwriter.Workbook(str(path))
    for name, rows in sheets.items():
        sheet = workbook.add_worksheet(name)
        for index, row in enumerate(rows):
            for column, value in enumerate(row):
                if value is None or value == "":
                    continue
                sheet.write(index, column, value)
    workbook.close()
    return path


def write_csv_folder(folder: Path, sheets: Sheets, delimiter: str = ",") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in sheets.items():
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, delimiter=delimiter).writerows(
                [["" if value is None else value for value in row] for row in rows]
            )
    return folder


def write_json(path: Path, sheets: Sheets) -> Path:
    document = {name: [dict(zip(rows[0], row)) for row in rows[1:]] for name, rows in sheets.items()}
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path
