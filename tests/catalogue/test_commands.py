"""``congtam import-catalogue`` and ``congtam export-catalogue``."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from congtam.audit.models import AuditEntry
from congtam.catalogue import events, selectors
from tests.catalogue.helpers import current_rows, snapshot, write_sheet

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_export_then_import_by_command_changes_nothing(world, catalogues, tmp_path, capsys):
    path = tmp_path / "danh-muc.xlsx"
    call_command("export_catalogue", str(path))
    assert "4 products written to" in capsys.readouterr().out
    before = snapshot()
    call_command("import_catalogue", str(path))
    assert "2 job positions in the file, 0 with a new catalogue version" in capsys.readouterr().out
    assert snapshot() == before


def test_the_import_command_writes_with_its_own_label_and_retires_when_asked(world, catalogues, tmp_path):
    rows = [row for row in current_rows() if row[1] != "TT01"]
    call_command("import_catalogue", write_sheet(tmp_path / "a.xlsx", rows), "--retire-missing", "--reason", "QĐ 3")
    assert selectors.catalogue_item_current(world.positions["CV"], "TT01") is None
    entry = AuditEntry.objects.filter(event=events.ITEM_RETIRED).get()
    assert entry.actor_label == "command:import-catalogue" and entry.reason == "QĐ 3"


def test_the_import_command_prints_every_error_and_fails(world, catalogues, tmp_path, capsys):
    rows = current_rows() + [["XX", "A1", "Tên", "", 0, ""]]
    before = snapshot()
    with pytest.raises(CommandError, match=r"Nothing was imported: 2 errors\."):
        call_command("import_catalogue", write_sheet(tmp_path / "b.xlsx", rows))
    errors = capsys.readouterr().err
    assert "Danh mục sản phẩm, row 6, column Mã vị trí: There is no job position with the code XX" in errors
    assert "row 6, column Hệ số quy đổi: The conversion factor must be greater than 0" in errors
    assert snapshot() == before
    with pytest.raises(CommandError, match="Cannot open"):
        call_command("import_catalogue", str(tmp_path / "missing.xlsx"))
    with pytest.raises(CommandError, match="no job position with the code NOPE"):
        call_command("export_catalogue", str(tmp_path / "c.xlsx"), "--position", "NOPE")
