"""Reading a cohort file (xlsx, a folder of CSV files, or JSON) into raw sheets of NFC text.

Any file that cannot be read becomes a :class:`~congtam.scoring.cohort.problems.CohortError`.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from congtam.core.workbook_limits import WorkbookLimits, WorkbookRefused, check_workbook
from congtam.scoring.cohort.problems import CohortError, CohortProblem
from congtam.vietnamese import nfc


@dataclass(slots=True)
class RawSheet:
    name: str  # as found in the file
    file: str  # file name to show in messages
    header_row: int  # the header's row number as the spreadsheet shows it
    headers: list[str]
    rows: list[tuple[int, list[Any]]]  # (row number as shown, cells)


def _is_empty(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _sheet_from_rows(name: str, file: str, rows: Iterable[tuple[int, list[Any]]]) -> RawSheet:
    header_row, headers = 0, []
    data: list[tuple[int, list[Any]]] = []
    for number, cells in rows:
        if all(_is_empty(cell) for cell in cells):
            continue
        if not headers:
            header_row, headers = number, [nfc(str(cell)).strip() if not _is_empty(cell) else "" for cell in cells]
            continue
        data.append((number, [nfc(cell) if isinstance(cell, str) else cell for cell in cells]))
    return RawSheet(name, file, header_row, headers, data)


def _django_configured() -> bool:
    """Whether the engine runs inside the product (never importing Django itself)."""
    conf = sys.modules.get("django.conf")
    return conf is not None and conf.settings.configured


def _refusal(refused: WorkbookRefused) -> str:
    """The limit broken, in the active language when Django is there to say it."""
    return refused.message() if _django_configured() else str(refused)


def _read_excel(path: Path) -> list[RawSheet]:
    from python_calamine import CalamineWorkbook

    if path.suffix.lower() != ".xls":  # the zip formats: checked before calamine builds any sheet
        try:
            check_workbook(path, WorkbookLimits.from_settings() if _django_configured() else WorkbookLimits())
        except WorkbookRefused as refused:
            raise CohortError(
                [CohortProblem(path.name, "", None, "", "cohort_unreadable", {"error": _refusal(refused)})]
            ) from None
    workbook = CalamineWorkbook.from_path(str(path))
    sheets = []
    for name in workbook.sheet_names:
        # Without skipping the empty area, list index i is spreadsheet row i + 1.
        rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
        sheets.append(_sheet_from_rows(nfc(name), path.name, ((i + 1, list(r)) for i, r in enumerate(rows))))
    return sheets


def _read_csv_file(path: Path) -> RawSheet:
    text = path.read_text(encoding="utf-8-sig")
    first_line = text.split("\n", 1)[0]
    # Vietnamese Excel writes ';' when ',' is the decimal mark; take whichever splits the header.
    delimiter = max((";", ",", "\t"), key=first_line.count)
    reader = csv.reader(text.splitlines(), delimiter=delimiter)
    return _sheet_from_rows(nfc(path.stem), path.name, ((i + 1, row) for i, row in enumerate(reader)))


def _read_csv_folder(path: Path) -> list[RawSheet]:
    return [_read_csv_file(file) for file in sorted(path.iterdir()) if file.suffix.lower() == ".csv"]


def _read_json(path: Path) -> list[RawSheet]:
    """``{"Nhân sự": [{"Mã nhân sự": …}, …], …}``; rows are numbered from 1 in list order."""
    document = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(document, Mapping):
        raise CohortError([CohortProblem(path.name, "", None, "", "cohort_json_shape")])
    sheets = []
    for name, records in document.items():
        if not isinstance(records, list) or not all(isinstance(r, Mapping) for r in records):
            raise CohortError([CohortProblem(path.name, str(name), None, "", "cohort_json_shape")])
        headers: list[str] = []
        for record in records:
            for key in record:
                if key not in headers:
                    headers.append(key)
        rows = [
            (index + 1, [nfc(v) if isinstance(v, str) else v for v in (record.get(h) for h in headers)])
            for index, record in enumerate(records)
        ]
        sheets.append(RawSheet(nfc(str(name)), path.name, 0, [nfc(h).strip() for h in headers], rows))
    return sheets


def read_sheets(path: Path) -> list[RawSheet]:
    if not path.exists():
        raise CohortError([CohortProblem(str(path), "", None, "", "cohort_missing_file")])
    try:
        if path.is_dir():
            return _read_csv_folder(path)
        suffix = path.suffix.lower()
        if suffix in (".xlsx", ".xlsm", ".xls", ".ods"):
            return _read_excel(path)
        if suffix == ".json":
            return _read_json(path)
        if suffix == ".csv":
            return [_read_csv_file(path)]
    except CohortError:
        raise
    except (OSError, ValueError, UnicodeDecodeError, csv.Error) as error:
        raise CohortError(
            [CohortProblem(path.name, "", None, "", "cohort_unreadable", {"error": str(error)})]
        ) from None
    except Exception as error:  # calamine raises its own types for a corrupt workbook
        raise CohortError(
            [CohortProblem(path.name, "", None, "", "cohort_unreadable", {"error": str(error)})]
        ) from None
    raise CohortError([CohortProblem(path.name, "", None, "", "cohort_unknown_format")])
