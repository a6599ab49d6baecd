"""The organisation workbook with agencies: the sheet "Cơ quan" and the column "Mã cơ quan" of the
other sheets, one agency or many in one file, codes unique within an agency, every bad row
reported, agencies missing from the file reported and kept."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.utils import translation

from congtam.audit.models import AuditEntry
from congtam.org import events, services
from congtam.org.exporter import export_workbook
from congtam.org.importer import import_workbook
from congtam.org.models import Agency, Person, Position, Unit, UnitRole
from congtam.org.orgdata import AGENCY_CODE, SHEET_AGENCIES, SHEET_PEOPLE, SHEET_POSITIONS, SHEET_UNITS
from tests.org.workbooks import AGENCY, ROLE, UNIT, UNIT_AGENCY, Sheets, current_rows, snapshot, write_workbook

pytestmark = pytest.mark.django_db

PARENT, HEAD = "Mã cơ quan cấp trên", "Thủ trưởng"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _person(code: str, name: str, unit: str, agency: str, role: str = "") -> list:
    return [code, name, "Nữ", "01/02/1985", "Kinh", unit, "CV", "Công chức", "01/09/2010", "", role, agency]


def _province() -> Sheets:
    """A province with two departments under it; both departments have a unit "VP" and a person
    "P001" heading them: codes are unique within an agency only."""
    sheets = Sheets(by_agency=True)
    sheets.agencies = [
        ["TINH", "Ủy ban nhân dân tỉnh Bắc Ninh", "", "T001"],
        ["STP", "Sở Tư pháp", "TINH", "P001"],
        ["SNV", "Sở Nội vụ", "TINH", "P001"],
    ]
    sheets.units = [
        ["TINH", "Ủy ban nhân dân tỉnh", "", "TINH"],
        ["VP", "Văn phòng Ủy ban", "TINH", "TINH"],
        ["STP", "Sở Tư pháp", "", "STP"],
        ["VP", "Văn phòng Sở Tư pháp", "STP", "STP"],
        ["SNV", "Sở Nội vụ", "", "SNV"],
        ["VP", "Văn phòng Sở Nội vụ", "SNV", "SNV"],
    ]
    sheets.positions = [["CV", "Chuyên viên", "Chuyên viên", "Không", "", "", code] for code in ("TINH", "STP", "SNV")]
    sheets.people = [
        _person("T001", "Nguyễn Văn Tỉnh", "TINH", "TINH", "Trưởng"),
        _person("P001", "Trần Thị Pháp", "STP", "STP", "Trưởng"),
        _person("P002", "Lê Văn Lý", "VP", "STP"),
        _person("P001", "Phạm Thị Nội", "SNV", "SNV", "Trưởng"),
        _person("P002", "Hoàng Văn Vụ", "VP", "SNV"),
    ]
    return sheets


def _import(tmp_path, sheets: Sheets, name="org.xlsx"):
    return import_workbook(write_workbook(tmp_path / name, sheets), actor=None)


def _imported(tmp_path) -> Sheets:
    sheets = _province()
    report = _import(tmp_path, sheets, "province.xlsx")
    assert report.ok, report.errors
    return sheets


def _located(report) -> list[tuple]:
    return [(issue.sheet, issue.row, issue.column) for issue in report.errors]


def _last_seq() -> int:
    return AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


# --- a province with its departments -----------------------------------------------------------
def test_a_province_with_two_departments_imports_with_the_same_codes_in_each(db, tmp_path):
    report = _import(tmp_path, _province())
    assert report.ok, report.errors
    assert (report.agencies.created, report.units.created, report.positions.created) == (3, 6, 3)
    assert report.people.created == 5 and report.missing_agencies == [] and report.missing_people == []
    assert "agencies: 3 new, 0 changed, 0 unchanged" in report.summary()

    province, justice, home = (Agency.objects.get(code=code) for code in ("TINH", "STP", "SNV"))
    assert province.parent is None and (province.depth, province.path) == (0, f"{province.pk:08d}/")
    for department in (justice, home):
        assert department.parent == province and department.depth == 1
        assert department.path == province.path + f"{department.pk:08d}/"
    assert services.default_agency() == province
    offices = Unit.objects.filter(code="VP")
    assert {unit.agency.code for unit in offices} == {"TINH", "STP", "SNV"}
    office = Unit.objects.get(agency=justice, code="VP")
    assert office.parent == Unit.objects.get(agency=justice, code="STP")
    assert Position.objects.filter(code="CV").count() == 3
    lawyer = Person.objects.get(agency=justice, staff_code="P002")
    assert (lawyer.full_name, lawyer.unit) == ("Lê Văn Lý", office)
    assert lawyer.postings.get().unit == office
    head = Person.objects.get(agency=home, staff_code="P001")
    assert head.unit.agency == home and head.unit_role == UnitRole.HEAD

    entries = list(AuditEntry.objects.order_by("seq"))
    assert [entry.event for entry in entries[:3]] == [events.AGENCY_CREATED] * 3
    assert entries[1].new["parent"] == "TINH"
    assert [entry.event for entry in entries].count(events.ORG_IMPORTED) == 3
    assert len({entry.action_id for entry in entries}) == 1


def test_reimporting_the_province_changes_nothing(db, tmp_path):
    sheets = _imported(tmp_path)
    before = snapshot()
    report = _import(tmp_path, sheets)
    assert report.ok, report.errors
    assert (report.agencies.unchanged, report.units.unchanged, report.people.unchanged) == (3, 6, 5)
    assert report.agencies.created == report.agencies.updated == report.people.updated == 0
    assert snapshot() == before


def test_a_file_of_one_department_changes_it_alone(db, tmp_path):
    _imported(tmp_path)
    sheets = Sheets(by_agency=True)
    sheets.agencies = [["STP", "Sở Tư pháp tỉnh Bắc Ninh", "TINH", ""]]
    # Blank agency codes: the file names one agency.
    sheets.units = [["STP", "Sở Tư pháp", "", ""], ["VP", "Văn phòng Sở", "STP", ""]]
    sheets.people = [
        _person("P001", "Trần Thị Pháp", "STP", "", "Trưởng"),
        _person("P002", "Lê Văn Lý", "STP", ""),
    ]
    seq = _last_seq()
    report = _import(tmp_path, sheets)
    assert report.ok, report.errors
    assert (report.agencies.updated, report.units.updated, report.people.updated) == (1, 1, 1)
    assert Agency.objects.get(code="STP").name == "Sở Tư pháp tỉnh Bắc Ninh"
    assert Unit.objects.get(agency__code="STP", code="VP").name == "Văn phòng Sở"
    assert Unit.objects.get(agency__code="SNV", code="VP").name == "Văn phòng Sở Nội vụ"
    assert Person.objects.get(agency__code="STP", staff_code="P002").unit.code == "STP"
    assert Person.objects.get(agency__code="SNV", staff_code="P002").unit.code == "VP"
    assert report.missing_agencies == [("TINH", "Ủy ban nhân dân tỉnh Bắc Ninh"), ("SNV", "Sở Nội vụ")]
    assert report.missing_people == []  # the other agencies' people are not this file's
    events_written = list(AuditEntry.objects.filter(seq__gt=seq).order_by("seq").values_list("event", "old", "new"))
    assert events_written[0] == (
        events.AGENCY_UPDATED,
        {"name": "Sở Tư pháp"},
        {"name": "Sở Tư pháp tỉnh Bắc Ninh"},
    )


# --- every bad row reported, nothing written ------------------------------------------------
def _refused(tmp_path, sheets: Sheets, *, imported=True):
    before = snapshot()
    report = _import(tmp_path, sheets, "refused.xlsx")
    assert not report.ok
    assert snapshot() == before
    return report


def test_a_row_of_an_unknown_agency_is_reported_with_its_sheet_row_and_column(db, tmp_path):
    sheets = _province()
    sheets.unit("VP", "SNV")[UNIT_AGENCY] = "SXD"
    report = _refused(tmp_path, sheets)
    row = sheets.unit_row_number("VP", "SXD")
    assert (SHEET_UNITS, row, AGENCY_CODE) in _located(report)
    assert "There is no agency with the code SXD, neither in the sheet “Cơ quan” nor in the system." in [
        issue.message for issue in report.errors
    ]


def test_a_blank_agency_code_in_a_file_of_several_agencies_is_reported(db, tmp_path):
    sheets = _province()
    sheets.person("P002", "STP")[AGENCY] = ""
    sheets.positions.append(["BT", "Biên tập viên", "", "Không", "", "", ""])
    report = _refused(tmp_path, sheets)
    assert _located(report) == [(SHEET_POSITIONS, 5, AGENCY_CODE), (SHEET_PEOPLE, 4, AGENCY_CODE)]
    assert "say which agency this row belongs to" in report.errors[0].message


def test_an_agency_inside_itself_is_reported_on_each_row_of_the_cycle(db, tmp_path):
    sheets = _province()
    sheets.agencies += [["SA", "Sở A", "SB", ""], ["SB", "Sở B", "SA", ""], ["SC", "Sở C", "SC", ""]]
    report = _refused(tmp_path, sheets)
    assert _located(report) == [(SHEET_AGENCIES, row, PARENT) for row in (5, 6, 7)]
    assert report.errors[0].message == "The agency SA would be under itself: SA → SB → SA."


def test_the_agency_sheet_checks_codes_names_and_superiors(db, tmp_path):
    sheets = _province()
    sheets.agencies += [["STP", "Sở Tư pháp (bản sao)", "TINH", ""], ["", "", "XYZ", ""], ["SXD", "", "", ""]]
    report = _refused(tmp_path, sheets)
    assert _located(report) == [
        (SHEET_AGENCIES, 5, AGENCY_CODE),
        (SHEET_AGENCIES, 6, AGENCY_CODE),
        (SHEET_AGENCIES, 6, "Tên cơ quan"),
        (SHEET_AGENCIES, 7, "Tên cơ quan"),
    ]
    assert report.errors[0].message == "The agency code STP is already used in row 3."


def test_moving_an_agency_to_another_superior_is_refused(db, tmp_path):
    sheets = _imported(tmp_path)
    sheets.agency("SNV")[2] = "STP"
    sheets.agency("TINH")[2] = "SNV"
    report = _refused(tmp_path, sheets)
    assert _located(report) == [(SHEET_AGENCIES, 2, PARENT), (SHEET_AGENCIES, 4, PARENT)]
    assert report.errors[0].message.startswith("In the system the agency TINH has no superior agency")
    assert "the agency SNV is under TINH; an import does not move an agency" in report.errors[1].message


def test_the_head_of_an_agency_must_head_its_top_unit(db, tmp_path):
    sheets = _province()
    sheets.agency("STP")[3] = "P002"  # in the file, but not a head
    sheets.agency("SNV")[3] = "X999"  # nobody
    report = _refused(tmp_path, sheets)
    assert _located(report) == [(SHEET_AGENCIES, 3, HEAD), (SHEET_AGENCIES, 4, HEAD)]
    assert report.errors[0].message == "Lê Văn Lý (P002) is not the head of the top unit of the agency STP."
    assert report.errors[1].message == "The agency SNV has no person with the staff code X999."


def test_the_head_is_looked_up_in_the_system_when_the_file_has_no_people_of_the_agency(db, tmp_path):
    _imported(tmp_path)
    sheets = Sheets(by_agency=True)
    sheets.agencies = [["STP", "Sở Tư pháp", "TINH", "P002"]]
    report = _refused(tmp_path, sheets)
    assert _located(report) == [(SHEET_AGENCIES, 2, HEAD)]
    sheets.agencies = [["STP", "Sở Tư pháp", "TINH", "P001"]]
    report = _import(tmp_path, sheets)
    assert report.ok, report.errors
    assert report.agencies.unchanged == 1 and report.missing_people == []


def test_a_unit_code_twice_in_one_agency_is_an_error(db, tmp_path):
    sheets = _province()
    sheets.units.append(["VP", "Văn phòng thứ hai", "STP", "STP"])
    report = _refused(tmp_path, sheets)
    assert _located(report) == [(SHEET_UNITS, 8, "Mã đơn vị")]
    assert report.errors[0].message == "The unit code VP is already used in row 5."


# --- agencies missing from the file, and workbooks without agencies ---------------------------
def test_an_agency_missing_from_the_file_is_reported_and_kept(db, tmp_path):
    sheets = _imported(tmp_path)
    sheets.agencies = [row for row in sheets.agencies if row[0] != "SNV"]
    sheets.units = [row for row in sheets.units if row[UNIT_AGENCY] != "SNV"]
    sheets.positions = [row for row in sheets.positions if row[-1] != "SNV"]
    sheets.people = [row for row in sheets.people if row[AGENCY] != "SNV"]
    before = snapshot()
    report = _import(tmp_path, sheets)
    assert report.ok, report.errors
    assert report.missing_agencies == [("SNV", "Sở Nội vụ")]
    assert "1 agency in the system is not in the file (not deleted)." in report.summary()
    assert report.missing_people == []
    assert snapshot() == before
    assert Person.objects.filter(agency__code="SNV", is_active=True).count() == 2


def test_a_workbook_without_agencies_imports_into_the_top_agency_as_before(world, tmp_path):
    department = services.agency_create(actor=None, code="VPDB", name="Văn phòng Đoàn ĐBQH", parent=world.agency)
    office = services.unit_create(actor=None, agency=department, code="VTT", name="Văn phòng Đoàn")
    services.person_create(actor=None, staff_code="NV021", full_name="Đỗ Văn Đoàn", category="cong_chuc", unit=office)
    sheets = current_rows()
    sheets.units = [row for row in sheets.units if row[0] != "VTT" or row[1] != "Văn phòng Đoàn"]
    sheets.people = [row for row in sheets.people if row[1] != "Đỗ Văn Đoàn"]
    assert len(sheets.units[0]) == 3  # the old format: no column "Mã cơ quan"
    sheets.units.append(["VTT-P1", "Phòng Báo chí", "VTT"])
    sheets.person("NV022")[UNIT] = "VTT-P1"
    report = _import(tmp_path, sheets)
    assert report.ok, report.errors
    assert (report.units.created, report.people.updated) == (1, 1)
    assert report.missing_people == [] and report.missing_agencies == []
    assert "agencies" not in report.summary()
    new_unit = Unit.objects.get(code="VTT-P1")
    assert new_unit.agency == world.agency and new_unit.parent == world.units["VTT"]
    assert Person.objects.get(agency=department, staff_code="NV021").unit == office


def test_an_empty_system_takes_a_workbook_of_agencies_with_blank_codes_for_its_one_agency(db, tmp_path):
    sheets = Sheets()
    sheets.agencies = [["BTP", "Bộ Tư pháp", "", "T1"]]
    sheets.units = [["BO", "Bộ Tư pháp", ""], ["VP", "Văn phòng Bộ", "BO"]]
    sheets.people = [["T1", "Trần Văn Tư", "Nam", "", "", "BO", "", "Công chức", "", "", "Trưởng"]]
    report = _import(tmp_path, sheets)
    assert report.ok, report.errors
    agency = Agency.objects.get()
    assert (agency.code, agency.name, agency.path) == ("BTP", "Bộ Tư pháp", f"{agency.pk:08d}/")
    assert Unit.objects.filter(agency=agency).count() == 2 and Person.objects.get().agency == agency


# --- the export, and the query count ---------------------------------------------------------
def test_an_export_of_two_agencies_reimports_to_no_change(db, tmp_path):
    _imported(tmp_path)
    buffer = io.BytesIO()
    counts = export_workbook(buffer, actor=None)
    assert counts == {"agencies": 3, "units": 6, "positions": 3, "people": 5}
    path = tmp_path / "export.xlsx"
    path.write_bytes(buffer.getvalue())
    before = snapshot()
    report = import_workbook(path, actor=None)
    assert report.ok, report.errors
    assert (report.agencies.unchanged, report.units.unchanged, report.positions.unchanged) == (3, 6, 3)
    assert report.people.unchanged == 5 and report.missing_agencies == [] and report.missing_people == []
    assert snapshot() == before


def test_the_export_matches_the_rows_the_tests_build(db, tmp_path):
    _imported(tmp_path)
    buffer = io.BytesIO()
    export_workbook(buffer, actor=None)
    path = tmp_path / "export.xlsx"
    path.write_bytes(buffer.getvalue())
    exported, _issues = __import__("congtam.org.importer", fromlist=["read_workbook"]).read_workbook(path)
    expected = current_rows(by_agency=True)
    assert [[agency.code, agency.name, agency.parent_code, agency.head_code] for agency in exported.agencies] == (
        expected.agencies
    )
    assert [[unit.code, unit.name, unit.parent_code, unit.agency_code] for unit in exported.units] == expected.units


def test_the_query_count_of_an_import_of_agencies_does_not_grow_with_rows(db, tmp_path, count_queries, monkeypatch):
    if connection.vendor == "sqlite":
        monkeypatch.setattr(connection.features, "max_query_params", 32766)
    _imported(tmp_path)
    counts, reports = {}, {}
    for size, prefix in ((10, "A"), (100, "B")):
        sheets = _province()
        for department in ("STP", "SNV"):
            sheets.units.append([f"P{prefix}", f"Phòng {prefix}", department, department])
            sheets.people += [
                _person(f"{prefix}{index:03d}", f"Nguyễn Văn {prefix}{index}", f"P{prefix}", department)
                for index in range(size // 2)
            ]
        sheets.person("P002", "SNV")[UNIT] = "SNV" if prefix == "A" else "VP"  # a transfer
        sheets.person("P002", "STP")[ROLE] = "Phó" if prefix == "A" else ""
        sheets.agency("STP")[1] = f"Sở Tư pháp {prefix}"
        path = write_workbook(tmp_path / f"{prefix}.xlsx", sheets)
        with count_queries() as counter:
            reports[size] = import_workbook(path, actor=None)
        assert reports[size].ok, reports[size].errors
        counts[size] = counter
    assert reports[100].people.created == 100 and reports[100].people.updated == 2
    assert len(counts[10]) == len(counts[100]), (
        f"10 people: {len(counts[10])} queries, 100 people: {len(counts[100])} queries\n"
        f"--- 10 people:\n{counts[10].report()}\n--- 100 people:\n{counts[100].report()}"
    )


def test_messages_about_agencies_are_in_vietnamese(db, tmp_path):
    sheets = _province()
    sheets.person("P002", "STP")[AGENCY] = ""
    with translation.override("vi"):
        report = _import(tmp_path, sheets)
    assert not report.ok
    assert "Cơ quan" in report.errors[0].message and "say which agency" not in report.errors[0].message


def test_the_import_page_lists_the_agencies_missing_from_the_file(world, client_as, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from congtam.accounts.models import Role

    services.agency_create(actor=None, code="VPDB", name="Văn phòng Đoàn ĐBQH Hà Nội", parent=world.agency)
    sheets = current_rows(by_agency=True)
    sheets.agencies = [row for row in sheets.agencies if row[0] != "VPDB"]
    path = write_workbook(tmp_path / "org.xlsx", sheets)
    with open(path, "rb") as file:
        upload = SimpleUploadedFile("org.xlsx", file.read(), content_type="application/octet-stream")
    response = client_as(Role.HR).post(reverse("org:import"), {"workbook": upload})
    assert response.status_code == 200 and response.context["report"].ok
    page = response.content.decode()
    assert "Cơ quan có trong hệ thống nhưng không có trong tệp (không bị xóa)" in page
    assert "Văn phòng Đoàn ĐBQH Hà Nội (VPDB)" in page
    assert Agency.objects.filter(code="VPDB").exists()
