"""Writing a cohort's results: xlsx, CSV (results and quota) or JSON, each file atomically."""

from __future__ import annotations

import csv
import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from congtam.scoring.api import CohortResult
from congtam.scoring.cohort.problems import CohortError, CohortProblem
from congtam.scoring.decimals import format_display
from congtam.scoring.levels import Level, level_name
from congtam.scoring.messages import message

SHEET_RESULTS = "Kết quả"
SHEET_QUOTA = "Tỷ lệ"
SHEET_POLICY = "Chính sách"

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
