"""Parsing the rows of a cohort's sheets into the engine's inputs (:func:`read_cohort`).

Every bad row of every sheet is collected and reported together; headers are matched ignoring
case, spacing and the Unicode form; numbers accept ``,`` or ``.`` as the decimal mark and dots or
spaces between thousands (:func:`congtam.vietnamese.read_number`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from congtam.scoring.api import CohortMember, PeriodInput, period_score
from congtam.scoring.classify import CriteriaInput, Facts, LeaderUnitCriteria, PeriodScore, Person
from congtam.scoring.cohort.problems import CohortError, CohortProblem
from congtam.scoring.cohort.read import RawSheet, _is_empty, read_sheets
from congtam.scoring.decimals import HUNDRED, ZERO
from congtam.scoring.methods import MethodInputError, UnitInput, WorkItem
from congtam.scoring.policy import DISCIPLINE_NAMES, POINTS, Policy
from congtam.vietnamese import NumberFormatError, loose_key, match_key, nfc, read_number, yes_no

SHEET_PEOPLE = "Nhân sự"
SHEET_ITEMS = "Sản phẩm"
SHEET_GENERAL = "Tiêu chí chung"
SHEET_LEADER_UNITS = "Lãnh đạo đơn vị"
SHEET_CRITERIA = "Tiêu chí"
KNOWN_SHEETS = (SHEET_PEOPLE, SHEET_ITEMS, SHEET_GENERAL, SHEET_LEADER_UNITS, SHEET_CRITERIA)


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


def parse_yes_no(cell: Any) -> bool:
    """Có/Không and the other yes/no words (:func:`congtam.vietnamese.yes_no`); empty is no."""
    if isinstance(cell, bool):
        return cell
    text = _text(cell)
    answer = yes_no(text) if text else False
    if answer is None:
        raise CellError("cell_yes_no", value=text)
    return answer


def parse_number(cell: Any, minimum: Decimal | None, maximum: Decimal | None) -> Decimal:
    try:
        value = read_number(cell)
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
    # e of the six-component reading (preset leader_combination): optional, the agency's own.
    Column("Tiêu chí khác của đơn vị", _percent, required=False, default=None),
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
                values["Tỷ lệ công chức HTNV trở lên"],
                values["Tỷ lệ thực hiện kế hoạch"],
                values["Tiêu chí khác của đơn vị"],
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
