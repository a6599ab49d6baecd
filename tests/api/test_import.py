"""Excel import of work items: the same writer as the API, all or nothing, each bad row named
with its column; HR for anyone, an evaluator for their own people."""

import io
from datetime import date
from decimal import Decimal

import pytest
import xlsxwriter
from django.urls import reverse

from congtam.accounts.models import Role
from congtam.api.importer import ITEM_COLUMNS, SHEET_ITEMS, import_work_items, write_template
from congtam.audit.models import AuditEntry
from congtam.core.permissions import Refused
from congtam.monitoring.models import ItemState, Origin, WorkItem

pytestmark = pytest.mark.django_db


def workbook(rows, columns=ITEM_COLUMNS, sheet=SHEET_ITEMS):
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    page = book.add_worksheet(sheet)
    day = book.add_format({"num_format": "dd/mm/yyyy"})
    page.write_row(0, 0, columns)
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            if isinstance(value, date):
                page.write_datetime(number, column, value, day)
            elif value is not None:
                page.write(number, column, value)
    book.close()
    buffer.seek(0)
    buffer.name = "cong-viec.xlsx"
    return buffer


GOOD = [
    ["NV021", "2026-11", "BC", None, None, None, date(2026, 11, 25), None, "KH-1"],
    ["NV022", "11/2026", None, "Tổng hợp ý kiến cử tri", "1,5", "Việc đột xuất", "26/11/2026", None, None],
]


def test_hr_imports_items_and_importing_again_changes_nothing(year):
    hr = year.user(Role.HR)
    report = import_work_items(workbook(GOOD), actor=hr, file_name="cong-viec.xlsx")
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)
    first, second = WorkItem.objects.order_by("id")
    assert (first.origin, first.state, first.code, first.source_id, first.created_by) == (
        Origin.IMPORT,
        ItemState.ASSIGNED,
        "BC",
        "KH-1",
        hr,
    )
    assert (second.name, str(second.factor), second.due_on) == ("Tổng hợp ý kiến cử tri", "1.5000", date(2026, 11, 26))
    entry = AuditEntry.objects.order_by("-seq").first()
    assert (entry.event, entry.actor_label, entry.new["file"], entry.new["created"]) == (
        "api.items.imported",
        "hoa",
        "cong-viec.xlsx",
        2,
    )
    again = import_work_items(workbook(GOOD[:1]), actor=hr, file_name="cong-viec.xlsx")
    assert (again.created, again.unchanged) == (0, 1) and WorkItem.objects.count() == 2
    assert again.summary() == "1 công việc đã nhập: 0 mới, 0 thay đổi, 1 không đổi."


def test_bad_rows_are_all_reported_with_their_column_and_nothing_is_written(year):
    rows = [
        GOOD[0],
        ["NV999", "2026-11", "BC", None, None, None, date(2026, 11, 25), None, None],
        ["NV021", "tháng 11", "BC", None, None, None, "31/11/2026", None, None],
        ["NV021", "2026-11", None, "Việc", "không", None, date(2026, 11, 2), None, None],
        ["NV022", "2026-11", "XX", None, None, None, date(2026, 12, 1), None, "KH-1"],
    ]
    before = AuditEntry.objects.count()
    report = import_work_items(workbook(rows), actor=year.user(Role.HR), file_name="x.xlsx")
    assert not report.ok
    assert [(issue.row, issue.column) for issue in report.errors] == [
        (3, "Mã nhân sự"),
        (4, "Kỳ"),
        (4, "Hạn hoàn thành"),
        (5, "Hệ số quy đổi"),
        (5, "Lý do"),
        (6, "Mã sản phẩm"),
        (6, "Hạn hoàn thành"),
        (6, "Mã nguồn"),
    ]
    messages = {(issue.row, issue.column): issue.message for issue in report.errors}
    assert (
        messages[(3, "Mã nhân sự")]
        == "Không có người nào có mã nhân sự “NV999” trong số những người mà bạn được nhập công việc."
    )
    assert messages[(4, "Kỳ")] == "“tháng 11” không phải là kỳ; ghi 2026-11 cho tháng hoặc 2026-Q4 cho quý."
    assert messages[(6, "Mã nguồn")] == "Mã nguồn này đã được dùng ở công việc số 2 của lô này."
    assert WorkItem.objects.count() == 0 and AuditEntry.objects.count() == before


@pytest.mark.parametrize("factor", ["1.000,5", "1 000,5", "1000,5", "1000.5", 1000.5])
def test_a_factor_reads_the_same_however_it_is_written(year, factor):
    row = ["NV022", "2026-11", None, "Tổng hợp ý kiến cử tri", factor, "Việc đột xuất", "26/11/2026", None, None]
    report = import_work_items(workbook([row]), actor=year.user(Role.HR), file_name="x.xlsx")
    assert report.ok, report.errors
    assert WorkItem.objects.get().factor == Decimal("1000.5")


def test_a_factor_cell_is_read_as_excel_shows_it(year):
    # A formula's 0.1 + 0.2 is stored as 0.30000000000000004; Excel shows 0.3, and 0.3 is read.
    row = ["NV022", "2026-11", None, "Tổng hợp ý kiến cử tri", 0.1 + 0.2, "Việc đột xuất", "26/11/2026", None, None]
    report = import_work_items(workbook([row]), actor=year.user(Role.HR), file_name="x.xlsx")
    assert report.ok, report.errors
    assert WorkItem.objects.get().factor == Decimal("0.3")


def test_a_workbook_without_the_sheet_or_a_column_is_refused(year):
    hr = year.user(Role.HR)
    report = import_work_items(workbook(GOOD, sheet="Trang tính 1"), actor=hr)
    assert [(issue.sheet, issue.row, issue.column) for issue in report.errors] == [(SHEET_ITEMS, None, "")]
    assert "“Công việc”" in report.errors[0].message
    report = import_work_items(workbook([row[:8] for row in GOOD], columns=ITEM_COLUMNS[:8]), actor=hr)
    assert [(issue.row, issue.column) for issue in report.errors] == [(1, "Mã nguồn")]
    assert not import_work_items(io.BytesIO(b"not a workbook"), actor=hr).ok
    assert import_work_items(workbook([]), actor=hr).errors[0].message == "Trang tính không có công việc nào."


def test_an_evaluator_imports_only_for_the_people_they_evaluate(year):
    manager = year.user(Role.MANAGER)  # son evaluates an and binh, not the head of Vụ Pháp luật
    report = import_work_items(
        workbook(GOOD + [["NV010", "2026-11", "BC", None, None, None, date(2026, 11, 25), None, None]]), actor=manager
    )
    assert [(issue.row, issue.column) for issue in report.errors] == [(4, "Mã nhân sự")]
    assert import_work_items(workbook(GOOD), actor=manager).created == 2
    with pytest.raises(Refused):
        import_work_items(workbook(GOOD), actor=year.user(Role.STAFF))


def test_the_template_is_the_import_format(year):
    buffer = io.BytesIO()
    write_template(buffer)
    buffer.seek(0)
    report = import_work_items(buffer, actor=year.user(Role.HR))
    assert report.errors[0].message == "Trang tính không có công việc nào."  # the header is right; no rows


def test_the_import_page_reports_bad_rows_and_imports_good_ones(client_as, year):
    client = client_as(Role.HR)
    bad = client.post(reverse("api:item_import"), {"workbook": workbook([GOOD[0][:6] + ["x", None, None]])})
    assert bad.status_code == 200 and "Hạn hoàn thành" in bad.content.decode() and WorkItem.objects.count() == 0
    good = client.post(reverse("api:item_import"), {"workbook": workbook(GOOD)})
    assert good.status_code == 200 and WorkItem.objects.count() == 2
    template = client.get(reverse("api:item_import_template"))
    assert template.status_code == 200 and template["Content-Type"].startswith("application/vnd.openxmlformats")


def test_staff_cannot_post_an_import(client_as, year):
    response = client_as(Role.STAFF).post(reverse("api:item_import"), {"workbook": workbook(GOOD)})
    assert response.status_code == 403 and WorkItem.objects.count() == 0
