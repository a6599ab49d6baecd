"""The summary of results in Excel, read back with python-calamine."""

from __future__ import annotations

import io

from python_calamine import CalamineWorkbook

from congtam.documents import unit_summary_xlsx

from .samples import summary_rows


def _sheets(content: bytes) -> dict[str, list[list]]:
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return {name: workbook.get_sheet_by_name(name).to_python() for name in workbook.sheet_names}


def test_the_summary_lists_every_person_with_their_levels():
    sheets = _sheets(unit_summary_xlsx(summary_rows(5), title="Kết quả xếp loại năm 2025 — Vụ Pháp luật"))
    results = sheets["Kết quả xếp loại"]
    assert results[0][0] == "Kết quả xếp loại năm 2025 — Vụ Pháp luật"
    assert results[2][:3] == ["STT", "Họ và tên", "Đơn vị"]
    people = results[3:]
    assert len(people) == 5
    first = people[0]
    assert first[:5] == [1, "Nguyễn Thị Hương 0", "Vụ Pháp luật hình sự - hành chính", "Chuyên viên", "Công chức"]
    assert first[5] == 92.5
    assert first[6:] == ["Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành xuất sắc nhiệm vụ", "Nghỉ thai sản 4 tháng"]
    assert people[4][5:8] == [88.5, "", ""]  # no level yet


def test_the_totals_count_each_level_and_its_share():
    totals = {row[0]: row[1:] for row in _sheets(unit_summary_xlsx(summary_rows(10)))["Tổng hợp"][3:]}
    assert totals["Hoàn thành xuất sắc nhiệm vụ"] == [2, 0.2]
    assert totals["Hoàn thành tốt nhiệm vụ"] == [4, 0.4]
    assert totals["Hoàn thành nhiệm vụ"] == [2, 0.2]
    assert totals["Không hoàn thành nhiệm vụ"] == [0, 0]
    assert totals["Chưa có kết quả"] == [2, 0.2]
    assert totals["Tổng số"][0] == 10


def test_rows_may_stream_from_a_generator_and_an_empty_scope_still_renders():
    sheets = _sheets(unit_summary_xlsx(row for row in summary_rows(3)))
    assert len(sheets["Kết quả xếp loại"]) == 4
    empty = _sheets(unit_summary_xlsx([]))
    assert empty["Kết quả xếp loại"][0][0] == "STT"
    assert {row[0]: row[1] for row in empty["Tổng hợp"][3:]}["Tổng số"] == 0
