"""Reading a cohort file (xlsx, a folder of CSV files, or JSON) and writing the results.

Reading never stops at the first problem: every bad row of every sheet is collected, with the
file, the sheet, the row as the spreadsheet shows it and the column, and reported together in
Vietnamese (or English). Text is normalised to NFC; headers are matched ignoring case, spacing
and the Unicode form; numbers accept ``,`` or ``.`` as the decimal mark.
"""

from __future__ import annotations

import csv
import json
import os
import re
import sys
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from congtam.core.workbook_limits import WorkbookLimits, WorkbookRefused, check_workbook
from congtam.scoring.api import CohortMember, CohortResult, PeriodInput, period_score
from congtam.scoring.classify import CriteriaInput, Facts, LeaderUnitCriteria, PeriodScore, Person
from congtam.scoring.decimals import HUNDRED, ZERO, NumberFormatError, format_display, to_decimal
from congtam.scoring.levels import Level, level_name
from congtam.scoring.messages import message
from congtam.scoring.methods import MethodInputError, UnitInput, WorkItem
from congtam.scoring.policy import DISCIPLINE_NAMES, POINTS, Policy
from congtam.scoring.vietnamese import loose_key, match_key, nfc

SHEET_PEOPLE = "Nhân sự"
SHEET_ITEMS = "Sản phẩm"
SHEET_GENERAL = "Tiêu chí chung"
SHEET_LEADER_UNITS = "Lãnh đạo đơn vị"
SHEET_CRITERIA = "Tiêu chí"
SHEET_RESULTS = "Kết quả"
SHEET_QUOTA = "Tỷ lệ"
SHEET_POLICY = "Chính sách"
KNOWN_SHEETS = (SHEET_PEOPLE, SHEET_ITEMS, SHEET_GENERAL, SHEET_LEADER_UNITS, SHEET_CRITERIA)

RESULT_HEADERS = (
    "Mã nhân sự",
    "Họ và tên",
    "Đơn vị",
    "Nhóm",
    "Điểm",
    "Mã xếp loại",
    "Xếp loại",
    "Vượt tỷ lệ",
    "Thứ hạng trong nhóm",
    "Lý do",
)
QUOTA_HEADERS = (
    "Phạm vi",
    "Tên",
    "Số đạt HTTNV trở lên",
    "Số đủ điều kiện HTXSNV",
    "Cách tính trần",
    "Trần HTXSNV",
    "Số trong tỷ lệ",
    "Số vượt tỷ lệ",
    "Ngoại lệ",
    "Ghi chú",
)


# --- problems ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CohortProblem:
    file: str
    sheet: str
    row: int | None
    column: str
    message_key: str
    params: Mapping[str, object] = field(default_factory=dict)

    def text(self, lang: str = "vi") -> str:
        where = [self.file]
        if self.sheet:
            where.append(message("where_sheet", lang, sheet=self.sheet))
        if self.row is not None:
            where.append(message("where_row", lang, row=self.row))
        if self.column:
            where.append(message("where_column", lang, column=self.column))
        return f"{', '.join(where)}: {message(self.message_key, lang, **self.params)}"


class CohortError(ValueError):
    def __init__(self, problems: list[CohortProblem]) -> None:
        super().__init__("\n".join(problem.text("en") for problem in problems))
        self.problems = problems

    def text(self, lang: str = "vi") -> str:
        return "\n".join(problem.text(lang) for problem in self.problems)


# --- raw sheets -------------------------------------------------------------------------------


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


# --- typed columns ----------------------------------------------------------------------------


class CellError(ValueError):
    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def _text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return nfc(str(cell)).strip()


_YES = {"co", "c", "x", "yes", "true", "1"}
_NO = {"khong", "k", "no", "false", "0", ""}


def parse_yes_no(cell: Any) -> bool:
    if isinstance(cell, bool):
        return cell
    word = loose_key(_text(cell))
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise CellError("cell_yes_no", value=_text(cell))


def parse_number(cell: Any, minimum: Decimal | None, maximum: Decimal | None) -> Decimal:
    try:
        value = to_decimal(cell.strip() if isinstance(cell, str) else cell)
    except NumberFormatError:
        raise CellError("cell_number", value=_text(cell)) from None
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise CellError(
            "cell_number_range",
            value=_text(cell),
            minimum=minimum if minimum is not None else "",
            maximum=maximum if maximum is not None else "",
        )
    return value


def parse_count(cell: Any) -> int:
    value = parse_number(cell, ZERO, None)
    if value != value.to_integral_value():
        raise CellError("cell_count", value=_text(cell))
    return int(value)


_DISCIPLINE_BY_KEY = {loose_key(name): code for code, name in DISCIPLINE_NAMES.items()}


def parse_discipline(cell: Any) -> str | None:
    text = _text(cell)
    if not text:
        return None
    code = _DISCIPLINE_BY_KEY.get(loose_key(text))
    if code is None:
        raise CellError("cell_discipline", value=text, known=", ".join(DISCIPLINE_NAMES.values()))
    return code


def period_label(cell: Any) -> str:
    text = _text(cell)
    if not text:
        raise CellError("cell_required")
    return text


def _period_sort_key(label: str) -> tuple:
    return (0, int(label), "") if label.isdigit() else (1, 0, label)


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    parse: Callable[[Any], Any]
    required: bool = True  # the column must exist
    default: Any = None  # value of an empty cell; ... means the cell must not be empty

    @property
    def key(self) -> str:
        return _header_key(self.header)


MUST = ...


def _header_key(header: str) -> str:
    return re.sub(r"\s*:\s*", ": ", match_key(header))


def _percent(cell: Any) -> Decimal:
    return parse_number(cell, ZERO, HUNDRED)


def _months(cell: Any) -> Decimal:
    return parse_number(cell, ZERO, Decimal(12))


def _score(cell: Any) -> Decimal:
    return parse_number(cell, ZERO, HUNDRED)


def _factor(cell: Any) -> Decimal:
    value = parse_number(cell, ZERO, None)
    if value <= ZERO:
        raise CellError("cell_positive", value=_text(cell))
    return value


def _required_text(cell: Any) -> str:
    text = _text(cell)
    if not text:
        raise CellError("cell_required")
    return text


PEOPLE_COLUMNS = (
    Column("Mã nhân sự", _required_text, default=MUST),
    Column("Họ và tên", _required_text, default=MUST),
    Column("Đơn vị", _required_text, default=MUST),
    Column("Nhóm", _required_text, default=MUST),
    Column("Lãnh đạo", parse_yes_no, default=False),
    Column("Kỷ luật", parse_discipline, default=None),
    Column("Suy thoái", parse_yes_no, default=False),
    Column("Tháng công tác", _months, default=MUST),
    Column("Tháng nghỉ", _months, default=ZERO),
    Column("Tháng thai sản", _months, default=ZERO),
    Column("Ngoại lệ tỷ lệ", _text, default=""),
    Column("Tham nhũng, lãng phí", parse_yes_no, required=False, default=False),
    Column("Kỷ luật đã tính", parse_yes_no, required=False, default=False),
)
ITEM_COLUMNS = (
    Column("Mã nhân sự", _required_text, default=MUST),
    Column("Kỳ", period_label, default=MUST),
    Column("Mã sản phẩm", _text, default=""),
    Column("Hệ số quy đổi", _factor, default=MUST),
    Column("Hoàn thành", parse_yes_no, default=MUST),
    Column("Số lần không đạt chất lượng", parse_count, default=0),
    Column("Số lần chậm tiến độ", parse_count, default=0),
    Column("Nguyên nhân khách quan", parse_yes_no, default=False),
)
LEADER_UNIT_COLUMNS = (
    Column("Mã nhân sự", _required_text, default=MUST),
    Column("Kỳ", period_label, default=MUST),
    Column("Tỷ lệ công chức HTNV trở lên", _percent, default=MUST),
    Column("Tỷ lệ thực hiện kế hoạch", _percent, default=MUST),
)
CRITERIA_COLUMNS = (
    Column("Mã nhân sự", _required_text, default=MUST),
    Column("Đáp ứng tiêu chí chung", parse_yes_no, default=MUST),
    Column("Tỷ lệ hoàn thành", _percent, default=MUST),
    Column("Tỷ lệ vượt mức", _percent, default=ZERO),
    Column("Tỷ lệ không đạt", _percent, default=ZERO),
    Column("Đơn vị: tỷ lệ chỉ tiêu hoàn thành", _percent, required=False, default=None),
    Column("Đơn vị: tỷ lệ vượt mức", _percent, required=False, default=None),
    Column("Đơn vị: tỷ lệ đúng tiến độ", _percent, required=False, default=None),
    Column("Đơn vị trực thuộc: tỷ lệ HTNV trở lên", _percent, required=False, default=None),
    Column("Đơn vị trực thuộc: tỷ lệ HTTNV trở lên", _percent, required=False, default=None),
)
_PERIOD_SCORE_HEADER = re.compile(r"^điểm kỳ\s*(\S+)$")


class _Collector:
    def __init__(self) -> None:
        self.problems: list[CohortProblem] = []

    def add(self, sheet: RawSheet | None, row: int | None, column: str, key: str, **params: object) -> None:
        self.problems.append(
            CohortProblem(sheet.file if sheet else "", sheet.name if sheet else "", row, column, key, params)
        )


def _column_positions(sheet: RawSheet, columns: Sequence[Column], problems: _Collector) -> dict[str, int] | None:
    positions: dict[str, int] = {}
    by_key = {}
    for index, header in enumerate(sheet.headers):
        if header:
            by_key.setdefault(_header_key(header), index)
    missing = False
    for column in columns:
        index = by_key.get(column.key)
        if index is None:
            if column.required:
                problems.add(sheet, sheet.header_row or None, column.header, "cohort_missing_column")
                missing = True
            continue
        positions[column.header] = index
    return None if missing else positions


class _ParseCache:
    """Parsed values of cells already seen in a column: a workbook repeats the same few values
    (Có/Không, months, quarter-point scores) across 100,000 rows. Keyed by the cell's type and
    value (1, 1.0 and True stay apart); falsy cells (0, -0.0, "") are never cached, so a negative
    zero keeps its sign; failures are never cached, so every bad cell is still reported."""

    __slots__ = ("parse", "values")
    LIMIT = 4096

    def __init__(self, parse: Callable[[Any], Any]) -> None:
        self.parse = parse
        self.values: dict[tuple[type, Any], Any] = {}

    def __call__(self, cell: Any) -> Any:
        if not cell:
            return self.parse(cell)
        key = (cell.__class__, cell)
        try:
            return self.values[key]
        except KeyError:
            pass
        except TypeError:  # an unhashable cell
            return self.parse(cell)
        value = self.parse(cell)
        if len(self.values) < self.LIMIT:
            self.values[key] = value
        return value


def _typed_rows(
    sheet: RawSheet, columns: Sequence[Column], problems: _Collector, extra: Mapping[str, int] | None = None
) -> Iterator[tuple[int, dict[str, Any], bool]]:
    """Each row as {header: value}; the flag says whether the row had no bad cell."""
    positions = _column_positions(sheet, columns, problems)
    if positions is None:
        return
    plan = [
        (
            column.header,
            positions.get(column.header),
            column.default is MUST,
            None if column.default is MUST else column.default,
            _ParseCache(column.parse),
        )
        for column in columns
    ]
    extra_items = list((extra or {}).items())
    for number, cells in sheet.rows:
        values: dict[str, Any] = {}
        good = True
        width = len(cells)
        for header, index, must, default, parse in plan:
            cell = cells[index] if index is not None and index < width else None
            if cell is None or (cell.__class__ is str and not cell.strip()):
                if must:
                    problems.add(sheet, number, header, "cell_required")
                    good = False
                values[header] = default
                continue
            try:
                values[header] = parse(cell)
            except CellError as error:
                problems.add(sheet, number, header, error.key, **error.params)
                values[header] = None
                good = False
        for header, index in extra_items:
            values[header] = cells[index] if index < width else None
        yield number, values, good


# --- the cohort -------------------------------------------------------------------------------


@dataclass(slots=True)
class _PersonRow:
    row: int
    person: Person
    scores: list[tuple[str, Any]]


def _find_sheet(sheets: Sequence[RawSheet], name: str) -> RawSheet | None:
    wanted = match_key(name)
    for sheet in sheets:
        if match_key(sheet.name) == wanted:
            return sheet
    return None


def read_cohort(path: Path | str, policy: Policy) -> list[CohortMember]:
    """The cohort as engine inputs; raises CohortError listing every bad row."""
    path = Path(path)
    sheets = read_sheets(path)
    problems = _Collector()
    people_sheet = _find_sheet(sheets, SHEET_PEOPLE)
    if people_sheet is None:
        problems.add(None, None, "", "cohort_missing_sheet", sheet=SHEET_PEOPLE)
        raise CohortError([replace_file(p, path.name) for p in problems.problems])
    people = _read_people(people_sheet, problems)
    if policy.model == POINTS:
        members = _points_members(people, people_sheet, sheets, policy, problems)
    else:
        members = _criteria_members(people, sheets, policy, problems)
    if problems.problems:
        raise CohortError(problems.problems)
    return members


def replace_file(problem: CohortProblem, file: str) -> CohortProblem:
    return CohortProblem(file, problem.sheet, problem.row, problem.column, problem.message_key, problem.params)


def _read_people(sheet: RawSheet, problems: _Collector) -> list[_PersonRow]:
    score_columns: dict[str, int] = {}
    score_labels: dict[str, str] = {}
    for index, header in enumerate(sheet.headers):
        match = _PERIOD_SCORE_HEADER.match(match_key(header))
        if match:
            score_columns[header] = index
            score_labels[header] = match.group(1)
    rows: list[_PersonRow] = []
    seen: dict[str, int] = {}
    # The period order, once: a stable sort of the columns by label, which is what sorting each
    # row's scores by label gave (a row's scores are a subsequence of the columns, in order).
    score_columns = dict(sorted(score_columns.items(), key=lambda item: _period_sort_key(score_labels[item[0]])))
    score_parse = _ParseCache(_score)
    for number, values, good in _typed_rows(sheet, PEOPLE_COLUMNS, problems, score_columns):
        code = values["Mã nhân sự"]
        if code is not None:
            if code in seen:
                problems.add(sheet, number, "Mã nhân sự", "cohort_duplicate_code", code=code, first=seen[code])
                good = False
            else:
                seen[code] = number
        months = [values[h] for h in ("Tháng công tác", "Tháng nghỉ", "Tháng thai sản")]
        if all(isinstance(m, Decimal) for m in months) and sum(months) > 12:
            problems.add(sheet, number, "Tháng công tác", "cohort_months_total", total=sum(months))
            good = False
        scores = []
        for header in score_columns:
            cell = values[header]
            if _is_empty(cell):
                continue
            try:
                scores.append((score_labels[header], score_parse(cell)))
            except CellError as error:
                problems.add(sheet, number, header, error.key, **error.params)
                good = False
        if not good:
            continue
        facts = Facts(
            months_worked=values["Tháng công tác"],
            months_absent=values["Tháng nghỉ"],
            months_maternity=values["Tháng thai sản"],
            discipline=values["Kỷ luật"],
            discipline_already_counted=values["Kỷ luật đã tính"],
            degradation=values["Suy thoái"],
            corruption_in_unit=values["Tham nhũng, lãng phí"],
        )
        person = Person(
            code,
            values["Họ và tên"],
            values["Đơn vị"],
            values["Nhóm"],
            values["Lãnh đạo"],
            facts,
            values["Ngoại lệ tỷ lệ"],
        )
        rows.append(_PersonRow(number, person, scores))
    rows.sort(key=lambda r: r.row)
    if not sheet.rows:
        problems.add(sheet, None, "", "cohort_empty_sheet")
    return rows


def _is_short_service(person: Person, policy: Policy) -> bool:
    values = policy.settings.values
    facts = person.facts
    return (
        bool(values["leave_rules_apply"])
        and facts.months_worked < values["short_service_minimum_months"]
        and not (values["maternity_exempts_short_service"] and facts.months_maternity > ZERO)
    )


def _points_members(
    people: list[_PersonRow], people_sheet: RawSheet, sheets: Sequence[RawSheet], policy: Policy, problems: _Collector
) -> list[CohortMember]:
    has_score_columns = any(_PERIOD_SCORE_HEADER.match(match_key(h)) for h in people_sheet.headers)
    if has_score_columns:
        members = []
        for row in people:
            periods = tuple(PeriodScore(label, score) for label, score in row.scores)
            if not periods and not _is_short_service(row.person, policy):
                problems.add(people_sheet, row.row, "Điểm kỳ 1", "no_period_scores", staff_code=row.person.staff_code)
                continue
            members.append(CohortMember(row.person, periods))
        return members
    item_sheet = _find_sheet(sheets, SHEET_ITEMS)
    general_sheet = _find_sheet(sheets, SHEET_GENERAL)
    for name, sheet in ((SHEET_ITEMS, item_sheet), (SHEET_GENERAL, general_sheet)):
        if sheet is None:
            problems.add(people_sheet, None, "", "cohort_missing_points_data", sheet=name)
    if item_sheet is None or general_sheet is None:
        return []
    known = {row.person.staff_code: row for row in people}
    items: dict[tuple[str, str], list[tuple[int, WorkItem]]] = defaultdict(list)
    for number, values, good in _typed_rows(item_sheet, ITEM_COLUMNS, problems):
        code = values["Mã nhân sự"]
        if code is not None and code not in known:
            problems.add(item_sheet, number, "Mã nhân sự", "cohort_unknown_person", code=code)
            continue
        if not good:
            continue
        items[(code, values["Kỳ"])].append(
            (
                number,
                WorkItem(
                    factor=values["Hệ số quy đổi"],
                    completed=values["Hoàn thành"],
                    quality_failures=values["Số lần không đạt chất lượng"],
                    late_count=values["Số lần chậm tiến độ"],
                    objective_cause=values["Nguyên nhân khách quan"],
                    code=values["Mã sản phẩm"] or f"#{number}",
                ),
            )
        )
    general = _read_general(general_sheet, known, policy, problems)
    units = _read_leader_units(sheets, known, problems)
    periods_by_person: dict[str, set[str]] = defaultdict(set)
    for person_code, label in list(items) + list(general):
        periods_by_person[person_code].add(label)
    result = []
    for row in people:
        code = row.person.staff_code
        periods = []
        ok = True
        for label in sorted(periods_by_person.get(code, ()), key=_period_sort_key):
            item_rows = items.get((code, label), [])
            general_row = general.get((code, label))
            if not item_rows:
                problems.add(
                    general_sheet,
                    general_row[0] if general_row else None,
                    "Kỳ",
                    "cohort_period_without_items",
                    code=code,
                    period=label,
                )
                ok = False
                continue
            if general_row is None:
                problems.add(
                    item_sheet, item_rows[0][0], "Kỳ", "cohort_period_without_general", code=code, period=label
                )
                ok = False
                continue
            unit = units.get((code, label))
            try:
                periods.append(
                    period_score(
                        PeriodInput(label, tuple(i for _, i in item_rows), general_row[1], unit),
                        policy=policy,
                        is_leader=row.person.is_leader,
                    )
                )
            except MethodInputError as error:
                problems.add(item_sheet, item_rows[0][0], "", error.message_key, **error.params)
                ok = False
        if not ok:
            continue
        if not periods and not _is_short_service(row.person, policy):
            problems.add(people_sheet, row.row, "Mã nhân sự", "no_period_scores", staff_code=code)
            continue
        result.append(CohortMember(row.person, tuple(periods)))
    return result


def _read_general(
    sheet: RawSheet, known: Mapping[str, _PersonRow], policy: Policy, problems: _Collector
) -> dict[tuple[str, str], tuple[int, Mapping[str, Decimal] | Decimal]]:
    headers = {_header_key(h) for h in sheet.headers if h}
    single = _header_key("Điểm tiêu chí chung") in headers
    maximum = policy.settings.decimal("general_criteria_max_points")
    if single:
        columns = [Column("Điểm tiêu chí chung", lambda c: parse_number(c, ZERO, maximum), default=MUST)]
        codes = {}
    else:
        # One column per sub-criterion, headed by its Vietnamese name or its code.
        columns, codes = [], {}
        for criterion in policy.subcriteria:
            header = criterion.name_vi if _header_key(criterion.name_vi) in headers else criterion.code
            bound = criterion.max_points
            columns.append(Column(header, lambda c, bound=bound: parse_number(c, ZERO, bound), default=MUST))
            codes[header] = criterion.code
    columns = [Column("Mã nhân sự", _required_text, default=MUST), Column("Kỳ", period_label, default=MUST), *columns]
    result: dict[tuple[str, str], tuple[int, Mapping[str, Decimal] | Decimal]] = {}
    for number, values, good in _typed_rows(sheet, columns, problems):
        code = values["Mã nhân sự"]
        if code is not None and code not in known:
            problems.add(sheet, number, "Mã nhân sự", "cohort_unknown_person", code=code)
            continue
        if not good:
            continue
        key = (code, values["Kỳ"])
        if key in result:
            problems.add(
                sheet, number, "Kỳ", "cohort_duplicate_period", code=code, period=values["Kỳ"], first=result[key][0]
            )
            continue
        points = values["Điểm tiêu chí chung"] if single else {codes[h]: values[h] for h in codes}
        result[key] = (number, points)
    return result


def _read_leader_units(
    sheets: Sequence[RawSheet], known: Mapping[str, _PersonRow], problems: _Collector
) -> dict[tuple[str, str], UnitInput]:
    sheet = _find_sheet(sheets, SHEET_LEADER_UNITS)
    if sheet is None:
        return {}
    units: dict[tuple[str, str], UnitInput] = {}
    for number, values, good in _typed_rows(sheet, LEADER_UNIT_COLUMNS, problems):
        code = values["Mã nhân sự"]
        if code is not None and (code not in known or not known[code].person.is_leader):
            problems.add(sheet, number, "Mã nhân sự", "cohort_not_a_leader", code=code)
            continue
        if good:
            units[(code, values["Kỳ"])] = UnitInput(
                values["Tỷ lệ công chức HTNV trở lên"], values["Tỷ lệ thực hiện kế hoạch"]
            )
    return units


def _criteria_members(
    people: list[_PersonRow], sheets: Sequence[RawSheet], policy: Policy, problems: _Collector
) -> list[CohortMember]:
    sheet = _find_sheet(sheets, SHEET_CRITERIA)
    criteria: dict[str, CriteriaInput] = {}
    known = {row.person.staff_code: row for row in people}
    if sheet is None:
        problems.add(None, None, "", "cohort_missing_sheet", sheet=SHEET_CRITERIA)
    else:
        for number, values, good in _typed_rows(sheet, CRITERIA_COLUMNS, problems):
            code = values["Mã nhân sự"]
            if code is not None and code not in known:
                problems.add(sheet, number, "Mã nhân sự", "cohort_unknown_person", code=code)
                continue
            if code in criteria:
                problems.add(sheet, number, "Mã nhân sự", "cohort_duplicate_code", code=code, first="")
                continue
            unit = None
            if code is not None and known[code].person.is_leader:
                unit_headers = (
                    "Đơn vị: tỷ lệ chỉ tiêu hoàn thành",
                    "Đơn vị: tỷ lệ vượt mức",
                    "Đơn vị: tỷ lệ đúng tiến độ",
                )
                for header in unit_headers:
                    if values.get(header) is None and good:
                        problems.add(sheet, number, header, "cohort_leader_unit_required")
                        good = False
                if good:
                    unit = LeaderUnitCriteria(
                        *(values[h] for h in unit_headers),
                        values["Đơn vị trực thuộc: tỷ lệ HTNV trở lên"],
                        values["Đơn vị trực thuộc: tỷ lệ HTTNV trở lên"],
                    )
            if good:
                criteria[code] = CriteriaInput(
                    values["Đáp ứng tiêu chí chung"],
                    values["Tỷ lệ hoàn thành"],
                    values["Tỷ lệ vượt mức"],
                    values["Tỷ lệ không đạt"],
                    unit,
                )
    members = []
    people_sheet = _find_sheet(sheets, SHEET_PEOPLE)
    for row in people:
        found = criteria.get(row.person.staff_code)
        if found is None and sheet is not None and not _is_short_service(row.person, policy):
            problems.add(people_sheet, row.row, "Mã nhân sự", "no_criteria", staff_code=row.person.staff_code)
            continue
        members.append(CohortMember(row.person, criteria=found))
    return members


# --- writing results --------------------------------------------------------------------------


def _ordered(result: CohortResult) -> list:
    unranked = len(result.outcomes) + 1
    return sorted(
        result.outcomes,
        key=lambda o: (
            o.classification.person.unit,
            o.classification.person.group,
            o.rank_in_group or unranked,
            o.staff_code,
        ),
    )


def result_rows(result: CohortResult, lang: str = "vi") -> Iterator[list[Any]]:
    yes, no = ("Yes", "No") if lang == "en" else ("Có", "Không")
    for outcome in _ordered(result):
        person = outcome.classification.person
        score = outcome.classification.score
        yield [
            person.staff_code,
            person.full_name,
            person.unit,
            person.group,
            format_display(score) if score is not None else "",
            outcome.level.value,
            level_name(outcome.level, lang),
            yes if outcome.over_quota else no,
            outcome.rank_in_group if outcome.rank_in_group is not None else "",
            " ".join(result.reasons(outcome, lang)),
        ]


def quota_rows(result: CohortResult, lang: str = "vi") -> Iterator[list[Any]]:
    for scope in result.scopes:
        note = message("quota_zero_note", lang) if scope.quota_zero else ""
        yield [
            message(f"scope_kind_{scope.kind}", lang),
            scope.name,
            scope.good_or_better,
            scope.candidates,
            f"{scope.cap_formula.replace('share', format_display(scope.share)).replace('base', str(scope.good_or_better))}",
            scope.cap,
            scope.within,
            scope.over,
            scope.exception,
            note,
        ]


def policy_rows(result: CohortResult, lang: str = "vi") -> Iterator[list[Any]]:
    policy = result.policy
    yield ["id", policy.id, ""]
    yield ["version", policy.version, ""]
    yield ["model", policy.model, ""]
    for parameter in policy.parameters.values():
        value = parameter.value
        text = str(value).lower() if isinstance(value, bool) else str(value)
        changed = " (--set)" if parameter.value != parameter.default else ""
        flag = message("to_confirm_flag", lang) if parameter.to_confirm else ""
        yield [parameter.name, text + changed, flag]


def _atomic_targets(paths: Sequence[Path]) -> list[tuple[Path, Path]]:
    pairs = []
    for path in paths:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(handle)
        pairs.append((Path(temporary), path))
    return pairs


def _commit(pairs: Sequence[tuple[Path, Path]]) -> None:
    for temporary, final in pairs:
        os.replace(temporary, final)


def _discard(pairs: Sequence[tuple[Path, Path]]) -> None:
    for temporary, _ in pairs:
        temporary.unlink(missing_ok=True)


def write_results(result: CohortResult, path: Path | str, lang: str = "vi") -> list[Path]:
    """Write xlsx, CSV (results + a sibling ``<name>.Tỷ lệ.csv``) or JSON by the extension.

    Files appear only when complete (written aside, then renamed), so a failure leaves nothing.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        targets = [path, path.with_name(f"{path.stem}.{SHEET_QUOTA}.csv")]
    elif suffix in (".xlsx", ".json"):
        targets = [path]
    else:
        raise CohortError([CohortProblem(path.name, "", None, "", "cohort_unknown_output")])
    pairs = _atomic_targets(targets)
    try:
        if suffix == ".xlsx":
            _write_xlsx(result, pairs[0][0], lang)
        elif suffix == ".json":
            _write_json(result, pairs[0][0], lang)
        else:
            _write_csv(pairs[0][0], RESULT_HEADERS, result_rows(result, lang))
            _write_csv(pairs[1][0], QUOTA_HEADERS, quota_rows(result, lang))
    except BaseException:
        _discard(pairs)
        raise
    _commit(pairs)
    return targets


def _write_csv(path: Path, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        writer.writerows(rows)


def _write_xlsx(result: CohortResult, path: Path, lang: str) -> None:
    from congtam.scoring.xlsx_out import STYLE_BOLD, STYLE_NONE, STYLE_TWO_PLACES, Sheet, write_workbook

    sheet = Sheet(SHEET_RESULTS)
    sheet.row(RESULT_HEADERS, STYLE_BOLD)
    sheet.set_width(1, 28)
    sheet.set_width(9, 80)
    styles = (STYLE_NONE,) * 4 + (STYLE_TWO_PLACES,) + (STYLE_NONE,) * 5
    row_out = sheet.row
    for row in result_rows(result, lang):
        if row[4] != "":
            # A number cell holding the display value (two decimals, half up); the exact
            # score is in the JSON explanation.
            row[4] = float(row[4])
        row_out(row, styles)
    quota = Sheet(SHEET_QUOTA)
    quota.row(QUOTA_HEADERS, STYLE_BOLD)
    for row in quota_rows(result, lang):
        quota.row(row)
    policy_sheet = Sheet(SHEET_POLICY)
    for row in policy_rows(result, lang):
        policy_sheet.row(row)
    write_workbook(path, (sheet, quota, policy_sheet))


def json_records(result: CohortResult, lang: str = "vi") -> list[dict[str, Any]]:
    records = []
    for outcome, tree in zip(result.outcomes, result.explanations()):
        score = outcome.classification.score
        records.append(
            {
                "staff_code": outcome.staff_code,
                "full_name": outcome.classification.person.full_name,
                "unit": outcome.classification.person.unit,
                "group": outcome.classification.person.group,
                "score": format_display(score) if score is not None else None,
                "level": outcome.level.value,
                "over_quota": outcome.over_quota,
                "rank_in_group": outcome.rank_in_group,
                "reasons": result.reasons(outcome, lang),
                "explanation": tree,
            }
        )
    return records


def _write_json(result: CohortResult, path: Path, lang: str) -> None:
    with path.open("w", encoding="utf-8") as handle:
        json.dump(json_records(result, lang), handle, ensure_ascii=False)


def level_counts(result: CohortResult) -> dict[Level, int]:
    counts = dict.fromkeys(Level, 0)
    for outcome in result.outcomes:
        counts[outcome.level] += 1
    return counts
