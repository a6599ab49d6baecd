"""The organisation workbook import: bad files refused whole with every error located, good files
applied by code and staff code with their audit trail, and a query count that does not grow."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from congtam.accounts.models import Role
from congtam.audit.models import AuditEntry
from congtam.org import events
from congtam.org.importer import import_org_data, import_workbook, read_workbook
from congtam.org.models import Agency, Person, Posting, Unit, UnitRole
from congtam.org.orgdata import SHEET_PEOPLE, SHEET_POSITIONS, SHEET_UNITS, OrgData, PersonRow, UnitRow
from tests.org.workbooks import (
    BIRTH,
    CATEGORY,
    CODE,
    EMAIL,
    GENDER,
    NAME,
    POSITION,
    ROLE,
    START,
    UNIT,
    Sheets,
    current_rows,
    snapshot,
    write_workbook,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    # Messages are asserted in English (the catalogue's msgids); the Vietnamese is tested elsewhere.
    with translation.override("en"):
        yield


def _import(tmp_path, sheets: Sheets, name="org.xlsx"):
    return import_workbook(write_workbook(tmp_path / name, sheets), actor=None)


def _new_audit_entries(since: int):
    return list(AuditEntry.objects.filter(seq__gt=since).order_by("seq"))


def _last_seq() -> int:
    return AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def _located(report) -> list[tuple]:
    return [(issue.sheet, issue.row, issue.column) for issue in report.errors]


# --- a file that matches the system changes nothing --------------------------------------------
def test_reimporting_the_current_state_changes_nothing_and_writes_no_audit_row(world, tmp_path):
    before = snapshot()
    report = _import(tmp_path, current_rows())
    assert report.ok, report.errors
    assert (report.units.unchanged, report.positions.unchanged, report.people.unchanged) == (5, 3, 11)
    assert (report.people.created, report.people.updated) == (0, 0)
    assert snapshot() == before


# --- creating and updating ---------------------------------------------------------------------
def test_new_units_positions_and_people_are_created_with_their_first_posting_and_audit_rows(world, tmp_path):
    sheets = current_rows()
    sheets.units.append(["VTT-P1", "Phòng Báo chí", "VTT"])
    sheets.positions.append(["BC", "Biên tập viên", "Biên tập viên", "Không", "Biên tập\nĐưa tin", ""])
    sheets.people.append(
        [
            "NV050",
            "Lý Thị Thu Trang",
            "Nữ",
            "09/11/1994",
            "Kinh",
            "VTT-P1",
            "BC",
            "Viên chức",
            "01/03/2020",
            "Trang.LY@quochoi.vn",
            "Trưởng",
        ]
    )
    seq = _last_seq()
    report = _import(tmp_path, sheets)
    assert report.ok, report.errors
    assert (report.units.created, report.positions.created, report.people.created) == (1, 1, 1)

    unit = Unit.objects.get(code="VTT-P1")
    parent = Unit.objects.get(code="VTT")
    assert unit.parent == parent and unit.depth == 2 and unit.path == parent.path + f"{unit.pk:08d}/"
    person = Person.objects.get(staff_code="NV050")
    assert person.unit == unit and person.unit_role == UnitRole.HEAD and person.position.code == "BC"
    assert person.email == "trang.ly@quochoi.vn"
    assert person.birth_date == date(1994, 11, 9) and person.start_date == date(2020, 3, 1)
    assert person.search_name == " ly thi thu trang " and person.sort_key
    posting = person.postings.get()
    assert (posting.unit, posting.start_date, posting.end_date) == (unit, date(2020, 3, 1), None)

    entries = _new_audit_entries(seq)
    assert [entry.event for entry in entries] == [
        events.UNIT_CREATED,
        events.POSITION_CREATED,
        events.PERSON_CREATED,
        events.ORG_IMPORTED,
    ]
    assert len({entry.action_id for entry in entries}) == 1
    assert entries[0].new == {"code": "VTT-P1", "name": "Phòng Báo chí", "parent": "VTT"}
    assert entries[2].new["unit"] == "VTT-P1" and entries[2].new["birth_date"] == "1994-11-09"
    assert entries[3].new["people"] == {"created": 1, "updated": 0}


def test_a_changed_file_updates_people_by_staff_code_with_old_and_new_values_only(world, tmp_path):
    sheets = current_rows()
    sheets.person("NV021")[NAME] = "Nguyễn Văn Ân"
    sheets.person("NV021")[EMAIL] = "an.nguyen@quochoi.vn"
    version = world.people["an"].version
    seq = _last_seq()
    report = _import(tmp_path, sheets)
    assert report.ok, report.errors
    assert (report.people.updated, report.people.unchanged) == (1, 10)
    person = Person.objects.get(staff_code="NV021")
    assert person.full_name == "Nguyễn Văn Ân" and person.version == version + 1
    assert person.search_name == " nguyen van an "
    assert person.postings.count() == 1  # not a transfer
    update, summary = _new_audit_entries(seq)
    assert update.event == events.PERSON_UPDATED and update.subject_id == str(person.pk)
    assert update.old == {"full_name": "Nguyễn Văn An", "email": "an@quochoi.vn"}
    assert update.new == {"full_name": "Nguyễn Văn Ân", "email": "an.nguyen@quochoi.vn"}
    assert summary.event == events.ORG_IMPORTED


def test_a_transfer_closes_the_open_posting_and_keeps_history(world, tmp_path):
    sheets = current_rows()
    sheets.person("NV022")[UNIT] = "TCCB"
    sheets.person("NV022")[POSITION] = "TC"
    seq = _last_seq()
    report = _import(tmp_path, sheets)
    assert report.ok, report.errors
    person = Person.objects.get(staff_code="NV022")
    assert person.unit.code == "TCCB" and person.position.code == "TC"
    today = timezone.localdate()
    old, new = person.postings.order_by("start_date", "id")
    assert (old.unit.code, old.start_date, old.end_date) == ("VPL-P1", date(2015, 9, 1), today)
    assert (new.unit.code, new.position.code, new.start_date, new.end_date) == ("TCCB", "TC", today, None)
    transfer = _new_audit_entries(seq)[0]
    assert transfer.event == events.PERSON_TRANSFERRED
    assert transfer.old == {"unit": "VPL-P1", "position": "CV"}
    assert transfer.new == {"unit": "TCCB", "position": "TC", "from": today.isoformat()}


def test_heads_can_hand_over_within_one_import(world, tmp_path):
    """The old head steps down and a member becomes head, whatever the order of the rows."""
    sheets = current_rows()
    sheets.person("NV020")[ROLE] = ""
    sheets.person("NV021")[ROLE] = "Trưởng"
    # And two heads swap units.
    sheets.person("NV010")[UNIT] = "TCCB"
    sheets.person("NV030")[UNIT] = "VPL"
    report = _import(tmp_path, sheets)
    assert report.ok, report.errors
    heads = dict(Person.objects.filter(unit_role=UnitRole.HEAD).values_list("unit__code", "staff_code"))
    assert heads == {"VPQH": "NV001", "VPL": "NV030", "TCCB": "NV010", "VPL-P1": "NV021"}
    events_by_person = dict(
        AuditEntry.objects.filter(event__in=[events.PERSON_TRANSFERRED, events.PERSON_ROLE_CHANGED]).values_list(
            "subject_label", "event"
        )
    )
    assert events_by_person["Trịnh Văn Sơn"] == events.PERSON_ROLE_CHANGED
    assert events_by_person["Hoàng Thị Lan"] == events.PERSON_TRANSFERRED


def test_renaming_and_moving_a_unit_moves_its_subtree(world, tmp_path):
    sheets = current_rows()
    sheets.unit("VPL")[1] = "Vụ Pháp luật và Tư pháp"
    sheets.unit("VPL")[2] = "TCCB"
    seq = _last_seq()
    report = _import(tmp_path, sheets)
    assert report.ok, report.errors
    assert report.units.updated == 1
    tccb, vpl, division = (Unit.objects.get(code=code) for code in ("TCCB", "VPL", "VPL-P1"))
    assert vpl.parent == tccb and vpl.name == "Vụ Pháp luật và Tư pháp"
    assert (vpl.depth, division.depth) == (2, 3)
    assert vpl.path == tccb.path + f"{vpl.pk:08d}/" and division.path == vpl.path + f"{division.pk:08d}/"
    moved = _new_audit_entries(seq)[0]
    assert moved.event == events.UNIT_MOVED
    assert moved.old == {"name": "Vụ Pháp luật", "parent": "VPQH"}
    assert moved.new == {"name": "Vụ Pháp luật và Tư pháp", "parent": "TCCB"}


def test_people_missing_from_the_file_are_reported_never_deleted(world, tmp_path):
    sheets = current_rows()
    sheets.people = [row for row in sheets.people if row[CODE] not in ("NV040", "NV022")]
    before = snapshot()
    report = _import(tmp_path, sheets)
    assert report.ok, report.errors
    # In Vietnamese order, by given name: Ánh before Bình.
    assert report.missing_people == [("NV040", "Ngô Thị Ánh"), ("NV022", "Đặng Thị Bình")]
    assert "2 people in the system are not in the file (not deleted)." in report.summary()
    assert snapshot() == before
    assert Person.objects.filter(staff_code__in=["NV040", "NV022"], is_active=True).count() == 2


def test_first_import_into_an_empty_system_creates_the_agency(db, tmp_path):
    sheets = Sheets(
        units=[["BO", "Bộ Tư pháp", ""], ["VP", "Văn phòng Bộ", "BO"]],
        positions=[["CV", "Chuyên viên", "Chuyên viên", "Không", "", ""]],
        people=[["T1", "Trần Văn Tư", "Nam", "01/01/1980", "Kinh", "VP", "CV", "Công chức", "", "", "Trưởng"]],
    )
    report = _import(tmp_path, sheets)
    assert report.ok, report.errors
    agency = Agency.objects.get()
    assert (agency.code, agency.name) == ("BO", "Bộ Tư pháp")
    assert Unit.objects.filter(agency=agency).count() == 2
    assert Person.objects.get().postings.get().start_date == timezone.localdate()  # no start date given


# --- tolerant reading --------------------------------------------------------------------------
def _nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def test_sheet_names_headers_and_words_tolerate_nfd_case_and_spaces(world, tmp_path):
    sheets = current_rows()
    sheets.names = {key: "  " + _nfd(key.upper()) + " " for key in sheets.names}
    sheets.headers = {
        key: [" " + _nfd(column).lower() + "  " for column in columns] for key, columns in sheets.headers.items()
    }
    row = sheets.person("NV040")
    row[NAME] = _nfd("  Ngô   Thị Ánh Hồng ")
    row[GENDER] = _nfd(" nữ")
    row[CATEGORY] = _nfd("VIÊN CHỨC ")
    sheets.person("NV020")[ROLE] = _nfd(" trưởng ")
    sheets.positions[1][3] = _nfd("có")  # LD, a leadership post already
    report = _import(tmp_path, sheets)
    assert report.ok, report.errors
    assert (report.people.updated, report.positions.updated, report.units.updated) == (1, 0, 0)
    person = Person.objects.get(staff_code="NV040")
    assert person.full_name == "Ngô Thị Ánh Hồng" == unicodedata.normalize("NFC", person.full_name)
    assert person.search_name == " ngo thi anh hong "


def test_dates_as_excel_dates_text_and_serial_numbers(world, tmp_path):
    sheets = current_rows()
    sheets.person("NV021")[BIRTH] = date(1990, 3, 3)  # a real Excel date
    sheets.person("NV022")[BIRTH] = "3/4/1991"  # text, day first
    sheets.person("NV040")[BIRTH] = 33604  # an Excel serial number typed as a number: 01/01/1992
    sheets.person("NV031")[START] = " 02/01/2016 "
    report = _import(tmp_path, sheets)
    assert report.ok, report.errors
    births = dict(
        Person.objects.filter(staff_code__in=["NV021", "NV022", "NV040"]).values_list("staff_code", "birth_date")
    )
    assert births == {"NV021": date(1990, 3, 3), "NV022": date(1991, 4, 3), "NV040": date(1992, 1, 1)}
    assert Person.objects.get(staff_code="NV031").start_date == date(2016, 1, 2)


def test_numeric_codes_are_read_as_text(db, tmp_path):
    sheets = Sheets(
        units=[[1, "Bộ", ""], [12, "Vụ", 1]],
        positions=[],
        people=[[1001, "Trần Văn Tư", "Nam", "", "", 12, "", "Công chức", "", "", ""]],
    )
    report = _import(tmp_path, sheets)
    assert report.ok, report.errors
    assert Person.objects.get().staff_code == "1001"
    assert Unit.objects.get(code="12").parent.code == "1"


def test_row_numbers_are_the_ones_excel_shows(world, tmp_path):
    sheets = current_rows()
    sheets.people.insert(3, None)  # a blank line: the rows below it move down by one
    sheets.people.append(["NV099", "Hà Văn Bảy", "Nam", "", "", "NOWHERE", "", "Công chức", "", "", ""])
    report = _import(tmp_path, sheets)
    assert _located(report) == [(SHEET_PEOPLE, 2 + len(sheets.people) - 1, "Mã đơn vị")]


# --- every kind of error, each in its own file, each writing nothing ---------------------------
def _set_person(code, column, value):
    def change(sheets):
        sheets.person(code)[column] = value

    return change


def _add_person(*values):
    def change(sheets):
        sheets.people.append(list(values))

    return change


def _drop_person(code, then=None):
    def change(sheets):
        sheets.people = [row for row in sheets.people if row[CODE] != code]
        if then:
            then(sheets)

    return change


def _set_unit_parent(code, parent):
    def change(sheets):
        sheets.unit(code)[2] = parent

    return change


def _person(
    code="NV099", name="Hà Văn Bảy", unit="VTT", position="CV", category="Công chức", role="", birth="", email=""
):
    return [code, name, "Nam", birth, "Kinh", unit, position, category, "", email, role]


BAD_FILES = {
    "unknown parent unit": (
        lambda sheets: sheets.units.append(["VTT-P9", "Phòng Lạ", "KHONG-CO"]),
        SHEET_UNITS,
        7,
        "Mã đơn vị cấp trên",
        "There is no unit with the code KHONG-CO",
    ),
    "cycle in the unit tree": (
        _set_unit_parent("VPL", "VPL-P1"),
        SHEET_UNITS,
        (3, 4),
        "Mã đơn vị cấp trên",
        "would be inside itself: VPL → VPL-P1 → VPL",
    ),
    "unit that is its own parent": (
        _set_unit_parent("VTT", "VTT"),
        SHEET_UNITS,
        6,
        "Mã đơn vị cấp trên",
        "would be inside itself: VTT → VTT",
    ),
    "duplicate unit code": (
        lambda sheets: sheets.units.append(["VPL", "Vụ Pháp luật (bản sao)", "VPQH"]),
        SHEET_UNITS,
        7,
        "Mã đơn vị",
        "The unit code VPL is already used in row 3",
    ),
    "duplicate position code": (
        lambda sheets: sheets.positions.append(["CV", "Chuyên viên khác", "", "Không", "", ""]),
        SHEET_POSITIONS,
        5,
        "Mã vị trí",
        "The position code CV is already used in row 2",
    ),
    "duplicate staff code": (
        _add_person(*_person(code="NV021", name="Nguyễn Văn An Hai")),
        SHEET_PEOPLE,
        13,
        "Mã nhân sự",
        "The staff code NV021 is already used in row",
    ),
    "unknown unit of a person": (
        _set_person("NV021", UNIT, "VPL-P9"),
        SHEET_PEOPLE,
        None,
        "Mã đơn vị",
        "There is no unit with the code VPL-P9",
    ),
    "unknown position of a person": (
        _set_person("NV021", POSITION, "XX"),
        SHEET_PEOPLE,
        None,
        "Mã vị trí",
        "There is no job position with the code XX",
    ),
    "two heads of a unit in the file": (
        _set_person("NV021", ROLE, "Trưởng"),
        SHEET_PEOPLE,
        None,
        "Chức vụ",
        "Phòng Luật Hành chính (VPL-P1) already has a head in row",
    ),
    "a head in the file while the system's head, not in the file, stays": (
        _drop_person("NV020", _set_person("NV021", ROLE, "Trưởng")),
        # NV021 moves up into the row NV020 left.
        SHEET_PEOPLE,
        6,
        "Chức vụ",
        "already has a head in the system, Trịnh Văn Sơn (NV020), who is not in the file",
    ),
    "a person heading two units": (
        _add_person(*_person(code="NV030", name="Lê Văn Cường", unit="VTT", position="LD", role="Trưởng")),
        SHEET_PEOPLE,
        13,
        "Chức vụ",
        "is already head of TCCB in row",
    ),
    "invalid date": (
        _set_person("NV021", BIRTH, "31/02/1990"),
        SHEET_PEOPLE,
        None,
        "Ngày sinh",
        "“31/02/1990” is not a date; write it as dd/mm/yyyy",
    ),
    "invalid text date": (
        _set_person("NV021", START, "tháng 9 năm 2015"),
        SHEET_PEOPLE,
        None,
        "Ngày bắt đầu",
        "is not a date",
    ),
    "invalid e-mail": (
        _set_person("NV021", EMAIL, "an@@quochoi"),
        SHEET_PEOPLE,
        None,
        "Email",
        "“an@@quochoi” is not a valid e-mail address",
    ),
    "missing required name": (
        _set_person("NV021", NAME, "  "),
        SHEET_PEOPLE,
        None,
        "Họ và tên",
        "A value is required",
    ),
    "missing required category": (
        _set_person("NV021", CATEGORY, ""),
        SHEET_PEOPLE,
        None,
        "Loại",
        "A value is required",
    ),
    "missing unit name": (
        lambda sheets: sheets.unit("VTT").__setitem__(1, ""),
        SHEET_UNITS,
        6,
        "Tên đơn vị",
        "A value is required",
    ),
    "unknown gender": (
        _set_person("NV021", GENDER, "Khác"),
        SHEET_PEOPLE,
        None,
        "Giới tính",
        "“Khác” is not one of the allowed values: “Nam”, “Nữ”, (empty)",
    ),
    "unknown category": (
        _set_person("NV021", CATEGORY, "Công nhân"),
        SHEET_PEOPLE,
        None,
        "Loại",
        "“Công nhân” is not one of the allowed values",
    ),
    "unknown role": (
        _set_person("NV021", ROLE, "Phó phòng"),
        SHEET_PEOPLE,
        None,
        "Chức vụ",
        "“Phó phòng” is not one of the allowed values: “Trưởng”, “Phó”, (empty)",
    ),
    "unknown leadership word": (
        lambda sheets: sheets.positions[0].__setitem__(3, "Đúng"),
        SHEET_POSITIONS,
        2,
        "Là vị trí lãnh đạo",
        "“Đúng” is not one of the allowed values: “Có”, “Không”",
    ),
    "more than one top unit": (
        lambda sheets: sheets.units.append(["KHAC", "Cơ quan khác", ""]),
        SHEET_UNITS,
        2,
        "Mã đơn vị cấp trên",
        "More than one top unit (KHAC, VPQH)",
    ),
    "too long a code": (
        _set_person("NV021", CODE, "N" * 51),
        SHEET_PEOPLE,
        None,
        "Mã nhân sự",
        "Too long: 51 characters, at most 50",
    ),
}


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_each_kind_of_bad_file_is_refused_with_the_located_error_and_writes_nothing(world, tmp_path, kind):
    change, sheet, row, column, message = BAD_FILES[kind]
    sheets = current_rows()
    # No row given: the error is on the row of NV021, the person the change is about.
    expected_rows = row if isinstance(row, tuple) else (row or sheets.people_row_number("NV021"),)
    change(sheets)
    before = snapshot()
    report = _import(tmp_path, sheets)
    assert not report.ok
    matching = [issue for issue in report.errors if message in issue.message]
    assert matching, [issue.message for issue in report.errors]
    if kind == "more than one top unit":  # both tops are named, the new one in its own row
        assert {(issue.row, issue.column) for issue in matching} == {(row, column), (len(sheets.units) + 1, column)}
    else:
        assert [(issue.sheet, issue.row, issue.column) for issue in matching] == [
            (sheet, expected_row, column) for expected_row in expected_rows
        ], matching
    assert snapshot() == before


def test_every_error_of_a_file_is_reported_together_in_sheet_and_row_order(world, tmp_path):
    sheets = current_rows()
    sheets.person("NV040")[BIRTH] = "32/01/1990"
    sheets.person("NV021")[UNIT] = "KHONG-CO"
    sheets.person("NV021")[EMAIL] = "khong-phai-email"
    sheets.unit("VTT")[2] = "KHONG-CO"
    sheets.positions.append(["CV", "Trùng", "", "Không", "", ""])
    before = snapshot()
    report = _import(tmp_path, sheets)
    assert _located(report) == [
        (SHEET_UNITS, sheets.unit_row_number("VTT"), "Mã đơn vị cấp trên"),
        (SHEET_POSITIONS, 5, "Mã vị trí"),
        (SHEET_PEOPLE, sheets.people_row_number("NV021"), "Mã đơn vị"),
        (SHEET_PEOPLE, sheets.people_row_number("NV021"), "Email"),
        (SHEET_PEOPLE, sheets.people_row_number("NV040"), "Ngày sinh"),
    ]
    assert snapshot() == before


def test_a_missing_sheet_or_column_is_reported_alone(world, tmp_path):
    sheets = current_rows()
    sheets.names[SHEET_POSITIONS] = None
    sheets.headers[SHEET_PEOPLE][EMAIL] = "Thư điện tử"
    before = snapshot()
    report = _import(tmp_path, sheets)
    assert [(issue.sheet, issue.row, issue.column) for issue in report.errors] == [
        (SHEET_POSITIONS, None, ""),
        (SHEET_PEOPLE, 1, "Email"),
    ]
    assert "no sheet named “Vị trí việc làm”" in report.errors[0].message
    assert snapshot() == before


def test_a_file_that_is_not_a_workbook_is_refused(world, tmp_path):
    path = tmp_path / "org.xlsx"
    path.write_bytes(b"Ma nhan su;Ho va ten\nNV001;An\n")
    before = snapshot()
    report = import_workbook(path, actor=None)
    assert not report.ok and "could not be read as an Excel workbook" in report.errors[0].message
    assert snapshot() == before


def test_plain_data_is_checked_like_a_workbook(world):
    """import_org_data (used by the demo) applies the same checks to data built in code."""
    data = OrgData(
        units=[UnitRow(code="A", name="Vòng", parent_code="B"), UnitRow(code="B", name="Vòng", parent_code="A")],
        people=[PersonRow(staff_code="X1", full_name="Tên", unit_code="A", category="cong_chuc", email="bad")],
    )
    before = snapshot()
    report = import_org_data(data, actor=None)
    messages = [issue.message for issue in report.errors]
    assert sum("would be inside itself" in message for message in messages) == 2
    assert any("not a valid e-mail" in message for message in messages)
    assert snapshot() == before


# --- queries -----------------------------------------------------------------------------------
def _people_rows(count: int, prefix: str) -> list[list]:
    return [
        _person(
            code=f"{prefix}{index:05d}",
            name=f"Nguyễn Văn Số {index}",
            unit="VTT",
            birth="01/02/1990",
            email=f"{prefix.lower()}{index}@quochoi.vn",
        )
        for index in range(count)
    ]


def test_the_number_of_queries_does_not_grow_with_the_number_of_rows(world, tmp_path, count_queries, monkeypatch):
    if connection.vendor == "sqlite":
        # Django splits a bulk insert at 999 parameters, SQLite's old default; this SQLite takes
        # far more, and the test is about the importer's queries, not Django's batching.
        monkeypatch.setattr(connection.features, "max_query_params", 32766)
    counts = {}
    reports = {}
    for size, prefix in ((10, "A"), (100, "B")):
        sheets = current_rows()
        sheets.units.append([f"U{prefix}", f"Phòng {prefix}", "VTT"])
        sheets.people.extend(_people_rows(size, prefix))
        # Some changes to existing people too: a transfer and an update.
        sheets.person("NV022")[UNIT] = "TCCB" if prefix == "A" else "VPL-P1"
        sheets.person("NV021")[EMAIL] = f"an.{prefix.lower()}@quochoi.vn"
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


def test_reimport_without_changes_takes_a_handful_of_queries(world, tmp_path, count_queries):
    path = write_workbook(tmp_path / "same.xlsx", current_rows())
    with count_queries() as counter:
        assert import_workbook(path, actor=None).ok
    assert len(counter) <= 5, counter.report()


# --- the command -------------------------------------------------------------------------------
def test_command_imports_and_prints_the_summary_and_missing_people(world, tmp_path, capsys):
    sheets = current_rows()
    sheets.people = [row for row in sheets.people if row[CODE] != "NV040"]
    sheets.person("NV021")[NAME] = "Nguyễn Văn Ân"
    path = write_workbook(tmp_path / "org.xlsx", sheets)
    call_command("import_org", path)
    out = capsys.readouterr().out
    assert "people: 0 new, 1 changed, 9 unchanged" in out
    assert "NV040\tNgô Thị Ánh" in out
    entry = AuditEntry.objects.filter(event=events.PERSON_UPDATED).get()
    assert entry.actor_id is None and entry.actor_label == "command:import-org"


def test_command_prints_every_error_and_exits_non_zero(world, tmp_path, capsys, monkeypatch):
    sheets = current_rows()
    sheets.person("NV021")[BIRTH] = "31/02/1990"
    sheets.person("NV022")[UNIT] = "KHONG-CO"
    path = write_workbook(tmp_path / "bad.xlsx", sheets)
    before = snapshot()
    with pytest.raises(CommandError, match=r"Nothing was imported: 2 errors\."):
        call_command("import_org", path)
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(
        f"Nhân sự, row {sheets.people_row_number('NV021')}, column Ngày sinh: “31/02/1990” is not a date"
    )
    assert err[1].startswith(f"Nhân sự, row {sheets.people_row_number('NV022')}, column Mã đơn vị: There is no unit")
    # Run as the console does: a non-zero exit status. (Keep the test's database connection open.)
    monkeypatch.setattr("django.db.connections.close_all", lambda: None)
    with pytest.raises(SystemExit) as exit_info:
        execute_from_command_line(["congtam", "import_org", path])
    assert exit_info.value.code == 1
    assert snapshot() == before


def test_command_with_a_missing_file_exits_non_zero(world, tmp_path):
    with pytest.raises(CommandError, match="Cannot open"):
        call_command("import_org", str(tmp_path / "nowhere.xlsx"))


# --- the page ----------------------------------------------------------------------------------
def _upload(path, name="org.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with open(path, "rb") as file:
        return SimpleUploadedFile(name, file.read(), content_type="application/octet-stream")


def test_hr_imports_a_workbook_through_the_page(world, client_as, tmp_path):
    client = client_as(Role.HR)
    assert client.get(reverse("org:import")).status_code == 200
    sheets = current_rows()
    sheets.people.append(_person(code="NV099", name="Hà Văn Bảy"))
    response = client.post(reverse("org:import"), {"workbook": _upload(write_workbook(tmp_path / "org.xlsx", sheets))})
    assert response.status_code == 200
    assert response.context["report"].ok
    assert Person.objects.filter(staff_code="NV099").exists()
    entry = AuditEntry.objects.get(event=events.PERSON_CREATED, subject_label="Hà Văn Bảy")
    assert (entry.actor_id, entry.actor_label) == (world.users[Role.HR].pk, "hoa")


def test_the_page_lists_every_error_and_imports_nothing(client_as, tmp_path):
    client = client_as(Role.HR)
    sheets = current_rows()
    sheets.person("NV021")[UNIT] = "KHONG-CO"
    sheets.person("NV022")[EMAIL] = "sai"
    before = snapshot()
    response = client.post(reverse("org:import"), {"workbook": _upload(write_workbook(tmp_path / "org.xlsx", sheets))})
    assert response.status_code == 200
    report = response.context["report"]
    assert _located(report) == [
        (SHEET_PEOPLE, sheets.people_row_number("NV021"), "Mã đơn vị"),
        (SHEET_PEOPLE, sheets.people_row_number("NV022"), "Email"),
    ]
    html = response.content.decode()
    assert 'data-testid="import-report"' in html and "KHONG-CO" in html
    assert snapshot() == before


@pytest.mark.parametrize("role", [role for role in Role.values if role not in (Role.HR, Role.ADMIN)])
def test_only_hr_may_import_download_the_template_or_export(client_as, tmp_path, role):
    client = client_as(role)
    before = snapshot()
    path = write_workbook(tmp_path / "org.xlsx", current_rows())
    assert client.get(reverse("org:import")).status_code == 403
    assert client.post(reverse("org:import"), {"workbook": _upload(path)}).status_code == 403
    assert client.get(reverse("org:import_template")).status_code == 403
    assert client.get(reverse("org:export")).status_code == 403
    assert snapshot() == before


def test_read_workbook_returns_plain_rows_with_excel_row_numbers(world, tmp_path):
    data, issues = read_workbook(write_workbook(tmp_path / "org.xlsx", current_rows()))
    assert issues == []
    assert [unit.row for unit in data.units] == [2, 3, 4, 5, 6]
    person = next(person for person in data.people if person.staff_code == "NV021")
    assert (person.category, person.gender, person.unit_role, person.birth_date) == (
        "cong_chuc",
        "male",
        UnitRole.MEMBER,
        date(1990, 3, 2),
    )
    assert Posting.objects.count() == 11


def test_text_is_stored_exactly_whatever_its_characters(world, tmp_path):
    """New rows are written without the ORM (COPY on PostgreSQL): quoting must not alter text."""
    sheets = current_rows()
    sheets.people.append(_person(code="NV\\77", name='O\'Brien \\N Nguyễn "Tí"', email="o'brien@quochoi.vn"))
    report = _import(tmp_path, sheets)
    assert report.ok, report.errors
    person = Person.objects.get(staff_code="NV\\77")
    assert (person.full_name, person.email) == ('O\'Brien \\N Nguyễn "Tí"', "o'brien@quochoi.vn")
    assert person.postings.get().unit.code == "VTT"


def test_a_person_changed_by_someone_else_during_the_import_is_not_overwritten(world, tmp_path, monkeypatch):
    from django.db.models import F

    from congtam.org import importer

    load = importer._Existing.load

    def load_then_someone_edits(agency):
        existing = load(agency)
        Person.objects.filter(staff_code="NV021").update(ethnicity="Nùng", version=F("version") + 1)
        return existing

    monkeypatch.setattr(importer._Existing, "load", staticmethod(load_then_someone_edits))
    sheets = current_rows()
    sheets.person("NV021")[NAME] = "Nguyễn Văn Ân"
    sheets.people.append(_person(code="NV099"))
    seq = _last_seq()
    report = _import(tmp_path, sheets)
    assert not report.ok and "Someone changed the record of NV021" in report.errors[0].message
    person = Person.objects.get(staff_code="NV021")
    assert (person.full_name, person.ethnicity) == ("Nguyễn Văn An", "Nùng")
    assert not Person.objects.filter(staff_code="NV099").exists()
    assert _last_seq() == seq
