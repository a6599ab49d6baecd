"""Workbooks that would exhaust the server are refused before calamine reads them (failures 1 and
2 of the hardening issue), in every importer and on the command line; an import's error list is
bounded on the page and in the terminal, with the full list as a workbook (failure 3)."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation
from django.utils.formats import number_format
from python_calamine import CalamineWorkbook

from congtam.accounts.models import Role
from congtam.core.workbook_limits import WorkbookLimits, WorkbookRefused, check_workbook

ROOT = Path(__file__).resolve().parents[2]
FAR_ROW = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _template(kind: str) -> bytes:
    buffer = io.BytesIO()
    if kind == "items":
        from congtam.api.importer import write_template
    elif kind == "org":
        from congtam.org.exporter import write_template
    else:
        from congtam.catalogue.exporter import write_template
    write_template(buffer)
    return buffer.getvalue()


def _rewrite(workbook: bytes, change, *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    """The workbook with every worksheet's XML passed through ``change``."""
    source, out = zipfile.ZipFile(io.BytesIO(workbook)), io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as target:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename.startswith("xl/worksheets/sheet"):
                data = change(data.decode("utf-8")).encode("utf-8")
            target.writestr(entry.filename, data, compress_type=compression)
    return out.getvalue()


def _far_cell(workbook: bytes) -> bytes:
    return _rewrite(workbook, lambda xml: xml.replace("</sheetData>", FAR_ROW + "</sheetData>"))


def _spaces(workbook: bytes, size: int) -> bytes:
    return _rewrite(workbook, lambda xml: xml.replace("</sheetData>", "</sheetData>" + " " * size, 1))


# --- the reader ------------------------------------------------------------------------------
def test_a_far_cell_is_refused_before_calamine_builds_the_range():
    bomb = _far_cell(_template("items"))
    assert len(bomb) < 20_000
    with pytest.raises(WorkbookRefused) as refused:
        check_workbook(io.BytesIO(bomb))
    assert refused.value.reason == "cell"
    assert "XFD1048576" in refused.value.message()


def test_a_far_cell_without_its_own_address_is_refused_too():
    # calamine places a cell without r next to the previous one: 300 of them go past column 200.
    cells = "".join('<c t="inlineStr"><is><t>x</t></is></c>' for _ in range(300))
    with pytest.raises(WorkbookRefused) as refused:
        check_workbook(
            io.BytesIO(
                _rewrite(_template("items"), lambda xml: xml.replace("</sheetData>", f"<row>{cells}</row></sheetData>"))
            )
        )
    assert refused.value.reason == "cell"


def test_a_declared_extent_beyond_the_limits_is_refused():
    def declare(xml: str) -> str:
        start = xml.index("<dimension ")
        end = xml.index("/>", start) + 2
        return xml[:start] + '<dimension ref="A1:XFD1048576"/>' + xml[end:]

    with pytest.raises(WorkbookRefused) as refused:
        check_workbook(io.BytesIO(_rewrite(_template("org"), declare)))
    assert refused.value.reason == "dimension"


def test_a_zip_bomb_is_refused_from_the_zip_directory_before_anything_is_inflated():
    bomb = _spaces(_template("org"), 40 * 1024 * 1024)  # 40 MB of white space in a small file
    assert len(bomb) < 200_000
    with pytest.raises(WorkbookRefused) as refused:
        check_workbook(io.BytesIO(bomb))
    assert refused.value.reason == "ratio"
    with pytest.raises(WorkbookRefused) as refused:
        check_workbook(io.BytesIO(bomb), WorkbookLimits(max_expanded_bytes=10 * 1024 * 1024))
    assert refused.value.reason == "expanded"
    assert "MB" in refused.value.message()


def test_a_part_that_expands_beyond_what_the_directory_says_is_refused():
    workbook = _spaces(_template("org"), 1024 * 1024)
    # Make the directory lie: the first worksheet declares 1,000 bytes.
    archive = zipfile.ZipFile(io.BytesIO(workbook))
    entry = next(item for item in archive.infolist() if item.filename.startswith("xl/worksheets/sheet"))
    data = bytearray(workbook)
    central = data.find(b"PK\x01\x02")
    while True:
        name_length = int.from_bytes(data[central + 28 : central + 30], "little")
        extra_length = int.from_bytes(data[central + 30 : central + 32], "little")
        comment_length = int.from_bytes(data[central + 32 : central + 34], "little")
        if data[central + 46 : central + 46 + name_length].decode() == entry.filename:
            data[central + 24 : central + 28] = (1000).to_bytes(4, "little")
            break
        central += 46 + name_length + extra_length + comment_length
    with pytest.raises(WorkbookRefused) as refused:
        check_workbook(io.BytesIO(bytes(data)))
    assert refused.value.reason == "expanded_part"


def test_ordinary_workbooks_pass_and_limits_leave_room_for_a_large_agency():
    for kind in ("items", "org", "catalogue"):
        check_workbook(io.BytesIO(_template(kind)))
    limits = WorkbookLimits()
    assert limits.max_rows >= 100_001  # the 100,000-person benchmark's people sheet and its header
    # A sheet of 200,000 rows × 12 columns within the cell limit.
    assert limits.max_cells >= 200_000 * 12


def test_not_a_zip_is_unreadable():
    with pytest.raises(WorkbookRefused) as refused:
        check_workbook(io.BytesIO(b"not a workbook at all"))
    assert refused.value.reason == "unreadable"


# --- every importer --------------------------------------------------------------------------
@pytest.mark.django_db
def test_every_import_page_reports_the_far_cell_and_the_server_lives(client_as, world):
    pages = (
        (Role.MANAGER, "api:item_import", "items"),
        (Role.HR, "org:import", "org"),
        (Role.HR, "catalogue:import", "catalogue"),
    )
    for role, url, kind in pages:
        client = client_as(role)
        upload = io.BytesIO(_far_cell(_template(kind)))
        upload.name = "bomb.xlsx"
        data = {"workbook": upload, "reason": "probe"}
        response = client.post(reverse(url), data)
        assert response.status_code == 200, url
        text = response.content.decode()
        # The one error, whatever language the page is in.
        assert response.context["errors"].total == 1, url
        assert "XFD1048576" in text and 'data-testid="import-report"' in text, url


@pytest.mark.django_db
def test_the_command_line_refuses_the_far_cell(world, tmp_path):
    bomb = tmp_path / "bomb.xlsx"
    bomb.write_bytes(_far_cell(_template("org")))
    with pytest.raises(CommandError, match="1 error"):
        call_command("import_org", str(bomb))
    catalogue = tmp_path / "catalogue.xlsx"
    catalogue.write_bytes(_far_cell(_template("catalogue")))
    with pytest.raises(CommandError, match="1 error"):
        call_command("import_catalogue", str(catalogue))


def test_the_engine_refuses_the_far_cell_without_django(tmp_path):
    bomb = tmp_path / "cohort.xlsx"
    bomb.write_bytes(_far_cell(_template("org")))
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "congtam.scoring",
            "evaluate",
            "--policy",
            "nd335",
            "--input",
            str(bomb),
            "--output",
            str(tmp_path / "r.json"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode not in (0, -6, 134), completed.stderr
    assert "XFD1048576" in completed.stderr + completed.stdout


# --- bounded error lists ---------------------------------------------------------------------
def _junk_items(rows: int) -> bytes:
    """The work-item template with ``rows`` rows whose every cell is wrong."""

    def add(xml: str) -> str:
        junk = "".join(
            f'<row r="{number}"><c r="A{number}" t="inlineStr"><is><t>?</t></is></c>'
            f'<c r="B{number}" t="inlineStr"><is><t>?</t></is></c></row>'
            for number in range(3, 3 + rows)
        )
        return xml.replace("</sheetData>", junk + "</sheetData>")

    return _rewrite(_template("items"), add)


@pytest.mark.django_db
def test_a_page_lists_the_first_thousand_errors_the_total_and_the_full_list_to_download(client_as, world):
    client = client_as(Role.MANAGER)
    upload = io.BytesIO(_junk_items(700))
    upload.name = "junk.xlsx"
    response = client.post(reverse("api:item_import"), {"workbook": upload})
    text = response.content.decode()
    assert response.status_code == 200
    total = text.count("<tr><td>")
    assert total == 1000
    assert 'data-testid="errors-truncated"' in text
    download = response.context["errors"]
    assert download.total > 1000 and len(download.shown) == 1000
    link = reverse("core:import_errors", args=[download.download_token])
    assert link in text
    workbook = client.get(link)
    assert workbook.status_code == 200
    assert workbook["Cache-Control"].startswith("no-store") or "no-store" in workbook["Cache-Control"]
    rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(b"".join(workbook.streaming_content)))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert len(rows) == download.total + 1  # and the header
    # Someone else cannot fetch it, and a made-up token is unknown.
    client.force_login(world.users[Role.HR])
    assert client.get(link).status_code == 403
    assert client.get(reverse("core:import_errors", args=["nothing-here"])).status_code == 404


@pytest.mark.django_db
def test_the_total_is_written_the_vietnamese_way(client_as, world):
    client = client_as(Role.MANAGER)
    upload = io.BytesIO(_junk_items(700))
    upload.name = "junk.xlsx"
    with translation.override("vi"):
        response = client.post(reverse("api:item_import"), {"workbook": upload}, HTTP_ACCEPT_LANGUAGE="vi")
    total = response.context["errors"].total
    grouped = f"{total // 1000}.{total % 1000:03d}"
    assert grouped in response.content.decode()


@pytest.mark.django_db
def test_the_command_line_prints_the_first_thousand_and_writes_every_error_to_a_file(world, tmp_path, capsys):
    from congtam.org.exporter import write_template

    buffer = io.BytesIO()
    write_template(buffer)

    def junk(xml: str) -> str:
        rows = "".join(
            f'<row r="{number}"><c r="A{number}" t="inlineStr"><is><t>?</t></is></c>'
            f'<c r="B{number}" t="inlineStr"><is><t>?</t></is></c></row>'
            for number in range(3, 1300)
        )
        return xml.replace("</sheetData>", rows + "</sheetData>")

    workbook = tmp_path / "junk.xlsx"
    workbook.write_bytes(_rewrite(buffer.getvalue(), junk))
    errors_file = tmp_path / "errors.xlsx"
    with pytest.raises(CommandError) as failed:
        call_command("import_org", str(workbook), errors_file=str(errors_file))
    printed = capsys.readouterr().err.splitlines()
    assert f"only the first {number_format(1000, force_grouping=True)} of the" in "\n".join(printed)
    assert len([line for line in printed if ", row " in line]) == 1000
    rows = CalamineWorkbook.from_path(str(errors_file)).get_sheet_by_index(0).to_python()
    assert len(rows) - 1 > 1000
    assert number_format(len(rows) - 1, force_grouping=True) in str(failed.value)
