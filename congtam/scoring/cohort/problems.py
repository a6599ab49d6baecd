"""Problems found in a cohort file: where (file, sheet, row, column) and what, in vi or en."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from congtam.scoring.messages import message


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
