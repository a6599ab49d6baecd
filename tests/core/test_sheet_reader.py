"""SheetReader's optional columns and sheets: a workbook that leaves them out reads as before, with
no problem reported; one that has them gives their cells."""

from __future__ import annotations

import xlsxwriter

from congtam.core.spreadsheets import SheetReader, open_workbook


def _workbook(path, sheets: dict[str, list[list[str]]]):
    book = xlsxwriter.Workbook(str(path))
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for number, row in enumerate(rows):
            sheet.write_row(number, 0, row)
    book.close()
    return open_workbook(str(path))


def test_an_optional_column_left_out_is_no_problem(tmp_path):
    workbook = _workbook(tmp_path / "a.xlsx", {"Đơn vị": [["Mã", "Tên"], ["A", "Một"]]})
    issues = []
    reader = SheetReader(workbook, "Đơn vị", ("Mã", "Tên"), issues, optional=("Nhóm",))
    assert list(reader.rows()) == [(2, {"Mã": "A", "Tên": "Một"})]
    assert (issues, reader.complete, reader.has_column("Nhóm")) == ([], True, False)


def test_an_optional_column_present_is_read_whatever_its_place(tmp_path):
    workbook = _workbook(tmp_path / "b.xlsx", {"Đơn vị": [["NHÓM ", "Mã", "Tên"], ["X", "A", "Một"]]})
    issues = []
    reader = SheetReader(workbook, "Đơn vị", ("Mã", "Tên"), issues, optional=("Nhóm",))
    assert list(reader.rows()) == [(2, {"Nhóm": "X", "Mã": "A", "Tên": "Một"})]
    assert issues == [] and reader.has_column("Nhóm")


def test_a_required_column_is_still_reported_next_to_an_optional_one(tmp_path):
    workbook = _workbook(tmp_path / "c.xlsx", {"Đơn vị": [["Mã", "Nhóm"], ["A", "X"]]})
    issues = []
    reader = SheetReader(workbook, "Đơn vị", ("Mã", "Tên"), issues, optional=("Nhóm",))
    assert list(reader.rows()) == []
    assert not reader.complete and [(issue.row, issue.column) for issue in issues] == [(1, "Tên")]


def test_a_sheet_that_is_not_required_may_be_left_out(tmp_path):
    workbook = _workbook(tmp_path / "d.xlsx", {"Khác": [["Mã"]]})
    issues = []
    optional = SheetReader(workbook, "Cơ quan", ("Mã",), issues, required=False)
    assert (list(optional.rows()), optional.present, optional.complete, issues) == ([], False, True, [])
    required = SheetReader(workbook, "Cơ quan", ("Mã",), issues)
    assert not required.complete and [issue.sheet for issue in issues] == ["Cơ quan"]
