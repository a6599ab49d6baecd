"""Periods as the bulk writers of work items name them (the API, the workbook import): ``2026-11`` for
a month, ``2026-Q4`` for a quarter."""

from __future__ import annotations

import re
from dataclasses import dataclass

from congtam.monitoring.models import Frequency

_PERIOD_KEY = re.compile(r"^(\d{4})-(?:(0[1-9]|1[0-2])|[Qq]([1-4]))$")


@dataclass(frozen=True, slots=True)
class PeriodKey:
    year: int
    frequency: str
    number: int

    def __str__(self) -> str:
        return period_key(self.year, self.frequency, self.number)


def parse_period_key(text) -> PeriodKey | None:
    """The period named by ``text``, or None when it names none."""
    if not isinstance(text, str):
        return None
    match = _PERIOD_KEY.match(text.strip())
    if match is None:
        return None
    year, month, quarter = match.groups()
    if month:
        return PeriodKey(int(year), Frequency.MONTHLY, int(month))
    return PeriodKey(int(year), Frequency.QUARTERLY, int(quarter))


def period_key(year: int, frequency: str, number: int) -> str:
    if frequency == Frequency.MONTHLY:
        return f"{year}-{number:02d}"
    return f"{year}-Q{number}"
