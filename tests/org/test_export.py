"""The organisation export and the empty template: the import's format, re-importable to no
change, and every export recorded in the audit trail (it carries sensitive personal data)."""

from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from congtam.accounts.models import Role
from congtam.audit.models import AuditEntry
from congtam.org import events, services
from congtam.org.exporter import export_workbook, write_template
from congtam.org.importer import import_workbook
from congtam.org.models import Category, Person
from congtam.org.orgdata import (
    AGENCY_CODE,
    AGENCY_COLUMNS,
    PEOPLE_COLUMNS,
    POSITION_COLUMNS,
    SHEET_AGENCIES,
    SHEET_PEOPLE,
    SHEET_POSITIONS,
    SHEET_UNITS,
    UNIT_COLUMNS,
)
from tests.org.workbooks import snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _export(actor=None) -> bytes:
    buffer = io.BytesIO()
    export_workbook(buffer, actor=actor)
    return buffer.getvalue()


def _rows(content: bytes, sheet: str) -> list[tuple]:
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return [tuple(row) for row in book[sheet].iter_rows(values_only=True)]


def test_an_export_reimports_to_no_change_and_no_audit_row(world, tmp_path):
    # Details that a careless export would lose: line breaks, a code that looks like a number,
    # a person without position or dates, an inactive person (not exported, not reported missing).
    services.position_create(
        actor=None,
        agency=world.agency,
        code="007",
        title="Văn thư",
        duties="Nhận văn bản\nGửi văn bản",
    )
    services.person_create(
        actor=None,
        staff_code="000123",
        full_name="Hà Thị Mai",
        category=Category.HOP_DONG,
        unit=world.units["VTT"],
    )
    Person.objects.filter(staff_code="NV032").update(is_active=False)
    path = tmp_path / "export.xlsx"
    path.write_bytes(_export())
    before = snapshot()
    report = import_workbook(path, actor=None)
    assert report.ok, report.errors
    assert (report.units.unchanged, report.positions.unchanged, report.people.unchanged) == (5, 4, 11)
    assert report.missing_people == []
    assert snapshot() == before


def test_the_export_writes_the_import_format_with_dates_as_dates_and_codes_as_text(world):
    content = _export()
    agencies = _rows(content, SHEET_AGENCIES)
    assert agencies == [AGENCY_COLUMNS, ("VPQH", "Văn phòng Quốc hội", None, "NV001")]
    units = _rows(content, SHEET_UNITS)
    assert units[0] == (*UNIT_COLUMNS, AGENCY_CODE)
    assert units[1:] == [
        ("VPQH", "Văn phòng Quốc hội", None, "VPQH"),
        ("VPL", "Vụ Pháp luật", "VPQH", "VPQH"),
        ("VPL-P1", "Phòng Luật Hành chính", "VPL", "VPQH"),
        ("TCCB", "Vụ Tổ chức cán bộ", "VPQH", "VPQH"),
        ("VTT", "Vụ Thông tin", "VPQH", "VPQH"),
    ]
    positions = _rows(content, SHEET_POSITIONS)
    assert positions[0] == (*POSITION_COLUMNS, AGENCY_CODE)
    assert positions[2] == (
        "LD",
        "Lãnh đạo",
        "Chuyên viên cao cấp",
        "Có",
        "Lãnh đạo, điều hành đơn vị",
        "Theo tiêu chuẩn chức danh lãnh đạo",
        "VPQH",
    )
    people = _rows(content, SHEET_PEOPLE)
    assert people[0] == (*PEOPLE_COLUMNS, AGENCY_CODE)
    # The unit's head first, then its deputy: units in tree order.
    assert [row[0] for row in people[1:4]] == ["NV001", "NV002", "NV010"]
    an = next(row for row in people if row[0] == "NV021")
    assert an == (
        "NV021",
        "Nguyễn Văn An",
        "Nam",
        datetime(1990, 3, 2),
        "Tày",
        "VPL-P1",
        "CV",
        "Công chức",
        datetime(2015, 9, 1),
        "an@quochoi.vn",
        None,
        "VPQH",
    )
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book[SHEET_PEOPLE]["D2"].number_format == "dd/mm/yyyy"


def test_each_export_is_recorded_with_its_counts(world):
    hr = world.users[Role.HR]
    before = AuditEntry.objects.count()
    _export(actor=hr)
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.event == events.ORG_EXPORTED == "privacy.org.exported"
    assert (entry.actor_id, entry.actor_label) == (hr.pk, "hoa")
    assert entry.new == {"agencies": 1, "units": 5, "positions": 3, "people": 11}
    assert entry.subject_type == "org.agency" and entry.subject_id == str(world.agency.pk)


def test_the_template_has_the_four_sheets_headers_and_choice_lists_only(db):
    buffer = io.BytesIO()
    write_template(buffer)
    book = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    assert book.sheetnames == [SHEET_AGENCIES, SHEET_UNITS, SHEET_POSITIONS, SHEET_PEOPLE]
    for name, columns in (
        (SHEET_AGENCIES, AGENCY_COLUMNS),
        (SHEET_UNITS, (*UNIT_COLUMNS, AGENCY_CODE)),
        (SHEET_POSITIONS, (*POSITION_COLUMNS, AGENCY_CODE)),
        (SHEET_PEOPLE, (*PEOPLE_COLUMNS, AGENCY_CODE)),
    ):
        rows = list(book[name].iter_rows(values_only=True))
        assert rows == [columns]
        assert book[name]["A1"].font.bold
    lists = {
        str(rule.sqref).split(":")[0]: rule.formula1 for rule in book[SHEET_PEOPLE].data_validations.dataValidation
    }
    assert lists == {"C2": '"Nam,Nữ"', "H2": '"Cán bộ,Công chức,Viên chức,Hợp đồng lao động"', "K2": '"Trưởng,Phó"'}
    assert AuditEntry.objects.count() == 0  # an empty template holds no personal data


def test_an_empty_template_imports_to_nothing(world, tmp_path):
    buffer = io.BytesIO()
    write_template(buffer)
    path = tmp_path / "template.xlsx"
    path.write_bytes(buffer.getvalue())
    before = snapshot()
    report = import_workbook(path, actor=None)
    assert report.ok and len(report.missing_people) == 11
    assert snapshot() == before


def test_hr_downloads_the_template_and_the_export(world, client_as):
    client = client_as(Role.HR)
    template = client.get(reverse("org:import_template"))
    assert template.status_code == 200 and "congtam-mau-to-chuc.xlsx" in template["Content-Disposition"]
    assert openpyxl.load_workbook(io.BytesIO(template.content)).sheetnames == [
        SHEET_AGENCIES,
        SHEET_UNITS,
        SHEET_POSITIONS,
        SHEET_PEOPLE,
    ]
    before = AuditEntry.objects.count()
    export = client.get(reverse("org:export"))
    assert export.status_code == 200
    assert len(_rows(export.content, SHEET_PEOPLE)) == 12
    assert AuditEntry.objects.count() == before + 1
    assert AuditEntry.objects.order_by("-seq").first().actor_id == world.users[Role.HR].pk


def test_the_export_command_writes_the_file_and_records_it(world, tmp_path, capsys):
    path = tmp_path / "org.xlsx"
    call_command("export_org", str(path))
    assert "Exported 5 units, 3 job positions, 11 people to" in capsys.readouterr().out
    assert len(_rows(path.read_bytes(), SHEET_PEOPLE)) == 12
    entry = AuditEntry.objects.order_by("-seq").first()
    assert (entry.event, entry.actor_id, entry.actor_label) == (events.ORG_EXPORTED, None, "command:export-org")
    assert import_workbook(path, actor=None).people.unchanged == 11


def test_exported_birth_dates_survive_a_round_trip(world, tmp_path):
    Person.objects.filter(staff_code="NV040").update(birth_date=date(1900, 3, 1))  # before Excel's 1900 leap bug
    path = tmp_path / "org.xlsx"
    path.write_bytes(_export())
    report = import_workbook(path, actor=None)
    assert report.ok and report.people.updated == 0
